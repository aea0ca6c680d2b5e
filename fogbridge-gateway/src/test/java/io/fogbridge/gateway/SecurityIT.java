package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.fogbridge.certs.CertificateFactory;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.registry.PasswordHasher;
import io.fogbridge.testkit.TestEnv;
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 at gateway level, with real parts only: a {@link Gateway} whose only MQTT listener is TLS (client
 * certificates optional, no anonymous clients), devices from a registry file (bcrypt password, X.509 certificate),
 * operations endpoints behind a bearer token, and an in-process Kafka whose client listener is SSL with required client
 * authentication; the gateway's client certificate comes through {@code kafka.properties} (one test uses a second
 * broker with a SASL SCRAM-SHA-512 listener and a user created through the Admin API instead). The test reads Kafka
 * through the broker's plaintext internal listener, so its consumer needs no certificate.
 */
class SecurityIT {

    private static final String PW = "changeit";
    private static final String LATHE_PASSWORD = "lathe-1-secret-pw";
    private static final String OPS_TOKEN = "ops-token-for-security-it-0123";
    private static final String TOPIC = "fog.telemetry.acme";

    @TempDir
    static Path dir;

    static CertificateFactory.Issued clusterCa;
    static CertificateFactory.Issued serverCa;
    static CertificateFactory.Issued acmeCa;

    @AutoClose
    static GatewayFixture fixture;

    static KafkaBroker kafka;
    /** Devices connect to the broker directly, not through the device relay ({@link SecurityWithoutRelayIT}). */
    static boolean direct;

    @BeforeAll
    static void start(TestInfo test) throws Exception {
        direct = WithoutDeviceRelay.class.isAssignableFrom(test.getTestClass().orElseThrow());
        clusterCa = CertificateFactory.ca("CN=Cloud Kafka CA");
        serverCa = CertificateFactory.ca("CN=Edge Server CA");
        acmeCa = CertificateFactory.ca("CN=Acme Devices CA,O=acme");

        Path brokerKeyStore = CertificateFactory.server(clusterCa, "localhost", "127.0.0.1")
                .writePkcs12(dir.resolve("broker.p12"), PW, "broker");
        fixture = GatewayFixture.on(
                dir,
                KafkaBroker.builder(dir.resolve("kafka"))
                        .clientSsl(
                                brokerKeyStore,
                                clusterCa.writeTrustStore(dir.resolve("broker-trust.p12"), PW),
                                PW,
                                true)
                        .start());
        kafka = fixture.kafka();
        kafka.createTopic(TOPIC, 1);

        CertificateFactory.server(serverCa, "localhost", "127.0.0.1")
                .writePem(dir.resolve("edge.pem"), dir.resolve("edge.key"));
        serverCa.writeCertificatePem(dir.resolve("edge-ca.pem"));
        acmeCa.writeCertificatePem(dir.resolve("acme-ca.pem"));
        CertificateFactory.client(acmeCa, "CN=lathe-2,O=acme")
                .writePem(dir.resolve("lathe-2.pem"), dir.resolve("lathe-2.key"));
        Files.writeString(
                dir.resolve("devices.yaml"), """
                tenants:
                  acme:
                    trustedCa: acme-ca.pem
                    devices:
                      lathe-1:
                        credentials: [{type: hashed-password, hash: "%s"}]
                      lathe-2:
                        credentials: [{type: x509-cert, subjectDn: "CN=lathe-2,O=acme"}]
                """.formatted(PasswordHasher.hash(LATHE_PASSWORD.toCharArray(), 4)));
        Files.writeString(dir.resolve("ops-token"), OPS_TOKEN + "\n");
    }

