package io.fogbridge.mqtt;

import static io.fogbridge.mqtt.MqttSecurityIT.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.fogbridge.certs.CertificateFactory;
import io.fogbridge.registry.PasswordHasher;
import io.fogbridge.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices connected to the embedded broker lose their connection when the registry file takes their right away
 * (removed, disabled, password changed, credential expired), without a broker restart; their reconnect is refused and
 * every other device keeps flowing. Real broker, real HiveMQ clients, the registry file watched as in the gateway.
 */
class RevocationIT {

    static final String OLD = "old-pw";
    static final String NEW = "new-pw";
    static final String OLD_HASH = PasswordHasher.hash(OLD.toCharArray(), 4);
    static final String NEW_HASH = PasswordHasher.hash(NEW.toCharArray(), 4);
    static final Instant START = Instant.now();
    /** Far enough ahead that only the test clock's jump passes it. */
    static final Instant LEASE_END = START.plus(Duration.ofHours(1));

    @TempDir
    static Path dir;

    static final ControllableUplink uplink = new ControllableUplink();
    static final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** Stands at START unless a test moves it, so credential windows pass without waiting. */
    static final ManualClock clock = ManualClock.at(START);

    static SecuredBroker secured;
    static Mqtt5AsyncClient bystander;

    @BeforeAll
    static void start(TestInfo test) throws Exception {
        start(ThroughDeviceRelay.class.isAssignableFrom(test.getTestClass().orElseThrow()));
    }

    /** Starts the broker; {@code pipelinedAcks}: devices connect through the relay ({@link RevocationRelayIT}). */
    static void start(boolean pipelinedAcks) throws Exception {
        meters.clear(); // the relay variant runs in the same JVM and shares these statics
        uplink.clear();
        secured = new SecuredBroker(dir, pipelinedAcks);
        writeRegistry(Map.of());
        secured.start(
                "acme-ca.pem",
                registry -> new MqttSecurity(registry, Map.of(), Duration.ofSeconds(10), clock),
                List.of(),
                uplink,
                meters);
        bystander = connect("bystander", "lathe-1@acme", OLD, new CompletableFuture<>());
    }

    @AfterAll
    static void stop() {
        if (secured != null) {
            secured.close();
        }
    }

    @BeforeEach
    void clear() {
        uplink.clear();
    }

