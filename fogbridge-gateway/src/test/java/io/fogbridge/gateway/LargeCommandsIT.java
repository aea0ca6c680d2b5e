package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.fogbridge.gateway.fault.CommandDevice;
import io.fogbridge.gateway.fault.GatewayProcess;
import io.fogbridge.gateway.fault.OpsMetrics;
import io.fogbridge.gateway.fault.Readyz;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.registry.PasswordHasher;
import io.fogbridge.testkit.TestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, item 2: 250 commands of 900 kB for an offline device, produced with a Kafka producer, against a
 * gateway child process at the launcher's {@code -Xmx128m} with {@code -XX:+ExitOnOutOfMemoryError} (so an
 * OutOfMemoryError anywhere ends the process and fails the test). Meanwhile a second, connected device gets small
 * commands on the same tenant.
 *
 * <ul>
 *   <li>The gateway stays alive; the commands that fit {@code commands.maxPendingBytes: 128MiB} (149 of them) are
 *       stored, each later one is answered with a {@code 413} {@code delivery-failure} response carrying its
 *       correlation id; the other device receives every one of its commands throughout; {@code /readyz} says the
 *       consumer is consuming; the 413s are counted.
 *   <li>A SIGKILL and restart (still at {@code -Xmx128m}) recovers the 149 commands (134 MB of payloads, more
 *       than the heap) without loading their payloads: the gateway stays alive and keeps delivering the other
 *       device's commands.
 *   <li>When the big device connects it gets the 149 stored commands, in order, with their payloads intact.
 * </ul>
 *
 * <p>Run on the code before the fix, the gateway died of OutOfMemoryError in the pending store while consuming.
 */
class LargeCommandsIT {

    private static final String PASSWORD = "device-secret";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> LAUNCHER_HEAP = List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError");
    private static final int COMMANDS = 250;
    private static final int PAYLOAD = 900_000;
    /**
     * {@code commands.maxPendingBytes}: more than the whole heap, so a restart that loaded the stored payloads
     * would die of it.
     */
    private static final long BUDGET = 128L << 20;
    /** Per-command bytes in the store beyond the payload (record header and command head: about 115). */
    private static final long OVERHEAD_AT_LEAST = 100;

    private static final long OVERHEAD_AT_MOST = 200;
    private static final int STORED = (int) (BUDGET / (PAYLOAD + OVERHEAD_AT_MOST));

    @TempDir
    static Path dir;

    static KafkaBroker kafka;