    @Test
    void passwordAndCertificateDevicesOverTlsReachKafkaAndAWrongPasswordDoesNotStopThem() throws Exception {
        try (Gateway gateway = start("gw-flow", CertificateFactory.client(clusterCa, "CN=edge-flow"))) {
            int port = gateway.mqttPorts().getFirst();
            Mqtt5BlockingClient lathe1 = passwordDevice(port, "lathe-1@acme", LATHE_PASSWORD);
            publish(lathe1, "flow-a-", 0, 10);

            mosquittoPub(port, "lathe-2", "flow-mosquitto");

            assertThat(connAckOf(port, "lathe-1@acme", "not-the-password"))
                    .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
            assertThat(connAckOf(port, "ghost@acme", LATHE_PASSWORD))
                    .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
            publish(lathe1, "flow-a-", 10, 20); // the good device kept its session and keeps flowing
            lathe1.disconnect();

            List<ConsumerRecord<String, byte[]>> fromLathe1 = consume(r -> value(r).startsWith("flow-a-"), 20);
            assertThat(fromLathe1).extracting(SecurityIT::value).containsExactlyElementsOf(numbered("flow-a-", 0, 20));
            for (ConsumerRecord<String, byte[]> record : fromLathe1) {
                assertThat(record.key()).isEqualTo("lathe-1");
                assertThat(CloudTopics.headers(record))
                        .containsEntry("device_id", "lathe-1")
                        .containsEntry("tenant_id", "acme")
                        .containsEntry("gateway_id", "gw-flow")
                        .containsEntry("mqtt-topic", "telemetry");
            }
            ConsumerRecord<String, byte[]> fromMosquitto =
                    consume(r -> value(r).equals("flow-mosquitto"), 1).getFirst();
            assertThat(fromMosquitto.key()).isEqualTo("lathe-2");
            assertThat(CloudTopics.headers(fromMosquitto))
                    .containsEntry("device_id", "lathe-2")
                    .containsEntry("tenant_id", "acme");

            assertThat(ops(gateway, "/readyz", null).statusCode()).isEqualTo(401);
            assertThat(ops(gateway, "/metrics", null).statusCode()).isEqualTo(401);
            assertThat(ops(gateway, "/healthz", null).statusCode()).isEqualTo(200);
            HttpResponse<String> ready = ops(gateway, "/readyz", OPS_TOKEN);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("[ok]   kafka: connected");
            assertThat(ops(gateway, "/metrics", OPS_TOKEN).body())
                    .containsPattern("fogbridge_mqtt_auth_failed_total\\{[^}]*} [1-9]");
        }
    }

