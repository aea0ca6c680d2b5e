package io.fogbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Headers;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Spool;
import io.fogbridge.certs.CertificateFactory;
import io.fogbridge.localkafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forwarder against a real broker whose client listener is SSL with required client authentication, certificates
 * from the testkit, passed through {@code kafka.properties}-style client properties. A refused certificate leaves the
 * records in the spool and says why in {@link ForwarderState#lastError()}; a good certificate then delivers all.
 */
class KafkaMtlsIT {

    private static final String TOPIC = "fog.telemetry.acme";
    private static final String PW = "changeit";

    @TempDir
    Path dir;

    private CertificateFactory.Issued clusterCa;
    private KafkaBroker kafka;
    private Spool spool;

    @BeforeEach
    void start() {
        clusterCa = CertificateFactory.ca("CN=Cloud Kafka CA");
        Path keyStore = CertificateFactory.server(clusterCa, "localhost", "127.0.0.1")
                .writePkcs12(dir.resolve("broker.p12"), PW, "broker");
        Path trustStore = clusterCa.writeTrustStore(dir.resolve("broker-trust.p12"), PW);
        kafka = KafkaBroker.builder(dir.resolve("kafka"))
                .clientSsl(keyStore, trustStore, PW, true)
                .start();
        kafka.createTopic(TOPIC, 1);
        spool = TestSpools.open(dir.resolve("spool"));
    }

    @AfterEach
    void stop() throws Exception {
        spool.close();
        kafka.close();
    }

    @Test
    void aGoodClientCertificateFlows() throws Exception {
        append(50);
        try (KafkaForwarder forwarder =
                forwarder(gatewayCertificate(CertificateFactory.client(clusterCa, "CN=edge-1")))) {
            assertThat(read(50)).hasSize(50);
            assertThat(forwarder.state().connected()).isTrue();
        }
    }

    @Test
    void anUnknownOrExpiredCertificateIsRefusedAndTheSpoolKeepsTheDataUntilAGoodOne() throws Exception {
        append(30);
        CertificateFactory.Issued strangerCa = CertificateFactory.ca("CN=Somebody Else");
        Instant now = Instant.now();
        List<CertificateFactory.Issued> refused = List.of(
                CertificateFactory.client(strangerCa, "CN=edge-1"),
                CertificateFactory.client(
                        clusterCa, "CN=edge-1", now.minus(Duration.ofDays(9)), now.minus(Duration.ofDays(1))));
        for (CertificateFactory.Issued bad : refused) {
            try (KafkaForwarder forwarder = forwarder(gatewayCertificate(bad))) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> forwarder.state().lastError() != null);
                String error = forwarder.state().lastError();
                assertThat(error).containsIgnoringCase("SSL");
                assertThat(forwarder.state().connected()).isFalse();
                assertThat(forwarder.state().ackedRecords()).isZero();
            }
        }
        append(20); // traffic keeps arriving while Kafka refuses us

        try (KafkaForwarder forwarder =
                forwarder(gatewayCertificate(CertificateFactory.client(clusterCa, "CN=edge-1")))) {
            List<ConsumerRecord<byte[], byte[]>> records = read(50);
            assertThat(records)
                    .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50)
                            .mapToObj(i -> "m" + i)
                            .toList());
        }
    }

    private int next;

    private void append(int count) {
        for (int i = 0; i < count; i++) {
            Map<String, String> headers = new HashMap<>();
            headers.put(Headers.DEVICE_ID, "lathe-1");
            headers.put(Headers.TENANT_ID, "acme");
            spool.append(new Envelope(
                            TOPIC,
                            "lathe-1",
                            headers,
                            ("m" + next++).getBytes(StandardCharsets.UTF_8),
                            System.currentTimeMillis(),
                            QoS.AT_LEAST_ONCE,
                            Lane.BULK))
                    .join();
        }
    }

    /** The client properties a user writes under {@code kafka.properties} for mTLS (hostname verification stays on). */
    private Map<String, String> gatewayCertificate(CertificateFactory.Issued certificate) {
        Path keyStore = certificate.writePkcs12(dir.resolve("gateway-" + System.nanoTime() + ".p12"), PW, "gateway");
        Path trustStore = clusterCa.writeTrustStore(dir.resolve("cluster-trust.p12"), PW);
        return Map.of(
                "security.protocol",
                "SSL",
                "ssl.keystore.type",
                "PKCS12",
                "ssl.keystore.location",
                keyStore.toString(),
                "ssl.keystore.password",
                PW,
                "ssl.key.password",
                PW,
                "ssl.truststore.type",
                "PKCS12",
                "ssl.truststore.location",
                trustStore.toString(),
                "ssl.truststore.password",
                PW);
    }

    private KafkaForwarder forwarder(Map<String, String> clientProperties) {
        ForwarderOptions options = ForwarderOptions.builder(kafka.bootstrapServers(), "gw-mtls")
                .clientProperties(clientProperties)
                .clientProperty("max.block.ms", "5000")
                .backoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .build();
        KafkaForwarder forwarder = new KafkaForwarder(spool.cursor(), options, null);
        forwarder.start();
        return forwarder;
    }

    /** Reads through the broker's plaintext internal listener, so the test's consumer needs no certificate. */
    private List<ConsumerRecord<byte[], byte[]>> read(int count) {
        return KafkaRecords.readDistinct(kafka.directBootstrapServers(), List.of(TOPIC), count, Duration.ofSeconds(60));
    }
}