    @AfterEach
    void restoreRegistryAndClock() throws Exception {
        clock.setInstant(START);
        writeRegistry(Map.of());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> connAckOf("victim@acme", OLD) == Mqtt5ConnAckReasonCode.SUCCESS);
    }

    @Test
    void aRemovedDeviceIsDisconnectedAndCannotReconnect() throws Exception {
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        Mqtt5AsyncClient victim = connect("victim-removed", "victim@acme", OLD, closed);
        assertThat(publish(victim, "telemetry")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);

        writeRegistry(Map.of("victim", ""));

        assertDisconnectedNotAuthorized(closed);
        assertThat(victim.getState().isConnected()).isFalse();
        assertThat(connAckOf("victim@acme", OLD)).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertBystanderFlows();
        assertThat(revoked("removed")).isEqualTo(1);
    }

    @Test
    void aDisabledDeviceIsDisconnectedAndCannotReconnect() throws Exception {
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        Mqtt5AsyncClient victim = connect("victim-disabled", "victim@acme", OLD, closed);
        assertThat(publish(victim, "telemetry")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);

        writeRegistry(Map.of("victim", """
                      victim:
                        enabled: false
                        credentials: [{type: hashed-password, hash: "%s"}]
                """.formatted(OLD_HASH)));

        assertDisconnectedNotAuthorized(closed);
        assertThat(connAckOf("victim@acme", OLD)).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        assertBystanderFlows();
        assertThat(revoked("disabled")).isEqualTo(1);
    }

    @Test
    void aPasswordChangeDropsPasswordSessionsButNotTheDevicesCertificateSession() throws Exception {
        CompletableFuture<Throwable> passwordClosed = new CompletableFuture<>();
        Mqtt5AsyncClient byPassword = connect("victim-pw", "victim@acme", OLD, passwordClosed);
        CompletableFuture<Throwable> certClosed = new CompletableFuture<>();
        Mqtt5AsyncClient byCertificate = tlsClient("victim-cert", certClosed);
        assertThat(publish(byCertificate, "telemetry")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);

        writeRegistry(Map.of("victim", victim(NEW_HASH, null)));

        assertDisconnectedNotAuthorized(passwordClosed);
        assertThat(byPassword.getState().isConnected()).isFalse();
        assertThat(connAckOf("victim@acme", OLD)).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(connAckOf("victim@acme", NEW)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        // the certificate did not change: that session stays up and keeps publishing
        assertThat(publish(byCertificate, "telemetry")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThat(certClosed).isNotDone();
        assertThat(revoked("credential-revoked")).isEqualTo(1);
        byCertificate.disconnect().get(15, TimeUnit.SECONDS);
    }

    @Test
    void aCredentialWhoseNotAfterPassesIsDisconnectedWithoutARegistryChange() throws Exception {
        writeRegistry(Map.of("victim", victim(OLD_HASH, LEASE_END)));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> connAckOf("victim@acme", OLD) == Mqtt5ConnAckReasonCode.SUCCESS);
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        Mqtt5AsyncClient victim = connect("victim-lease", "victim@acme", OLD, closed);
        assertThat(publish(victim, "telemetry")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);

        clock.advance(Duration.ofHours(2)); // the file stays as it is; only time passes notAfter

        assertDisconnectedNotAuthorized(closed);
        assertThat(connAckOf("victim@acme", OLD)).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        assertBystanderFlows();
        assertThat(revoked("expired")).isEqualTo(1);
    }

    // ---- helpers ----

    static void assertDisconnectedNotAuthorized(CompletableFuture<Throwable> closed) {
        await().atMost(Duration.ofSeconds(5)).until(closed::isDone);
        assertThat(closed.join()).isInstanceOfSatisfying(Mqtt5DisconnectException.class, e -> assertThat(
                        e.getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5DisconnectReasonCode.NOT_AUTHORIZED));
    }

    static void assertBystanderFlows() throws Exception {
        assertThat(publish(bystander, "telemetry/acme/lathe-1/ok")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThat(bystander.getState().isConnected()).isTrue();
    }

    static double revoked(String reason) {
        return meters.counter("fogbridge.mqtt.revoked", "reason", reason).count();
    }

    static String victim(String hash, Instant notAfter) {
        return """
                      victim:
                        credentials:
                          - {type: hashed-password, hash: "%s"%s}
                          - {type: x509-cert, subjectDn: "CN=victim,O=acme"}
                """.formatted(hash, notAfter == null ? "" : ", notAfter: " + notAfter);
    }

    /** lathe-1 and victim, with {@code replaced} device entries instead of the default ("" = absent). */
    static void writeRegistry(Map<String, String> replaced) throws Exception {
        String lathe = """
                      lathe-1:
                        credentials: [{type: hashed-password, hash: "%s"}]
                """.formatted(OLD_HASH);
        Files.writeString(
                secured.registryFile(), """
                tenants:
                  acme:
                    trustedCa: acme-ca.pem
                    devices:
                %s%s""".formatted(lathe, replaced.getOrDefault("victim", victim(OLD_HASH, null))));
    }

    static Mqtt5AsyncClient connect(String id, String username, String password, CompletableFuture<Throwable> closed)
            throws Exception {
        Mqtt5AsyncClient client = secured.passwordClient(id, username, password)
                .addDisconnectedListener(ctx -> closed.complete(ctx.getCause()))
                .buildAsync();
        client.connect().get(15, TimeUnit.SECONDS);
        return client;
    }

    static Mqtt5ConnAckReasonCode connAckOf(String username, String password) throws Exception {
        return secured.connAckOf(username, password);
    }

    static Mqtt5AsyncClient tlsClient(String id, CompletableFuture<Throwable> closed) throws Exception {
        CertificateFactory.Issued cert = CertificateFactory.client(secured.acmeCa(), "CN=victim,O=acme");
        Mqtt5AsyncClient client = Mqtt5Client.builder()
                .identifier(id)
                .serverHost("localhost")
                .serverPort(secured.tlsPort())
                .sslConfig(secured.deviceTls(id, cert))
                .addDisconnectedListener(ctx -> closed.complete(ctx.getCause()))
                .buildAsync();
        client.connect().get(15, TimeUnit.SECONDS);
        return client;
    }
}
