package io.fogbridge.mqtt;

import com.hivemq.extension.sdk.api.client.parameter.ConnectionAttributeStore;
import com.hivemq.extension.sdk.api.parameter.ClientBasedInput;
import io.fogbridge.api.device.AuthResult;
import io.fogbridge.api.device.DeviceDirectory;
import io.fogbridge.api.device.Proof;
import io.fogbridge.api.device.Verdict;
import io.fogbridge.api.log.Untrusted;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes open connections whose device lost the right to be connected: removed from the registry, disabled, its
 * password changed, its certificate credential removed or its CA no longer trusted, or a notAfter passed (see
 * {@link DeviceDirectory#review}). Authentication runs only at CONNECT; without this a revoked device would keep publishing
 * until it reconnects.
 *
 * <p>Every {@code interval} it reads {@link DeviceDirectory#version()}. When the directory changed (a file reload, an
 * operator update), every authenticated connection is reviewed; otherwise only new connections and those whose
 * earliest expiry has passed, so a quiet second costs a map walk, not a signature check per device. A revoked
 * connection is disconnected with reason 0x87 (not authorized; an MQTT 3.1.1 client is simply closed), counted as
 * {@code fogbridge.mqtt.revoked} (tag {@code reason}) and logged with the device and why. Its reconnect is then
 * refused by the authenticator, which reads the same registry.
 *
 * <p>What a connection proved is kept per connection (the matched bcrypt hash, or the TLS client certificate), never
 * a password. Connections are tracked by client id and a connection number kept in HiveMQ's connection attribute
 * store, so when a client id is taken over, the old connection's disconnect does not drop the new one's entry.
 * Anonymous clients are not tracked: there is nothing to revoke.
 *
 * <p>Time: expiry is judged by the injected {@link Clock} (wall time, compared with notAfter dates), so a test moves
 * it past a notAfter instead of waiting; the review interval is real time.
 *
 * <p>Lifecycle: {@link #start()} after the broker runs, {@link #close()} stops the review thread. Thread-safe.
 */
final class RevocationWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RevocationWatch.class);
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    private static final String PASSWORD_HASH = "fogbridge.password-hash";
    private static final String CONNECTION = "fogbridge.connection";

    /** Closes one client's connection, telling it {@code reason}. */
    @FunctionalInterface
    interface Disconnector {
        void disconnect(String clientId, String reason);
    }

    /**
     * {@code until} null: not reviewed yet (it may have authenticated against an older snapshot). {@code pending}: held
     * pending approval (onboarding); reviewed by authenticating its certificate again.
     */
    private record Tracked(
            long connection, ConnectionPrincipal principal, Proof proof, Instant until, boolean pending) {
        Tracked reviewedUntil(Instant next) {
            return new Tracked(connection, principal, proof, next, pending);
        }
    }

    private final DeviceDirectory directory;
    private final Clock clock;
    private final MqttMetrics metrics;
    private final Disconnector disconnector;
    private final Duration interval;
    private final RelayedConnections relayed;
    private final Map<String, Tracked> connections = new ConcurrentHashMap<>();
    private final AtomicLong connectionNumbers = new AtomicLong();
    private long reviewed = -1; // the directory version last reviewed against; guarded by this
    private ScheduledExecutorService reviewer;

    RevocationWatch(
            DeviceDirectory directory, Clock clock, MqttMetrics metrics, Disconnector disconnector, Duration interval) {
        this(directory, clock, metrics, disconnector, interval, new RelayedConnections());
    }

    /** As above; a device's certificate is read from {@code relayed} when it came through the device relay. */
    RevocationWatch(
            DeviceDirectory directory,
            Clock clock,
            MqttMetrics metrics,
            Disconnector disconnector,
            Duration interval,
            RelayedConnections relayed) {
        this.relayed = relayed;
        this.directory = directory;
        this.clock = clock;
        this.metrics = metrics;
        this.disconnector = disconnector;
        this.interval = interval;
    }

    /** Called by the authenticator: which password hash this connection matched (not a secret, but kept in memory). */
    static void rememberPassword(ConnectionAttributeStore store, String hash) {
        store.putAsString(PASSWORD_HASH, hash);
    }

    /** A client authenticated successfully; starts tracking it if it is a device. */
    void connected(ClientBasedInput input) {
        ConnectionPrincipal principal = ConnectionPrincipal.of(input);
        if (principal == null) {
            return;
        }
        ConnectionAttributeStore store = input.getConnectionInformation().getConnectionAttributeStore();
        Proof proof = store.getAsString(PASSWORD_HASH)
                .<Proof>map(Proof.Password::new)
                .orElseGet(() -> certificateProof(input));
        if (proof == null) {
            log.error(
                    "client {} authenticated as {} without a known credential; not tracked",
                    Untrusted.of(clientId(input)),
                    principal);
            return;
        }
        long number = connectionNumbers.incrementAndGet();
        store.putAsString(CONNECTION, Long.toString(number));
        track(clientId(input), number, principal, proof, ConnectionPrincipal.pending(input));
    }

    /** Starts reviewing connection {@code number} of {@code clientId}; the next {@link #review()} checks it. */
    void track(String clientId, long number, ConnectionPrincipal principal, Proof proof) {
        track(clientId, number, principal, proof, false);
    }

    /** As above; a {@code pending} connection is closed once the directory no longer holds it pending. */
    void track(String clientId, long number, ConnectionPrincipal principal, Proof proof, boolean pending) {
        connections.put(clientId, new Tracked(number, principal, proof, null, pending));
    }

    /** A connection closed, for whatever reason. */
    void disconnected(ClientBasedInput input) {
        input.getConnectionInformation()
                .getConnectionAttributeStore()
                .getAsString(CONNECTION)
                .map(Long::parseLong)
                .ifPresent(number -> connections.computeIfPresent(
                        clientId(input), (id, tracked) -> tracked.connection() == number ? null : tracked));
    }

    int tracked() {
        return connections.size();
    }

    void start() {
        reviewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "fogbridge-mqtt-revocation");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        reviewer.scheduleWithFixedDelay(this::reviewSafely, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** One review round; normally run by the review thread. */
    synchronized void review() {
        long version = directory.version();
        Instant now = clock.instant();
        boolean changed = version != reviewed;
        reviewed = version;
        for (Map.Entry<String, Tracked> entry : connections.entrySet()) {
            Tracked tracked = entry.getValue();
            if (!changed && tracked.until() != null && now.isBefore(tracked.until())) {
                continue;
            }
            ConnectionPrincipal principal = tracked.principal();
            if (tracked.pending()) {
                reviewPending(entry.getKey(), tracked, now);
                continue;
            }
            Verdict verdict = directory.review(principal.tenant(), principal.device(), tracked.proof(), now);
            switch (verdict) {
                case Verdict.Stands stands ->
                    connections.replace(entry.getKey(), tracked, tracked.reviewedUntil(stands.until()));
                case Verdict.Revoked revoked -> {
                    if (connections.remove(entry.getKey(), tracked)) {
                        revoke(entry.getKey(), principal, revoked);
                    }
                }
            }
        }
    }

    /**
     * A connection held pending approval stays while its certificate is still pending. Once approved (or refused) it
     * is closed: what it proved at connect is not what it may do now, and its next connection authenticates afresh
     * (and flows, when approved).
     */
    private void reviewPending(String clientId, Tracked tracked, Instant now) {
        if (!(tracked.proof() instanceof Proof.Certificate certificate)) {
            return;
        }
        AuthResult result = directory.authenticate(List.of(certificate.leaf()), now);
        if (result instanceof AuthResult.Pending) {
            connections.replace(clientId, tracked, tracked.reviewedUntil(Instant.MAX));
            return;
        }
        if (connections.remove(clientId, tracked)) {
            boolean approved = result instanceof AuthResult.Authenticated;
            metrics.revoked(approved ? "approved" : Verdict.Reason.CREDENTIAL_REVOKED.tag());
            log.info(
                    "client {} ({}) disconnected: {}",
                    Untrusted.of(clientId),
                    tracked.principal().name(),
                    approved ? "approved, its next connection flows" : "no longer pending, refused now");
            disconnector.disconnect(clientId, approved ? "approved: reconnect" : "not authorized");
        }
    }

    private void revoke(String clientId, ConnectionPrincipal principal, Verdict.Revoked revoked) {
        metrics.revoked(revoked.reason().tag());
        log.warn(
                "client {} ({}) disconnected, no longer authorized ({}): {}",
                Untrusted.of(clientId),
                principal.name(),
                revoked.reason().tag(),
                revoked.detail());
        disconnector.disconnect(clientId, "not authorized: " + revoked.reason().tag());
    }

    private void reviewSafely() {
        try {
            review();
        } catch (RuntimeException e) { // never let the review thread die silently
            log.error("reviewing connected devices against the registry failed", e);
        }
    }

    @Override
    public void close() {
        if (reviewer != null) {
            reviewer.shutdownNow();
        }
    }

    private Proof certificateProof(ClientBasedInput input) {
        List<X509Certificate> chain = relayed.clientChain(input.getConnectionInformation());
        return chain.isEmpty() ? null : new Proof.Certificate(chain.getFirst());
    }

    private static String clientId(ClientBasedInput input) {
        return input.getClientInformation().getClientId();
    }
}
