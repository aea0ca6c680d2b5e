package io.fogbridge.adapters.http;

import io.fogbridge.registry.AuthResult;
import io.fogbridge.registry.DeviceAuthenticator;
import io.fogbridge.registry.DeviceRegistry;
import io.fogbridge.registry.Registry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Basic-auth password checks with a short memory of successes. HTTP devices send their password on every request,
 * and bcrypt costs tens of milliseconds of CPU each time; MQTT pays it once per connection. A success is remembered
 * as a SHA-256 digest of the password (in memory only) for {@code ttl}, and only while the registry snapshot it was
 * checked against is still the current one: a changed registry (removed device, new password) takes effect at once.
 * Failures are never remembered, so a wrong password costs the guesser a full bcrypt every time.
 *
 * <p>Thread-safe. {@link #check} may run bcrypt: call it on a thread that may block.
 */
final class PasswordCheck {

    private record Remembered(byte[] digest, Registry snapshot, long expiresAt, AuthResult.Authenticated result) {}

    private static final int MAX_REMEMBERED = 10_000;

    private final DeviceRegistry registry;
    private final DeviceAuthenticator authenticator;
    private final Clock clock;
    private final long ttlMillis;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    PasswordCheck(DeviceRegistry registry, Clock clock, Duration ttl) {
        this.registry = registry;
        this.authenticator = new DeviceAuthenticator(registry, clock);
        this.clock = clock;
        this.ttlMillis = ttl.toMillis();
    }

    AuthResult check(String username, String password) {
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        byte[] digest = sha256(secret);
        Registry snapshot = registry.current();
        long now = clock.millis();
        Remembered known = remembered.get(username);
        if (known != null
                && known.snapshot == snapshot
                && now < known.expiresAt
                && MessageDigest.isEqual(known.digest, digest)) {
            return known.result;
        }
        AuthResult result = authenticator.password(username, secret);
        if (result instanceof AuthResult.Authenticated authenticated) {
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear(); // crude bound; a full bcrypt per device is the worst case afterwards
            }
            remembered.put(username, new Remembered(digest, snapshot, now + ttlMillis, authenticated));
        } else {
            remembered.remove(username);
        }
        return result;
    }

    private static byte[] sha256(byte[] secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