    @BeforeAll
    static void start() throws Exception {
        assertThat(BUDGET / (PAYLOAD + OVERHEAD_AT_LEAST))
                .as("the overhead's bounds give the same count")
                .isEqualTo(STORED);
        kafka = KafkaBroker.start(dir.resolve("kafka"), 0);
        kafka.createTopic("fog.command.acme", 2);
        String hash = PasswordHasher.hash(PASSWORD.toCharArray(), 4);
        Files.writeString(dir.resolve("devices.yaml"), """
                tenants:
                  acme:
                    devices:
                      big-1: {credentials: [{type: hashed-password, hash: "%1$s"}]}
                      ok-1: {credentials: [{type: hashed-password, hash: "%1$s"}]}
                """.formatted(hash));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void largeCommandsForAnOfflineDeviceAreBoundedInBytesAndNeverExhaustTheHeap() throws Exception {
        int mqttPort = TestEnv.freePort();
        int httpPort = TestEnv.freePort();
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, """
                gateway: {id: big-cmd, dataDir: "%s"}
                mqtt: {listeners: [{host: 127.0.0.1, port: %d}]}
                devices: {registry: "%s", maxPayload: 1MiB}
                kafka: {bootstrapServers: "%s"}
                spool: {maxBytes: 64MiB, segmentBytes: 4MiB}
                http: {host: 127.0.0.1, port: %d}
                commands: {enabled: true, tenants: "acme", maxPendingBytes: 128MiB}
                """.formatted(
                dir.resolve("data"), mqttPort, dir.resolve("devices.yaml"), kafka.bootstrapServers(), httpPort));

        List<String> small = new ArrayList<>();
        Map<TopicPartition, Long> ends = new HashMap<>();
        GatewayProcess gateway = start(config, mqttPort, httpPort);
        CommandDevice ok = new CommandDevice("acme", "ok-1", PASSWORD, mqttPort);
        HeapWatch heap = new HeapWatch(httpPort);
        try (KafkaProducer<String, byte[]> producer = producer();
                Admin admin = kafka.admin()) {
            ok.connect(CONNECT_TIMEOUT);
            long began = System.nanoTime();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < COMMANDS; i++) {
                sent.add(producer.send(command("big-1", "big-" + i, "upload", payload(i))));
                if (i % 25 == 0) {
                    String id = "ok-" + i;
                    small.add(id);
                    sent.add(producer.send(command("ok-1", id, "setSpeed", ("speed " + i).getBytes())));
                    heap.sample();
                }
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                RecordMetadata meta = f.get();
                ends.merge(new TopicPartition(meta.topic(), meta.partition()), meta.offset() + 1, Math::max);
            }

            await("the gateway commits past every command")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        heap.sample();
                        assertAlive(gateway);
                        return committedCovers(admin, "fogbridge-big-cmd", ends);
                    });
            double consumedSeconds = (System.nanoTime() - began) / 1e9;
            awaitReceived(ok, small);
            assertRefusedBeyondTheBudget();
            Readyz readyz = Readyz.fetch(httpPort);
            assertThat(readyz.line("commands")).as(readyz.body()).contains("consuming");
            assertThat(metric(httpPort, "fogbridge_command_failed_total\\{[^}]*status=\"413\"[^}]*}"))
                    .isEqualTo(COMMANDS - STORED);
            assertThat(metric(httpPort, "fogbridge_command_pending_bytes"))
                    .isBetween((double) STORED * PAYLOAD, (double) BUDGET);
            System.out.printf(
                    "LargeCommandsIT: %d x %d B consumed in %.1f s at -Xmx128m: %d stored, %d refused with 413;"
                            + " heap used at most %d MiB (sampled)%n",
                    COMMANDS, PAYLOAD, consumedSeconds, STORED, COMMANDS - STORED, heap.maxMiB());
        } finally {
            ok.disconnect();
            gateway.kill();
            gateway.close();
        }

        // A restart recovers the stored commands without loading their payloads, and keeps serving.
        try (GatewayProcess second = start(config, mqttPort, httpPort);
                KafkaProducer<String, byte[]> producer = producer()) {
            HeapWatch afterRestart = new HeapWatch(httpPort);
            ok.connect(CONNECT_TIMEOUT);
            producer.send(command("ok-1", "ok-after-restart", "setSpeed", "1".getBytes()))
                    .get();
            small.add("ok-after-restart");
            awaitReceived(ok, small);
            afterRestart.sample();
            assertAlive(second);
            assertThat(metric(httpPort, "fogbridge_command_pending\\b(?!_)")).isEqualTo(STORED);

            BigDevice big = new BigDevice(mqttPort);
            big.connect();
            await("the big device gets every stored command")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        afterRestart.sample();
                        return big.received.size() >= STORED;
                    });
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < STORED; i++) {
                expected.add("big-" + i);
            }
            assertThat(big.received.stream().map(Received::requestId).distinct())
                    .as("first copies in production order")
                    .containsExactlyElementsOf(expected);
            assertThat(big.received).allSatisfy(r -> {
                assertThat(r.length()).isEqualTo(PAYLOAD);
                assertThat(r.prefix())
                        .isEqualTo(prefix(Integer.parseInt(r.requestId().substring(4))));
            });
            await("delivered commands leave the store")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> metric(httpPort, "fogbridge_command_pending\\b(?!_)") == 0);
            assertAlive(second);
            big.close();
            System.out.printf(
                    "LargeCommandsIT: restart recovered %d commands (%d MiB on disk), delivered them; heap used at most"
                            + " %d MiB (sampled)%n",
                    STORED, STORED * (long) PAYLOAD >> 20, afterRestart.maxMiB());
            second.kill();
        } finally {
            ok.close();
        }
        assertRefusedBeyondTheBudget(); // and nothing else answered as a failure
    }

    // ---- checks ----

    private static GatewayProcess start(Path config, int mqttPort, int httpPort) throws Exception {
        GatewayProcess process = GatewayProcess.start(config, LAUNCHER_HEAP);
        assertThat(process.awaitReady(START_TIMEOUT)).isEqualTo("READY mqtt=[" + mqttPort + "] http=" + httpPort);
        return process;
    }

    /** With {@code -XX:+ExitOnOutOfMemoryError} the JVM exits with code 3 on the first OutOfMemoryError. */
    private static void assertAlive(GatewayProcess gateway) throws InterruptedException {
        if (!gateway.isAlive()) {
            int code = gateway.kill(); // already gone: this only reaps it
            throw new AssertionError("the gateway exited with code " + code + (code == 3 ? " (OutOfMemoryError)" : ""));
        }
    }

    private static void awaitReceived(CommandDevice device, List<String> ids) {
        await("the other device gets its commands")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(device.received().stream()
                                .map(CommandDevice.Received::requestId)
                                .distinct())
                        .containsExactlyElementsOf(ids));
    }

    /** Exactly the commands past the budget were answered, each with 413, delivery-failure and its correlation id. */
    private static void assertRefusedBeyondTheBudget() {
        List<String> expected = new ArrayList<>();
        for (int i = STORED; i < COMMANDS; i++) {
            expected.add("big-" + i);
        }
        await("a 413 for every command past the budget")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    List<ConsumerRecord<String, String>> failures = readAll("fog.command_response.acme").stream()
                            .filter(r -> "true".equals(header(r, "delivery-failure")))
                            .toList();
                    assertThat(failures).allSatisfy(r -> {
                        assertThat(header(r, "status")).isEqualTo("413");
                        assertThat(r.key()).isEqualTo("big-1");
                        assertThat(r.value()).contains("commands.maxPendingBytes");
                    });
                    assertThat(failures.stream().map(r -> header(r, "correlation-id")))
                            .containsExactlyElementsOf(expected);
                });
    }

    private static double metric(int httpPort, String nameRegex) throws Exception {
        String body = OpsMetrics.fetch(httpPort);
        Matcher m = Pattern.compile("(?m)^" + nameRegex + "(\\{[^}]*})? ([0-9.eE+-]+)$")
                .matcher(body);
        assertThat(m.find()).as("metric %s in%n%s", nameRegex, body).isTrue();
        return Double.parseDouble(m.group(2));
    }

    /** Samples the gateway's heap in use from {@code /metrics} and keeps the largest value seen. */
    private static final class HeapWatch {
        private final int httpPort;
        private long max;

        HeapWatch(int httpPort) {
            this.httpPort = httpPort;
        }

        void sample() {
            try {
                String body = OpsMetrics.fetch(httpPort);
                Matcher m = Pattern.compile("(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+-]+)$")
                        .matcher(body);
                long used = 0;
                while (m.find()) {
                    used += (long) Double.parseDouble(m.group(1));
                }
                max = Math.max(max, used);
            } catch (Exception e) {
                // a sample is best effort; the process being alive is what the test asserts
            }
        }

        long maxMiB() {
            return max >> 20;
        }
    }

    // ---- Kafka ----

    private static KafkaProducer<String, byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<String, byte[]> command(
            String device, String correlationId, String name, byte[] body) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>("fog.command.acme", device, body);
        record.headers()
                .add("subject", bytes(name))
                .add("correlation-id", bytes(correlationId))
                .add("response-required", bytes("true"))
                .add("ttl", bytes("300000"))
                .add("content-type", bytes("application/octet-stream"));
        return record;
    }

    private static String prefix(int i) {
        return "cmd-%06d|".formatted(i);
    }

    private static byte[] payload(int i) {
        byte[] payload = new byte[PAYLOAD];
        byte[] mark = prefix(i).getBytes(StandardCharsets.US_ASCII);
        for (int at = 0; at < PAYLOAD; at += mark.length) {
            System.arraycopy(mark, 0, payload, at, Math.min(mark.length, PAYLOAD - at));
        }
        return payload;
    }

    private static boolean committedCovers(Admin admin, String group, Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        return ends.entrySet().stream().allMatch(e -> {
            OffsetAndMetadata offset = committed.get(e.getKey());
            return offset != null && offset.offset() >= e.getValue();
        });
    }

    private static List<ConsumerRecord<String, String>> readAll(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // ---- the big device ----

    /** What the big device got of one command: its request id, payload size and first bytes. */
    private record Received(String requestId, int length, String prefix) {}

    /**
     * {@code big-1} on a HiveMQ MQTT 5 client, recording each command's size and first bytes only (the test JVM
     * need not hold 134 MB of payloads); it does not answer.
     */
    private static final class BigDevice implements AutoCloseable {
        final List<Received> received = new CopyOnWriteArrayList<>();
        private final Mqtt5AsyncClient client;

        BigDevice(int port) {
            client = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier("big-1")
                    .serverHost("127.0.0.1")
                    .serverPort(port)
                    .simpleAuth()
                    .username("big-1@acme")
                    .password(PASSWORD.getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth()
                    .buildAsync();
        }

        void connect() throws Exception {
            client.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
            client.subscribeWith()
                    .topicFilter("command/acme/big-1/req/#")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .callback(this::onCommand)
                    .send()
                    .get(10, TimeUnit.SECONDS);
        }

        private void onCommand(Mqtt5Publish publish) {
            String[] levels = publish.getTopic().toString().split("/", -1);
            byte[] payload = publish.getPayloadAsBytes();
            String first = new String(payload, 0, Math.min(11, payload.length), StandardCharsets.US_ASCII);
            received.add(new Received(levels.length > 4 ? levels[4] : "", payload.length, first));
        }

        @Override
        public void close() {
            client.disconnect()
                    .orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null)
                    .join();
        }
    }
}
