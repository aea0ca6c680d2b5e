package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.certs.CertificateFactory;
import io.fogbridge.certs.CertificateFactory.Issued;
import io.fogbridge.gateway.fault.Readyz;
import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.MosquittoBroker;
import io.fogbridge.testkit.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External-broker mode over TLS against a real mosquitto with a TLS listener: {@code mosquitto_pub} publishes as a TLS
 * client on the site broker, the gateway bridges into Kafka; what an operator sees when the broker refuses the
 * gateway (client certificate required, certificate for another host).
 */
class ExternalBrokerTlsIT {

    @TempDir
    static Path shared;

    @AutoClose
    static GatewayFixture fixture;

    @TempDir
    Path dir;

    Issued ca;
    Path caFile;

    @BeforeAll
    static void startKafka() {
        TestEnv.peer("mosquitto");
        TestEnv.peer("mosquitto_pub");
        TestEnv.peer("kcat");
        fixture = GatewayFixture.start(shared);
    }

    @BeforeEach
    void makeCa() {
        ca = CertificateFactory.ca("CN=Site CA");
        caFile = ca.writeCertificatePem(dir.resolve("ca.pem"));
    }

    @Test
    void serverAuthenticatedTlsBridgeCarriesMosquittoPubIntoKafka() throws Exception {
        try (MosquittoBroker mosquitto = MosquittoBroker.startTls(dir.resolve("mosquitto"), tls("127.0.0.1", false))) {
            Gateway gateway =
                    fixture.startGateway("edge-tls-a", config("edge-tls-a", mosquitto, "caFile: \"" + caFile + "\""));
            await().atMost(Duration.ofSeconds(20)).until(() -> gateway.mqtt().ready());

            publish(mosquitto, "telemetry/tls-a/pump-1", "a", 10);

            assertThat(values("fog.telemetry.tls-a")).containsExactlyElementsOf(numbered("a", 10));
        }
    }

    @Test
    void brokerRequiringClientCertificates() throws Exception {
        try (MosquittoBroker mosquitto = MosquittoBroker.startTls(dir.resolve("mosquitto"), tls("127.0.0.1", true))) {
            Path cert = dir.resolve("gw.crt");
            Path key = dir.resolve("gw.key");
            CertificateFactory.client(ca, "CN=fogbridge-edge-tls-b").writePem(cert, key);
            Gateway withCert = fixture.startGateway(
                    "edge-tls-b",
                    config(
                            "edge-tls-b",
                            mosquitto,
                            "caFile: \"" + caFile + "\", certFile: \"" + cert + "\", keyFile: \"" + key + "\""));
            await().atMost(Duration.ofSeconds(20)).until(() -> withCert.mqtt().ready());
            publish(mosquitto, "telemetry/tls-b/pump-1", "b", 10);
            assertThat(values("fog.telemetry.tls-b")).containsExactlyElementsOf(numbered("b", 10));
            withCert.close();

            // Without a certificate: the gateway starts, says why it is not ready, and keeps trying.
            Gateway withoutCert =
                    fixture.startGateway("edge-tls-c", config("edge-tls-c", mosquitto, "caFile: \"" + caFile + "\""));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                            Readyz.fetch(withoutCert.httpPort()).line("mqtt-external"))
                    .startsWith("[FAIL] mqtt-external: not connected to the external broker:")
                    .contains("certificate_required")
                    .endsWith("; retrying"));
            assertThat(Readyz.fetch(withoutCert.httpPort()).status()).isEqualTo(503);
            Thread.sleep(3000); // reconnect attempts at about 0.5, 1.5 and 3.5 s: refused as well
            assertThat(withoutCert.mqtt().ready()).as(mosquitto.log()).isFalse();

            // The site's operator stops requiring certificates: the gateway gets in by itself; what is published
            // from then on reaches Kafka, all of it.
            mosquitto.kill();
            mosquitto.useTls(tls("127.0.0.1", false));
            mosquitto.start();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> withoutCert.mqtt().ready());
            assertThat(Readyz.fetch(withoutCert.httpPort()).ready()).isTrue();
            publish(mosquitto, "telemetry/tls-c/pump-1", "c", 10);
            assertThat(values("fog.telemetry.tls-c")).containsExactlyElementsOf(numbered("c", 10));
        }
    }

    @Test
    void serverCertificateForAnotherHostIsRefused() throws Exception {
        try (MosquittoBroker mosquitto =
                MosquittoBroker.startTls(dir.resolve("mosquitto"), tls("broker.example.com", false))) {
            Gateway gateway =
                    fixture.startGateway("edge-tls-d", config("edge-tls-d", mosquitto, "caFile: \"" + caFile + "\""));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                            Readyz.fetch(gateway.httpPort()).line("mqtt-external"))
                    .startsWith("[FAIL] mqtt-external: not connected")
                    .contains("No subject alternative names matching IP address 127.0.0.1"));
            assertThat(gateway.mqtt().ready()).isFalse();
        }
    }

    private static String config(String id, MosquittoBroker mosquitto, String tlsKeys) {
        return """
                gateway: {id: %s, dataDir: "${dataDir}"}
                mqtt: {external: {uri: "%s", %s}}
                kafka: {bootstrapServers: "${kafka}"}
                http: {host: 127.0.0.1, port: 0}
                """.formatted(id, mosquitto.uri(), tlsKeys);
    }

    /** mosquitto's TLS files: a server certificate for {@code host} from the site CA, which also vouches for clients. */
    private MosquittoBroker.Tls tls(String host, boolean requireCertificate) {
        Path cert = dir.resolve("server-" + System.nanoTime() + ".crt");
        Path key = dir.resolve("server-" + System.nanoTime() + ".key");
        CertificateFactory.server(ca, host).writePem(cert, key);
        return new MosquittoBroker.Tls(caFile, cert, key, requireCertificate);
    }

    /** {@code mosquitto_pub} over TLS, checking the broker's certificate, with a client certificate of its own. */
    private void publish(MosquittoBroker mosquitto, String topic, String prefix, int count) throws Exception {
        Path cert = dir.resolve("pub.crt");
        Path key = dir.resolve("pub.key");
        CertificateFactory.client(ca, "CN=publisher").writePem(cert, key);
        Path lines = Files.write(dir.resolve("lines-" + System.nanoTime()), numbered(prefix, count));
        Process pub = new ProcessBuilder(
                        TestEnv.peer("mosquitto_pub").toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(mosquitto.port()),
                        "--cafile",
                        caFile.toString(),
                        "--cert",
                        cert.toString(),
                        "--key",
                        key.toString(),
                        "-q",
                        "1",
                        "-t",
                        topic,
                        "-l")
                .redirectInput(lines.toFile())
                .redirectErrorStream(true)
                .start();
        PeerProcess.awaitSuccess(pub, Duration.ofSeconds(30));
    }

    private List<String> values(String topic) {
        String bootstrap = fixture.kafka().bootstrapServers();
        List<String> values = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            values.clear();
            KcatConsumer.readAll(bootstrap, topic).forEach(r -> values.add(r.valueAsString()));
            assertThat(values).hasSizeGreaterThanOrEqualTo(10);
        });
        return values;
    }

    private static List<String> numbered(String prefix, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(prefix + "-" + i);
        }
        return lines;
    }
}
