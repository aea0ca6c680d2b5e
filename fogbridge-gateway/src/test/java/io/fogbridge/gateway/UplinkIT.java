package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.TestEnv;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
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
 * The uplink end to end with real parts: an in-process KRaft Kafka, the gateway with its embedded
 * HiveMQ broker, devices on the HiveMQ client and on {@code mosquitto_pub}, read back with a Kafka
 * consumer and with {@code kcat}.
 */
class UplinkIT {

    @TempDir
    static Path dir;

    @AutoClose
    static GatewayFixture fixture;

    static KafkaBroker kafka;
    static Gateway gateway;
    static int mqttPort;

    @BeforeAll
    static void start(TestInfo test) throws Exception {
        start(!WithoutDeviceRelay.class.isAssignableFrom(test.getTestClass().orElseThrow()));
    }

    /**
     * Starts Kafka and the gateway; {@code relay}: devices publish through the device relay, the default (false: {@link
     * UplinkWithoutRelayIT}).
     */
    static void start(boolean relay) throws Exception {
        fixture = GatewayFixture.start(dir);
        kafka = fixture.kafka();
        gateway = fixture.startGateway("edge-it", """
                gateway: {id: edge-it, dataDir: "${dataDir}", labels: {site: plant-1, location: hall-3}}
                mqtt: {listeners: [{host: 127.0.0.1, port: ${mqttPort}}], maxPayload: 64KiB}
                kafka: {bootstrapServers: "${kafka}"}
                spool: {fsync: group}
                http: {host: 127.0.0.1, port: 0}
                routes:
                  - {name: temperatures, from: "factory/+site/+device/temperature", to: "fog.telemetry.{site}", key: "{device}"}
                """ + (relay ? "" : WithoutDeviceRelay.YAML));
        mqttPort = gateway.mqttPorts().get(0);
    }

    @Test
    void deviceTelemetryArrivesWithContractHeadersInOrder() throws Exception {
        Mqtt5BlockingClient device = client("dev-1");
        for (int i = 0; i < 200; i++) {
            device.publishWith()
                    .topic("telemetry/acme/dev-1/engine")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .contentType("application/json")
                    .payload(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))
                    .send();
        }
        device.disconnect();

