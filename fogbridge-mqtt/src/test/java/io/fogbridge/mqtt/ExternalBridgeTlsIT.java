package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.certs.CertificateFactory;
import io.fogbridge.certs.CertificateFactory.Issued;
import io.fogbridge.testkit.MosquittoBroker;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against a real mosquitto with a TLS listener: server authentication against a CA file, client
 * certificates mosquitto requires, hostname verification. mosquitto_pub, a TLS client of its own (OpenSSL), publishes.
 */
class ExternalBridgeTlsIT {

    private static final Outcome ACCEPTED = new Outcome.Accepted(Lane.BULK, 1);

    @TempDir
    Path dir;

    Issued ca;
    Path caFile;
    MosquittoBroker mosquitto;

    @BeforeEach
    void makeCa() {
        ca = CertificateFactory.ca("CN=Site CA");
        caFile = ca.writeCertificatePem(dir.resolve("ca.pem"));
    }

    @AfterEach
    void stopMosquitto() {
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    @Test
    void serverAuthenticatedAgainstTheCaFileAndNotAgainstTheJvmTrustStore() throws Exception {
        mosquitto = startMosquitto(server("127.0.0.1"), false);
        ControllableUplink uplink = new ControllableUplink().answerWith(ACCEPTED);
        try (ExternalMqttBridge bridge =
                new ExternalMqttBridge(options("tls-1", new ExternalBrokerTls(caFile, null, null, true)), null)) {
            bridge.start(uplink);
            assertThat(bridge.ready()).as(String.valueOf(bridge.lastFailure())).isTrue();
            mosquittoPub("telemetry/acme/lathe-1", "over-tls");
            InboundMessage message = uplink.next().message();
            assertThat(message.topic()).isEqualTo("telemetry/acme/lathe-1");
            assertThat(new String(message.payload(), StandardCharsets.UTF_8)).isEqualTo("over-tls");
            assertThat(bridge.lastFailure()).isNull();
        }
        // The site CA is not in the JVM's trust store: without caFile the broker's certificate is refused.
        try (ExternalMqttBridge bridge = new ExternalMqttBridge(options("tls-1b", ExternalBrokerTls.DEFAULT), null)) {
            bridge.start(new ControllableUplink().answerWith(ACCEPTED));
            assertThat(bridge.ready()).isFalse();
            assertThat(bridge.lastFailure()).containsIgnoringCase("certification path");
        }
    }

    @Test
    void brokerRequiringClientCertificatesTakesOursAndRefusesTheBridgeWithoutOne() throws Exception {
        mosquitto = startMosquitto(server("127.0.0.1"), true);
        Path cert = dir.resolve("bridge.crt");
        Path key = dir.resolve("bridge.key");
        CertificateFactory.client(ca, "CN=fogbridge-tls-2").writePem(cert, key);

        ControllableUplink uplink = new ControllableUplink().answerWith(ACCEPTED);
        try (ExternalMqttBridge bridge =
                new ExternalMqttBridge(options("tls-2", new ExternalBrokerTls(caFile, cert, key, true)), null)) {
            bridge.start(uplink);
            assertThat(bridge.ready()).as(String.valueOf(bridge.lastFailure())).isTrue();
            mosquittoPub("event/acme/valve-1", "with-cert");
            assertThat(text(uplink.next().message())).isEqualTo("with-cert");
        }

        ControllableUplink refused = new ControllableUplink().answerWith(ACCEPTED);
        try (ExternalMqttBridge bridge =
                new ExternalMqttBridge(options("tls-3", new ExternalBrokerTls(caFile, null, null, true)), null)) {
            bridge.start(refused);
            assertThat(bridge.ready()).isFalse();
            assertThat(bridge.lastFailure()).isNotNull();
            Thread.sleep(1500); // several reconnect attempts (max delay 1 s), all refused
            assertThat(bridge.ready()).isFalse();

            // The broker's operator stops requiring certificates: the retrying bridge gets in on its own.
            mosquitto.kill();
            mosquitto.useTls(tls(server("127.0.0.1"), false));
            mosquitto.start();
            await().atMost(Duration.ofSeconds(20)).until(bridge::ready);
            assertThat(bridge.lastFailure()).isNull();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                sent.add("after-" + i);
                mosquittoPub("event/acme/valve-1", "after-" + i);
            }
            List<String> received = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                received.add(text(refused.next().message()));
            }
            assertThat(received).containsExactlyElementsOf(sent);
        }
    }

    @Test
    void serverCertificateForAnotherHostIsRefusedUnlessHostnameVerificationIsOff() throws Exception {
        mosquitto = startMosquitto(server("broker.example.com"), false);
        try (ExternalMqttBridge bridge =
                new ExternalMqttBridge(options("tls-4", new ExternalBrokerTls(caFile, null, null, true)), null)) {
            bridge.start(new ControllableUplink().answerWith(ACCEPTED));
            assertThat(bridge.ready()).isFalse();
            assertThat(bridge.lastFailure()).contains("127.0.0.1");
        }
        ControllableUplink uplink = new ControllableUplink().answerWith(ACCEPTED);
        try (ExternalMqttBridge bridge =
                new ExternalMqttBridge(options("tls-5", new ExternalBrokerTls(caFile, null, null, false)), null)) {
            bridge.start(uplink);
            assertThat(bridge.ready())
                    .as("same CA, hostname not checked: " + bridge.lastFailure())
                    .isTrue();
        }
    }

    private Issued server(String host) {
        return CertificateFactory.server(ca, host);
    }

    private MosquittoBroker startMosquitto(Issued server, boolean requireCertificate) throws Exception {
        return MosquittoBroker.startTls(dir.resolve("mosquitto"), tls(server, requireCertificate));
    }

    private MosquittoBroker.Tls tls(Issued server, boolean requireCertificate) {
        Path cert = dir.resolve("server-" + System.nanoTime() + ".crt");
        Path key = dir.resolve("server-" + System.nanoTime() + ".key");
        server.writePem(cert, key);
        return new MosquittoBroker.Tls(caFile, cert, key, requireCertificate);
    }

    private ExternalBrokerOptions options(String gatewayId, ExternalBrokerTls tls) {
        return ExternalBrokerOptions.builder(URI.create(mosquitto.uri()), gatewayId)
                .tls(tls)
                .filters(List.of("telemetry/#", "event/#"))
                .reconnectMaxDelay(Duration.ofSeconds(1))
                .retryMaxDelay(Duration.ofMillis(200))
                .startTimeout(Duration.ofSeconds(15))
                .build();
    }

    /** Publishes as a TLS client with its own certificate (mosquitto may require one), checking the broker's. */
    private void mosquittoPub(String topic, String message) throws Exception {
        Path cert = dir.resolve("pub.crt");
        Path key = dir.resolve("pub.key");
        CertificateFactory.client(ca, "CN=publisher").writePem(cert, key);
        MosquittoPub.publish(
                mosquitto,
                List.of("--cafile", caFile.toString(), "--cert", cert.toString(), "--key", key.toString()),
                topic,
                message);
    }

    private static String text(InboundMessage message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }
}
