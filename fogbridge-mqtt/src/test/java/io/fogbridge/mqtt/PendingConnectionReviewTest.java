package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.device.Proof;
import io.fogbridge.certs.CertificateFactory;
import io.fogbridge.registry.Credential;
import io.fogbridge.registry.Device;
import io.fogbridge.registry.DeviceRegistry;
import io.fogbridge.registry.Onboarding;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.Tenant;
import io.fogbridge.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/**
 * A connection held pending approval (onboarding) stays open while its certificate is pending, and is closed once
 * the registry admits it, so that its next connection flows. No broker: {@link RevocationWatch}'s review rounds.
 */
class PendingConnectionReviewTest {

    static final CertificateFactory.Issued CA = CertificateFactory.ca("CN=Acme CA");
    static final CertificateFactory.Issued SENSOR = CertificateFactory.client(CA, "CN=sensor-9,O=acme");
    static final ConnectionPrincipal PENDING = new ConnectionPrincipal("acme", "sensor-9", Set.of(), Set.of());

    final ManualClock clock = new ManualClock();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final List<String> disconnects = new CopyOnWriteArrayList<>();
    final DeviceRegistry registry = DeviceRegistry.of(registry(Map.of()));
    final RevocationWatch watch = new RevocationWatch(
            registry,
            clock,
            new MqttMetrics(meters),
            (clientId, reason) -> disconnects.add(clientId + " / " + reason),
            Duration.ofSeconds(1));

    @Test
    void aPendingConnectionStaysUntilApprovedThenIsClosedForItsNextConnection() {
        watch.track("sensor-9", 1, PENDING, new Proof.Certificate(SENSOR.certificate()), true);
        watch.review();
        clock.advance(Duration.ofHours(1));
        watch.review();
        assertThat(disconnects)
                .as("pending: an unregistered device is not 'removed'")
                .isEmpty();

        Device approved = new Device(
                "acme",
                "sensor-9",
                true,
                List.of(new Credential.X509Cert(new X500Principal("CN=sensor-9,O=acme"), null, null)),
                Set.of(),
                Set.of());
        registry.replaceAll(registry(Map.of("sensor-9", approved)));
        watch.review();

        assertThat(disconnects).containsExactly("sensor-9 / approved: reconnect");
        assertThat(meters.counter("fogbridge.mqtt.revoked", "reason", "approved")
                        .count())
                .isEqualTo(1);
        assertThat(watch.tracked()).isZero();
    }

    @Test
    void aPendingConnectionIsClosedWhenTheTenantStopsOnboarding() {
        watch.track("sensor-9", 1, PENDING, new Proof.Certificate(SENSOR.certificate()), true);
        watch.review();
        registry.replaceAll(
                new Registry(Map.of("acme", new Tenant("acme", true, List.of(CA.certificate()), Map.of()))));
        watch.review();
        assertThat(disconnects).containsExactly("sensor-9 / not authorized");
    }

    private static Registry registry(Map<String, Device> devices) {
        return new Registry(Map.of(
                "acme", new Tenant("acme", true, List.of(CA.certificate()), devices, Onboarding.of("manual", null))));
    }
}
