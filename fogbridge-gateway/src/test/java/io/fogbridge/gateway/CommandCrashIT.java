package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.gateway.fault.CommandDevice;
import io.fogbridge.gateway.fault.GatewayProcess;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.registry.PasswordHasher;
import io.fogbridge.testkit.TestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downlink commands across SIGKILLs of the whole gateway ({@code fogbridge run} in a child JVM, {@link
 * GatewayProcess}); Kafka runs in this JVM and is never disturbed (issue 5: "a gateway killed mid-command, after
 * which the command is still delivered"). Devices are HiveMQ MQTT 5 clients authenticated by the registry
 * ({@link CommandDevice}); commands are produced with a Kafka producer, responses read back with a consumer.
 *
 * <ul>
 *   <li><b>Offline device.</b> Commands for two offline devices are consumed: the gateway's consumer group
 *       {@code fogbridge-<gateway.id>} committed past them, so only the gateway's pending store has them. The
 *       gateway is killed at a seeded moment after that, started again, and the devices connect: each gets every
 *       one of its commands, the first copies in the order they were produced, and each response lands in
 *       {@code fog.command_response.<tenant>} with the command's correlation id and status 200.
 *   <li><b>Online device, commands streaming.</b> Two connected devices receive a steady stream of commands while
 *       the gateway is SIGKILLed at seeded moments and started again (the devices reconnect to it): after the
 *       last restart every command was delivered at least once, first copies in order, every response in Kafka,
 *       and no command was answered with a delivery failure.
 * </ul>
 *
 * <p>Seed: printed; reproduce with {@code -Dfogbridge.commandcrash.seed=<seed>}. Kills in the streaming case:
 * {@code -Dfogbridge.commandcrash.kills} (default 2).
 */
class CommandCrashIT {

    private static final String PASSWORD = "actuator-secret";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Far beyond the test's runtime: no command may expire, every one must be delivered. */
    private static final long TTL_MS = 300_000;

    @TempDir
    static Path dir;

    static KafkaBroker kafka;
    static long seed;

    @BeforeAll
    static void start() throws Exception {
        seed = Long.getLong("fogbridge.commandcrash.seed", System.nanoTime());
        System.out.println("CommandCrashIT seed=" + seed + " (reproduce: -Dfogbridge.commandcrash.seed=" + seed + ")");
        kafka = KafkaBroker.start(dir.resolve("kafka"), 0);
        String hash = PasswordHasher.hash(PASSWORD.toCharArray(), 4);
        Files.writeString(dir.resolve("devices.yaml"), """
                tenants:
                  valves:
                    devices:
                      valve-1: {credentials: [{type: hashed-password, hash: "%1$s"}]}
                      valve-2: {credentials: [{type: hashed-password, hash: "%1$s"}]}
                  pumps:
                    devices:
                      pump-1: {credentials: [{type: hashed-password, hash: "%1$s"}]}
                      pump-2: {credentials: [{type: hashed-password, hash: "%1$s"}]}
                """.formatted(hash));
        kafka.createTopic("fog.command.valves", 2);
        kafka.createTopic("fog.command.pumps", 2);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void commandsForAnOfflineDeviceSurviveAKillAfterTheyWereConsumed() throws Exception {
        Random rnd = new Random(seed ^ 0x0ff1);
        GatewayUnderTest gw = new GatewayUnderTest("cmd-crash-offline", "valves");
        Map<String, List<String>> produced = new LinkedHashMap<>();
        try (KafkaProducer<String, String> producer = producer();
                Admin admin = kafka.admin()) {
            GatewayProcess first = gw.start();
            try {
                Map<TopicPartition, Long> ends = new HashMap<>();
                for (int i = 0; i < 20; i++) {
                    String device = i % 2 == 0 ? "valve-1" : "valve-2";
                    String id = device + "-c" + i;
                    RecordMetadata meta = send(producer, "valves", device, id, "set " + i);
                    produced.computeIfAbsent(device, d -> new ArrayList<>()).add(id);
                    ends.merge(new TopicPartition(meta.topic(), meta.partition()), meta.offset() + 1, Math::max);
                }
                await("seed " + seed + ": group " + gw.group() + " commits past every command")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> committedCovers(admin, gw.group(), ends));
                long afterCommit = rnd.nextInt(500);
                Thread.sleep(afterCommit);
                System.out.printf("CommandCrashIT offline: SIGKILL %d ms after the commit%n", afterCommit);
            } finally {
                first.kill();
                first.close();
            }
        }

        try (GatewayProcess second = gw.start();
                CommandDevice valve1 = new CommandDevice("valves", "valve-1", PASSWORD, gw.mqttPort);
                CommandDevice valve2 = new CommandDevice("valves", "valve-2", PASSWORD, gw.mqttPort)) {
            valve1.connect(CONNECT_TIMEOUT);
            valve2.connect(CONNECT_TIMEOUT);
            for (CommandDevice device : List.of(valve1, valve2)) {
                String name = device == valve1 ? "valve-1" : "valve-2";
                awaitDelivered(device, produced.get(name));
                assertDeliveredInOrder(name, device, produced.get(name));
                assertThat(device.received())
                        .as("seed %d: %s gets the payload and name it was sent", seed, name)
                        .allSatisfy(r -> {
                            assertThat(r.name()).isEqualTo("setValve");
                            assertThat(r.payload())
                                    .isEqualTo("set " + r.requestId().replaceAll(".*-c", ""));
                        });
            }
            assertResponses("valves", produced);
            second.kill();
        }
    }

    @Test
    void commandsStreamingToOnlineDevicesAreAllDeliveredAcrossKills() throws Exception {
        Random rnd = new Random(seed ^ 0x57ea);
        int kills = Integer.getInteger("fogbridge.commandcrash.kills", 2);
        GatewayUnderTest gw = new GatewayUnderTest("cmd-crash-online", "pumps");
        List<String> devices = List.of("pump-1", "pump-2");
        Map<String, List<String>> produced = new ConcurrentHashMap<>();
        devices.forEach(d -> produced.put(d, java.util.Collections.synchronizedList(new ArrayList<>())));
        int total = 160;
        AtomicReference<Throwable> producerError = new AtomicReference<>();
        Map<String, CommandDevice> online = new LinkedHashMap<>();
        devices.forEach(d -> online.put(d, new CommandDevice("pumps", d, PASSWORD, gw.mqttPort)));

        Thread stream = null;
        try (KafkaProducer<String, String> producer = producer()) {
            GatewayProcess gateway = gw.start();
            connectAll(online.values());
            stream = Thread.ofPlatform().name("command-stream").start(() -> {
                try {
                    for (int i = 0; i < total; i++) {
                        String device = devices.get(i % devices.size());
                        String id = device + "-c" + i;
                        send(producer, "pumps", device, id, "speed " + i);
                        produced.get(device).add(id);
                        Thread.sleep(40);
                    }
                } catch (Throwable e) {
                    producerError.set(e);
                }
            });
            for (int kill = 0; kill < kills; kill++) {
                int before = receivedCount(online.values());
                await("seed " + seed + " run " + kill + ": devices receive commands from the (re)started gateway")
                        .atMost(START_TIMEOUT)
                        .until(() -> receivedCount(online.values()) > before);
                long runMillis = 200 + rnd.nextInt(1_800);
                long downMillis = rnd.nextInt(800);
                Thread.sleep(runMillis);
                assertThat(gateway.isAlive())
                        .as("seed %d run %d: gateway alive", seed, kill)
                        .isTrue();
                gateway.kill();
                gateway.close();
                online.values().forEach(CommandDevice::disconnect);
                System.out.printf(
                        "CommandCrashIT online run %d: SIGKILL %d ms into the stream, %d commands received so far,"
                                + " down %d ms%n",
                        kill, runMillis, receivedCount(online.values()), downMillis);
                Thread.sleep(downMillis);
                gateway = gw.start();
                connectAll(online.values());
            }
            stream.join(Duration.ofSeconds(60));
            assertThat(producerError.get()).as("producer").isNull();
            assertThat(stream.isAlive()).as("the producer finished").isFalse();

            for (String device : devices) {
                awaitDelivered(online.get(device), produced.get(device));
                assertDeliveredInOrder(device, online.get(device), produced.get(device));
            }
            assertResponses("pumps", produced);
            int received = receivedCount(online.values());
            System.out.printf(
                    "CommandCrashIT online: %d commands, %d deliveries (%d repeats after kills)%n",
                    total, received, received - total);
            gateway.kill();
            gateway.close();
        } finally {
            if (stream != null) {
                stream.interrupt();
            }
            online.values().forEach(CommandDevice::close);
        }
    }

    // ---- checks ----

    private static void awaitDelivered(CommandDevice device, List<String> expected) {
        await("seed " + seed + ": every command reaches its device")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(firstCopies(device))
                        .as("seed %d: request ids the device received", seed)
                        .containsAll(expected));
    }

    /** At least once, and the first copy of each command in the order the cloud sent them. */
    private static void assertDeliveredInOrder(String name, CommandDevice device, List<String> expected) {
        assertThat(firstCopies(device))
                .as("seed %d: %s receives every command once at least, first copies in production order", seed, name)
                .containsExactlyElementsOf(expected);
    }

    private static List<String> firstCopies(CommandDevice device) {
        LinkedHashSet<String> first = new LinkedHashSet<>();
        device.received().forEach(r -> first.add(r.requestId()));
        return List.copyOf(first);
    }

    /** Every command's response is in Kafka with its correlation id and status 200; no delivery failure. */
    private static void assertResponses(String tenant, Map<String, List<String>> produced) {
        String topic = "fog.command_response." + tenant;
        await("seed " + seed + ": every response in " + topic)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    List<ConsumerRecord<String, String>> records = readAll(topic);
                    Map<String, ConsumerRecord<String, String>> byCorrelation = new HashMap<>();
                    for (ConsumerRecord<String, String> r : records) {
                        assertThat(header(r, "delivery-failure"))
                                .as("seed %d: gateway failure response %s: %s", seed, header(r, "status"), r.value())
                                .isNull();
                        byCorrelation.putIfAbsent(header(r, "correlation-id"), r);
                    }
                    produced.forEach((device, ids) -> {
                        for (String id : ids) {
                            ConsumerRecord<String, String> r = byCorrelation.get(id);
                            assertThat(r)
                                    .as("seed %d: response to %s", seed, id)
                                    .isNotNull();
                            assertThat(r.key()).isEqualTo(device);
                            assertThat(header(r, "device_id")).isEqualTo(device);
                            assertThat(header(r, "status")).isEqualTo("200");
                            assertThat(r.value()).isEqualTo("done:" + id);
                        }
                    });
                });
    }

    // ---- Kafka ----

    private static KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static RecordMetadata send(
            KafkaProducer<String, String> producer, String tenant, String device, String correlationId, String payload)
            throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>("fog.command." + tenant, device, payload);
        record.headers()
                .add("subject", bytes(tenant.equals("valves") ? "setValve" : "setSpeed"))
                .add("correlation-id", bytes(correlationId))
                .add("response-required", bytes("true"))
                .add("ttl", bytes(Long.toString(TTL_MS)))
                .add("content-type", bytes("text/plain"));
        return producer.send(record).get();
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

    // ---- gateway and devices ----

    private static void connectAll(Iterable<CommandDevice> devices) throws Exception {
        for (CommandDevice device : devices) {
            device.connect(CONNECT_TIMEOUT);
        }
    }

    private static int receivedCount(Iterable<CommandDevice> devices) {
        int n = 0;
        for (CommandDevice device : devices) {
            n += device.received().size();
        }
        return n;
    }

    /** One gateway's config file, ports and data directory, the same for every (re)start. */
    private static final class GatewayUnderTest {
        final String id;
        final int mqttPort = TestEnv.freePort();
        final int httpPort = TestEnv.freePort();
        final Path config;

        GatewayUnderTest(String id, String tenant) throws Exception {
            this.id = id;
            this.config = dir.resolve(id + ".yaml");
            Files.writeString(config, """
                    gateway: {id: %s, dataDir: "%s"}
                    mqtt: {listeners: [{host: 127.0.0.1, port: %d}], registry: "%s"}
                    kafka: {bootstrapServers: "%s"}
                    spool: {maxBytes: 64MiB, fsync: group, whenFull: block, segmentBytes: 1MiB}
                    http: {host: 127.0.0.1, port: %d}
                    commands: {enabled: true, tenants: "%s"}
                    """.formatted(
                            id,
                            dir.resolve(id),
                            mqttPort,
                            dir.resolve("devices.yaml"),
                            kafka.bootstrapServers(),
                            httpPort,
                            tenant));
        }

        String group() {
            return "fogbridge-" + id;
        }

        GatewayProcess start() throws Exception {
            GatewayProcess process = GatewayProcess.start(config);
            assertThat(process.awaitReady(START_TIMEOUT))
                    .as("seed %d: %s ready", seed, id)
                    .isEqualTo("READY mqtt=[" + mqttPort + "] http=" + httpPort);
            return process;
        }
    }
}
