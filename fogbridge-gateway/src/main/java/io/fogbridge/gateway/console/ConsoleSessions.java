package io.fogbridge.gateway.console;

import io.fogbridge.gateway.ops.BearerToken;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Who may use the console. When the ops server is exposed ({@code http.token} set), a person logs in once with that
 * bearer token and gets a session: a random id kept in an HttpOnly, SameSite=Strict cookie, and a CSRF token the
 * pages put in every form. On loopback (no token) a session is opened without a login, so the CSRF rule is the same
 * everywhere.
 *
 * <p>Sessions live in memory only (a restart logs everyone out), expire after {@code idle} without a request, and at
 * most {@value #MAX_SESSIONS} are kept (the oldest goes first): logging in in a loop cannot exhaust memory. A refused
 * token is counted in {@code fogbridge.console.login.refused}, a refused CSRF token in {@code
 * fogbridge.console.csrf.refused}. Thread-safe (one lock; the console serves one request at a time anyway).
 */
public final class ConsoleSessions {

    static final int MAX_SESSIONS = 64;

    /** One logged-in browser. {@code csrf} goes into forms; {@code id} only into the cookie. */
    public record Session(String id, String csrf) {
        @Override
        public String toString() {
            return "Session[****]";
        }
    }

    /** A short, stable name for a session in the audit log: a hash prefix, never the id itself. */
    public static String tag(Session session) {
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256").digest(session.id().getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final BearerToken token;
    private final LongSupplier nanoTime;
    private final long idleNanos;
    private final Counter loginRefused;
    private final Counter csrfRefused;
    private final Map<String, Entry> sessions = new LinkedHashMap<>(16, 0.75f, true);
    /** When a session last made a request; far in the past until one does. */
    private volatile long lastUse = Long.MIN_VALUE / 2;

    private record Entry(Session session, long lastUsed) {}

    /**
     * @param token    the ops server's bearer token; null = loopback, no login
     * @param nanoTime a monotonic clock ({@link System#nanoTime} outside tests)
     */
    public ConsoleSessions(BearerToken token, MeterRegistry registry, LongSupplier nanoTime, Duration idle) {
        this.token = token;
        this.nanoTime = nanoTime;
        this.idleNanos = idle.toNanos();
        this.loginRefused = Counter.builder("fogbridge.console.login.refused")
                .description("console logins refused for a wrong token")
                .register(registry);
        this.csrfRefused = Counter.builder("fogbridge.console.csrf.refused")
                .description("console requests refused for a missing or wrong CSRF token")
                .register(registry);
    }

    public boolean loginRequired() {
        return token != null;
    }

    /** A new session when {@code presented} is the bearer token; empty (and counted) otherwise. */
    public synchronized Optional<Session> login(String presented) {
        if (token == null || presented == null || !token.admits("Bearer " + presented)) {
            loginRefused.increment();
            return Optional.empty();
        }
        return Optional.of(open());
    }

    /** A session without a login: only when no token is configured (loopback). */
    public synchronized Session openWithoutLogin() {
        if (token != null) {
            throw new IllegalStateException("the console is exposed: a session needs a login");
        }
        return open();
    }

    /** The live session a cookie id names, touching it; empty when unknown or idle too long. */
    public synchronized Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        long now = nanoTime.getAsLong();
        expire(now);
        Entry entry = sessions.get(id);
        if (entry == null) {
            return Optional.empty();
        }
        sessions.put(id, new Entry(entry.session, now));
        lastUse = now;
        return Optional.of(entry.session);
    }

    /**
     * Whether a session made a request within {@code window}: an open page polls every two seconds, so a minute's
     * silence means nobody is looking. Lock-free (the data path asks, through {@link DeviceActivity#watchedBy}).
     */
    public boolean usedWithin(Duration window) {
        return nanoTime.getAsLong() - lastUse < window.toNanos();
    }

    /** Whether {@code presented} is the session's CSRF token; a refusal is counted. Constant time. */
    public boolean csrfMatches(Session session, String presented) {
        boolean matches = presented != null
                && MessageDigest.isEqual(
                        session.csrf().getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
        if (!matches) {
            csrfRefused.increment();
        }
        return matches;
    }

    /** Counts a refusal decided elsewhere (a login form whose CSRF cookie did not match). */
    public void csrfRefused() {
        csrfRefused.increment();
    }

    public synchronized void logout(Session session) {
        sessions.remove(session.id());
    }

    /** A fresh random value for ids, CSRF tokens and the login form's nonce: 192 bits, URL-safe. */
    static String randomToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private Session open() {
        long now = nanoTime.getAsLong();
        expire(now);
        while (sessions.size() >= MAX_SESSIONS) {
            Iterator<String> eldest = sessions.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        Session session = new Session(randomToken(), randomToken());
        sessions.put(session.id(), new Entry(session, now));
        return session;
    }

    private void expire(long now) {
        sessions.values().removeIf(entry -> now - entry.lastUsed >= idleNanos);
    }
}
