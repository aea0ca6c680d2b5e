package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.registry.Credential;
import io.fogbridge.registry.CredentialReview.Proof;
import io.fogbridge.registry.Device;
import io.fogbridge.registry.DeviceRegistry;
import io.fogbridge.registry.PasswordHasher;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.Tenant;
import io.fogbridge.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The review rounds of {@link RevocationWatch} on a {@link ManualClock}, without a broker: expiry follows the clock. */
class RevocationWatchTest {

    static final String HASH = PasswordHasher.hash("pw".toCharArray(), 4);
    static final ConnectionPrincipal VICTIM = new ConnectionPrincipal("acme", "victim", Set.of(), Set.of());

    final ManualClock clock = new ManualClock();
    final Instant leaseEnd = clock.instant().plus(Duration.ofHours(1));
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final List<String> disconnects = new CopyOnWriteArrayList<>();
    final DeviceRegistry registry = DeviceRegistry.of(registry(leaseEnd));
    final RevocationWatch watch = new RevocationWatch(
            registry,
            clock,
            new MqttMetrics(meters),
            (clientId, reason) -> disconnects.add(clientId + " / " + reason),
            Duration.ofSeconds(1));

    @Test
    void aConnectionIsClosedOnceTheClockReachesItsCredentialsNotAfter() {
        watch.track("victim-1", 1, VICTIM, new Proof.Password(HASH));
        watch.review();
        clock.advance(Duration.ofMinutes(59));
        watch.review();
        assertThat(disconnects).as("before notAfter").isEmpty();
        assertThat(watch.tracked()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(1)); // at notAfter: no longer valid; the registry did not change

        watch.review();
        assertThat(disconnects).containsExactly("victim-1 / not authorized: expired");
        assertThat(meters.counter("fogbridge.mqtt.revoked", "reason", "expired").count())
                .isEqualTo(1);
        assertThat(watch.tracked()).isZero();
    }

    /** Tenant acme with device victim, whose one password credential ends at {@code notAfter}. */
    static Registry registry(Instant notAfter) {
        Device victim = new Device(
                "acme",
                "victim",
                true,
                List.of(new Credential.HashedPassword(HASH, null, notAfter)),
                Set.of(),
                Set.of());
        return new Registry(Map.of("acme", new Tenant("acme", true, List.of(), Map.of("victim", victim))));
    }
}