        // Other tests share the tenant's topic: look at this device's records only.
        List<ConsumerRecord<String, byte[]>> records = consume("fog.telemetry.acme", 200).stream()
                .filter(r -> "dev-1".equals(r.key()))
                .toList();
        assertThat(records).hasSize(200);
        for (int i = 0; i < 200; i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            assertThat(record.key()).isEqualTo("dev-1");
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":" + i + "}");
            Map<String, String> headers = CloudTopics.headers(record);
            assertThat(headers)
                    .containsEntry("device_id", "dev-1")
                    .containsEntry("tenant_id", "acme")
                    .containsEntry("gateway_id", "edge-it")
                    .containsEntry("content-type", "application/json")
                    .containsEntry("qos", "1")
                    .containsEntry("mqtt-topic", "telemetry/acme/dev-1/engine")
                    .containsEntry("site", "plant-1")
                    .containsEntry("location", "hall-3");
            assertThat(headers.get("fog-seq")).matches("edge-it/bulk/\\d+");
            assertThat(Long.parseLong(headers.get("creation-time")))
                    .isPositive()
                    .isEqualTo(record.timestamp());
        }
        assertThat(records.stream()
                        .map(r -> CloudTopics.headers(r).get("fog-seq"))
                        .distinct())
                .hasSize(200);
    }

    @Test
    void mosquittoPubThroughAConfiguredRouteIsReadableWithKcat() throws Exception {
        Path mosquittoPub = TestEnv.peer("mosquitto_pub");
        TestEnv.peer("kcat");
        Path lines = dir.resolve("readings.txt");
        List<String> readings = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            readings.add("{\"t\":" + (20 + i) + "}");
        }
        Files.write(lines, readings);
        Process pub = new ProcessBuilder(
                        mosquittoPub.toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(mqttPort),
                        "-q",
                        "1",
                        "-i",
                        "plc-bridge",
                        "-t",
                        "factory/plant-7/lathe-3/temperature",
                        "-l")
                .redirectInput(lines.toFile())
                .redirectErrorStream(true)
                .start();
        PeerProcess.awaitSuccess(pub, Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(KcatConsumer.readAll(kafka.bootstrapServers(), "fog.telemetry.plant-7"))
                        .hasSize(50));
        List<KcatConsumer.Record> records = KcatConsumer.readAll(kafka.bootstrapServers(), "fog.telemetry.plant-7");
        for (int i = 0; i < 50; i++) {
            KcatConsumer.Record record = records.get(i);
            assertThat(record.key()).isEqualTo("lathe-3");
            assertThat(record.valueAsString()).isEqualTo(readings.get(i));
            assertThat(record.headers())
                    .containsEntry("device_id", "lathe-3")
                    .containsEntry("mqtt-topic", "factory/plant-7/lathe-3/temperature")
                    .containsEntry("gateway_id", "edge-it");
        }
    }

    @Test
    void aWillOfAKilledMosquittoSubReachesKafkaMarkedAsAWill() throws Exception {
        Path mosquittoPub = TestEnv.peer("mosquitto_pub");
        Path mosquittoSub = TestEnv.peer("mosquitto_sub");
        TestEnv.peer("kcat");
        String port = Integer.toString(mqttPort);
        // The connection gauge moves when earlier clients' disconnects are processed, too: count from a settled value.
        double connected = settledConnections();
        // A clean DISCONNECT: the broker discards the will, and so do we.
        PeerProcess.awaitSuccess(
                new ProcessBuilder(
                                mosquittoPub.toString(),
                                "-h",
                                "127.0.0.1",
                                "-p",
                                port,
                                "-q",
                                "1",
                                "-i",
                                "dev-clean",
                                "-t",
                                "event/wills/dev-clean",
                                "-m",
                                "hello",
                                "--will-topic",
                                "event/wills/dev-clean",
                                "--will-payload",
                                "dead",
                                "--will-qos",
                                "1")
                        .redirectErrorStream(true)
                        .start(),
                Duration.ofSeconds(30));
        // dev-clean's disconnect must be counted before dev-gone's connect can be seen.
        await().atMost(Duration.ofSeconds(10)).until(() -> connections() <= connected);
        Process sub = new ProcessBuilder(
                        mosquittoSub.toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        port,
                        "-i",
                        "dev-gone",
                        "-t",
                        "command/wills/dev-gone/req/#",
                        "--will-topic",
                        "event/wills/dev-gone",
                        "--will-payload",
                        "{\"state\":\"dead\"}",
                        "--will-qos",
                        "1")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> connections() > connected);
        } finally {
            sub.destroyForcibly(); // SIGKILL: no DISCONNECT, so the broker fires the will
        }
        sub.waitFor(10, TimeUnit.SECONDS);

        List<KcatConsumer.Record> wills = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> KcatConsumer.readAll(kafka.bootstrapServers(), "fog.event.wills").stream()
                                .filter(r -> "dev-gone".equals(r.key()))
                                .toList(),
                        r -> !r.isEmpty());
        assertThat(wills).hasSize(1);
        assertThat(wills.getFirst().valueAsString()).isEqualTo("{\"state\":\"dead\"}");
        assertThat(wills.getFirst().headers())
                .containsEntry("mqtt-will", "true")
                .containsEntry("device_id", "dev-gone")
                .containsEntry("tenant_id", "wills")
                .containsEntry("mqtt-topic", "event/wills/dev-gone")
                .containsEntry("qos", "1");
        List<KcatConsumer.Record> clean = KcatConsumer.readAll(kafka.bootstrapServers(), "fog.event.wills").stream()
                .filter(r -> "dev-clean".equals(r.key()))
                .toList();
        assertThat(clean).extracting(KcatConsumer.Record::valueAsString).containsExactly("hello");
        assertThat(clean.getFirst().headers()).doesNotContainKey("mqtt-will");
    }

    private double connections() {
        return gateway.registry().get("fogbridge.mqtt.connections").gauge().value();
    }

    /** The connection count once it has not changed for a second (at most 15 s). */
    private double settledConnections() throws InterruptedException {
        double last = connections();
        long stableSince = System.nanoTime();
        long deadline = stableSince + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            Thread.sleep(100);
            double now = connections();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince >= TimeUnit.SECONDS.toNanos(1)) {
                break;
            }
        }
        return last;
    }

    @Test
    void eventsGoToTheEventTopic() throws Exception {
        Mqtt5BlockingClient device = client("dev-9");
        device.publishWith()
                .topic("event/acme/dev-9/door-open")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload("open".getBytes(StandardCharsets.UTF_8))
                .send();
        device.disconnect();
        List<ConsumerRecord<String, byte[]>> records = consume("fog.event.acme", 1);
        assertThat(records.get(0).key()).isEqualTo("dev-9");
        assertThat(CloudTopics.headers(records.get(0)).get("fog-seq")).startsWith("edge-it/priority/");
    }

    @Test
    void anUnroutedTopicStaysOnTheLocalBusAndIsCounted() throws Exception {
        double before = counter("fogbridge.pipeline.unrouted");
        Mqtt5BlockingClient listener = client("local-listener");
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes =
                listener.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
            listener.subscribeWith()
                    .topicFilter("hall/lights/#")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            Mqtt5BlockingClient service = client("light-switch");
            service.publishWith()
                    .topic("hall/lights/3")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload("on".getBytes(StandardCharsets.UTF_8))
                    .send();
            service.disconnect();
            var received = publishes.receive(10, TimeUnit.SECONDS);
            assertThat(received).isPresent();
            assertThat(new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("on");
        }
        listener.disconnect();
        assertThat(counter("fogbridge.pipeline.unrouted")).isEqualTo(before + 1);
        assertThat(kafka.admin().listTopics().names().get()).noneMatch(t -> t.contains("hall") || t.contains("lights"));
    }

    @Test
    void anOversizedPayloadIsRefusedWhileOthersKeepFlowing() throws Exception {
        java.util.concurrent.CompletableFuture<Throwable> disconnected = new java.util.concurrent.CompletableFuture<>();
        Mqtt5BlockingClient big = MqttClient.builder()
                .useMqttVersion5()
                .identifier("big-sender")
                .serverHost("127.0.0.1")
                .serverPort(mqttPort)
                .addDisconnectedListener(context -> disconnected.complete(context.getCause()))
                .buildBlocking();
        big.connect();
        Mqtt5BlockingClient small = client("dev-5");
        assertThatThrownBy(() -> big.publishWith()
                        .topic("telemetry/acme/big-sender")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(new byte[65 * 1024])
                        .send())
                .isInstanceOf(RuntimeException.class);
        assertThat(disconnected.get(10, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(Mqtt5DisconnectException.class, e -> assertThat(
                                e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5DisconnectReasonCode.PACKET_TOO_LARGE));
        for (int i = 0; i < 10; i++) {
            small.publishWith()
                    .topic("telemetry/acme/dev-5")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("ok-" + i).getBytes(StandardCharsets.UTF_8))
                    .send();
        }
        small.disconnect();
        List<ConsumerRecord<String, byte[]>> records = consume("fog.telemetry.acme", 0);
        assertThat(records).noneMatch(r -> "big-sender".equals(r.key()));
        assertThat(records.stream().filter(r -> "dev-5".equals(r.key()))).hasSize(10);
    }

    @Test
    void operationsEndpointsReportReadinessAndMetrics() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + gateway.httpPort();
        HttpResponse<String> ready = http.send(
                HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("spool", "mqtt", "kafka");
        HttpResponse<String> metrics = http.send(
                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body())
                .contains("fogbridge_spool_", "fogbridge_forwarder_", "fogbridge_mqtt_received", "fogbridge_pipeline_");
    }

    @Test
    void configCheckNamesTheKeyAndLineOfABrokenValue() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(
                bad, "gateway: {id: edge-1}\nkafka: {bootstrapServers: \"k:9092\"}\nspool:\n  fsync: sometimes\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            exit = io.fogbridge.gateway.cli.Main.commandLine().execute("config", "check", bad.toString());
        } finally {
            System.setErr(original);
        }
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad.yaml:4: spool.fsync");
    }

    private static Mqtt5BlockingClient client(String id) {
        Mqtt5BlockingClient client = MqttClient.builder()
                .useMqttVersion5()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(mqttPort)
                .buildBlocking();
        client.connect();
        return client;
    }

    private static double counter(String name) {
        return gateway.registry().find(name).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    /** Everything in the topic once at least {@code atLeast} records are there. */
    private static List<ConsumerRecord<String, byte[]>> consume(String topic, int atLeast) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int emptyPolls = 0;
            while (System.nanoTime() < deadline && (records.size() < atLeast || emptyPolls < 2)) {
                var batch = consumer.poll(Duration.ofMillis(500));
                batch.forEach(records::add);
                emptyPolls = batch.isEmpty() ? emptyPolls + 1 : 0;
            }
        }
        assertThat(records).hasSizeGreaterThanOrEqualTo(atLeast);
        return records;
    }
}