    @Test
    void aRefusedKafkaCertificateKeepsDataInTheSpoolUntilTheGatewayRestartsWithAGoodOne() throws Exception {
        CertificateFactory.Issued stranger = CertificateFactory.client(CertificateFactory.ca("CN=Unknown CA"), "CN=x");
        try (Gateway gateway = start("gw-spool", stranger)) {
            Mqtt5BlockingClient lathe1 = passwordDevice(gateway.mqttPorts().getFirst(), "lathe-1@acme", LATHE_PASSWORD);
            publish(lathe1, "spooled-", 0, 30); // QoS 1: every PUBACK means the record is in the spool
            lathe1.disconnect();

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                            ops(gateway, "/readyz", OPS_TOKEN).body())
                    .containsPattern("\\[WARN] kafka: not connected: (?i:[a-z]*ssl).*; spooling"));
            HttpResponse<String> ready = ops(gateway, "/readyz", OPS_TOKEN);
            assertThat(ready.statusCode())
                    .as("Kafka away is degraded, still ready")
                    .isEqualTo(200);
            assertThat(ops(gateway, "/metrics", OPS_TOKEN).body())
                    .containsPattern("(?m)^fogbridge_forwarder_connected\\{[^}]*} 0\\.0$");
            assertThat(gateway.spool().stats().records()).isEqualTo(30);
            assertThat(gateway.forwarder().state().ackedRecords()).isZero();
        }

        // Same data dir, the operator fixed the certificate: everything that waited arrives, in order.
        try (Gateway gateway = start("gw-spool", CertificateFactory.client(clusterCa, "CN=edge-spool"))) {
            List<ConsumerRecord<String, byte[]>> records = consume(r -> value(r).startsWith("spooled-"), 30);
            assertThat(records).extracting(SecurityIT::value).containsExactlyElementsOf(numbered("spooled-", 0, 30));
            assertThat(records)
                    .allSatisfy(r -> assertThat(CloudTopics.headers(r)).containsEntry("device_id", "lathe-1"));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                            ops(gateway, "/readyz", OPS_TOKEN).body())
                    .contains("[ok]   kafka: connected"));
            assertThat(ops(gateway, "/metrics", OPS_TOKEN).body())
                    .containsPattern("(?m)^fogbridge_forwarder_connected\\{[^}]*} 1\\.0$");
        }
    }

    @Test
    void aListenerWithoutCredentialsRefusesAnonymousClients() throws Exception {
        try (Gateway gateway = start("gw-anon", CertificateFactory.client(clusterCa, "CN=edge-anon"))) {
            assertThat(connAckOf(gateway.mqttPorts().getFirst(), null, null))
                    .isNotEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        }
    }

    @Test
    void scramSha512WithAWrongPasswordSpoolsAndTheRightOneDelivers() throws Exception {
        try (KafkaBroker sasl = KafkaBroker.builder(dir.resolve("kafka-scram"))
                        .clientSecurityProtocol("SASL_PLAINTEXT")
                        .brokerProperty("sasl.enabled.mechanisms", "SCRAM-SHA-512")
                        .brokerProperty(
                                "listener.name.client.scram-sha-512.sasl.jaas.config",
                                "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                        .start();
                Admin admin = sasl.admin()) {
            sasl.createTopic(TOPIC, 1);
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            "edge-scram", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "right-pw")))
                    .all()
                    .get(30, TimeUnit.SECONDS);

            try (Gateway gateway = start("gw-scram", sasl.bootstrapServers(), scram("wrong-pw"))) {
                Mqtt5BlockingClient lathe1 =
                        passwordDevice(gateway.mqttPorts().getFirst(), "lathe-1@acme", LATHE_PASSWORD);
                publish(lathe1, "scram-", 0, 20);
                lathe1.disconnect();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                                ops(gateway, "/readyz", OPS_TOKEN).body())
                        .containsPattern(
                                "\\[WARN] kafka: not connected: SaslAuthenticationException.*SCRAM" + ".*; spooling"));
                assertThat(gateway.spool().stats().records()).isEqualTo(20);
            }
            try (Gateway gateway = start("gw-scram", sasl.bootstrapServers(), scram("right-pw"))) {
                List<ConsumerRecord<String, byte[]>> records = consume(sasl, r -> value(r).startsWith("scram-"), 20);
                assertThat(records).extracting(SecurityIT::value).containsExactlyElementsOf(numbered("scram-", 0, 20));
            }
        }
    }

    private static Map<String, String> scram(String password) {
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                "SCRAM-SHA-512",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"edge-scram\" password=\""
                        + password + "\";");
    }

    // ---- the gateway ----

    /** A gateway whose Kafka client presents {@code kafkaCertificate}; {@code id} names its data dir. */
    private static Gateway start(String id, CertificateFactory.Issued kafkaCertificate) throws Exception {
        Path keyStore = kafkaCertificate.writePkcs12(dir.resolve(id + "-" + System.nanoTime() + ".p12"), PW, "gateway");
        Path trustStore = clusterCa.writeTrustStore(dir.resolve("cluster-trust.p12"), PW);
        Map<String, String> properties = new HashMap<>();
        properties.put("security.protocol", "SSL");
        properties.put("ssl.keystore.type", "PKCS12");
        properties.put("ssl.keystore.location", keyStore.toString());
        properties.put("ssl.keystore.password", PW);
        properties.put("ssl.key.password", PW);
        properties.put("ssl.truststore.type", "PKCS12");
        properties.put("ssl.truststore.location", trustStore.toString());
        properties.put("ssl.truststore.password", PW);
        return start(id, kafka.bootstrapServers(), properties);
    }

    /** A gateway with these Kafka client security properties (plus short timeouts, so a refusal shows quickly). */
    private static Gateway start(String id, String bootstrapServers, Map<String, String> security) throws Exception {
        Map<String, String> properties = new HashMap<>(security);
        properties.put("max.block.ms", "5000");
        properties.put("request.timeout.ms", "5000");
        properties.put("delivery.timeout.ms", "10000");
        StringBuilder kafkaProperties = new StringBuilder();
        properties.forEach((key, value) -> kafkaProperties
                .append("    ")
                .append(key)
                .append(": '")
                .append(value.replace("'", "''"))
                .append("'\n"));
        return fixture.startGateway(
                id,
                """
                gateway: {id: %s, dataDir: "${dataDir}"}
                mqtt:
                  registry: "${dir}/devices.yaml"
                  listeners:
                    - host: 127.0.0.1
                      port: ${mqttPort}
                      anonymous: false
                      certFile: "${dir}/edge.pem"
                      keyFile: "${dir}/edge.key"
                      clientCaFile: "${dir}/acme-ca.pem"
                      clientAuth: optional
                kafka:
                  bootstrapServers: "%s"
                  properties:
                %s
                http: {host: 127.0.0.1, port: 0, tokenFile: "${dir}/ops-token"}
                """.formatted(id, bootstrapServers, kafkaProperties.toString().stripTrailing())
                        + (direct ? WithoutDeviceRelay.YAML : ""));
    }

    private static HttpResponse<String> ops(Gateway gateway, String path, String token) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- devices ----

    /** TLS trusting the edge's server CA, without a client certificate: the password authenticates. */
    private static Mqtt5BlockingClient passwordDevice(int port, String username, String password) throws Exception {
        Mqtt5BlockingClient client = tlsClient(port, username, password).buildBlocking();
        client.connect();
        return client;
    }

    private static com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder tlsClient(int port, String username, String password)
            throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(
                serverCa.writeTrustStore(dir.resolve("edge-trust.p12"), PW).toFile())) {
            trust.load(in, PW.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        var builder = Mqtt5Client.builder()
                .identifier("it-" + System.nanoTime())
                .serverHost("localhost")
                .serverPort(port)
                .sslConfig(
                        MqttClientSslConfig.builder().trustManagerFactory(tmf).build());
        if (username != null) {
            builder = builder.simpleAuth()
                    .username(username)
                    .password(password.getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth();
        }
        return builder;
    }

    private static Mqtt5ConnAckReasonCode connAckOf(int port, String username, String password) throws Exception {
        Mqtt5BlockingClient client = tlsClient(port, username, password).buildBlocking();
        try {
            Mqtt5ConnAckReasonCode code = client.connect().getReasonCode();
            client.disconnect();
            return code;
        } catch (Mqtt5ConnAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }

    /** QoS 1 on the short topic {@code telemetry}: the gateway fills in tenant and device from the identity. */
    private static void publish(Mqtt5BlockingClient client, String prefix, int from, int to) {
        for (int i = from; i < to; i++) {
            client.publishWith()
                    .topic("telemetry")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload((prefix + i).getBytes(StandardCharsets.UTF_8))
                    .send();
        }
    }

    private static void mosquittoPub(int port, String device, String message) throws Exception {
        Process process = new ProcessBuilder(
                        TestEnv.peer("mosquitto_pub").toString(),
                        "-h",
                        "localhost",
                        "-p",
                        Integer.toString(port),
                        "--cafile",
                        dir.resolve("edge-ca.pem").toString(),
                        "--cert",
                        dir.resolve(device + ".pem").toString(),
                        "--key",
                        dir.resolve(device + ".key").toString(),
                        "-i",
                        "mosquitto-" + device,
                        "-V",
                        "mqttv5",
                        "-q",
                        "1",
                        "-t",
                        "telemetry",
                        "-m",
                        message)
                .redirectErrorStream(true)
                .start();
        PeerProcess.awaitSuccess(process, Duration.ofSeconds(20));
    }

    // ---- Kafka ----

    /** The records of {@value #TOPIC} that match, once at least {@code count} of them are there. */
    private static List<ConsumerRecord<String, byte[]>> consume(
            Predicate<ConsumerRecord<String, byte[]>> wanted, int count) {
        return consume(kafka, wanted, count);
    }

    private static List<ConsumerRecord<String, byte[]>> consume(
            KafkaBroker broker, Predicate<ConsumerRecord<String, byte[]>> wanted, int count) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.directBootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "security-it-" + System.nanoTime());
        List<ConsumerRecord<String, byte[]>> matching = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (matching.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (wanted.test(r)) {
                        matching.add(r);
                    }
                });
            }
        }
        assertThat(matching).as("records in " + TOPIC).hasSizeGreaterThanOrEqualTo(count);
        return matching;
    }

    private static String value(ConsumerRecord<String, byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    private static List<String> numbered(String prefix, int from, int to) {
        List<String> values = new ArrayList<>();
        for (int i = from; i < to; i++) {
            values.add(prefix + i);
        }
        return values;
    }
}
