package io.fogbridge.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.testkit.ChildJvm;
import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.TestEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's demo: "the water tank gets a valve. A command {@code setValve} sent with {@code kcat} changes its state,
 * and the tank's next telemetry shows it". {@code fogbridge demo} runs in a child JVM (its own Kafka, gateway and
 * TLS devices); the test runs the very {@code echo closed | kcat -P …} line the demo prints, then the same with
 * {@code {"valve":"open"}}, reads {@code fog.command_response.demo} with {@code kcat} and {@code fog.telemetry.demo}
 * with a consumer:
 * the tank answers 200 with the correlation id, and its telemetry, in order, says open, then closed, then open
 * again. On the way, the Modbus lathe (issue 12) is checked in {@code fog.telemetry.plant-1}, and the OPC UA tank
 * (issue 13): its records there, and the {@code write} command the demo prints answered 200 and seen in its data.
 */
class DemoValveIT {

    private static final Pattern VALVE = Pattern.compile("\"valve\":\"(open|closed)\"");
    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * Until the demo prints its commands: Kafka, the Modbus PLC, Milo's OPC UA server and the gateway start in one JVM,
     * which took 70-160 s on a 2-core machine at load average 14-42 (the rest of the run waits {@link #WAIT}).
     */
    private static final Duration START = Duration.ofSeconds(150);

    @TempDir
    Path dir;

    @Test
    void setValveFromKcatChangesTheTanksTelemetry() throws Exception {
        Path kcat = TestEnv.peer("kcat");
        long launched = System.nanoTime();
        try (ChildJvm demo = ChildJvm.start(
                DemoMain.class,
                List.of(
                        "-Xmx384m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "--enable-native-access=ALL-UNNAMED"),
                "demo",
                "--duration",
                "120",
                "--rate",
                "5",
                "--data-dir",
                dir.resolve("demo").toString(),
                "--mqtt-port",
                Integer.toString(TestEnv.freePort()),
                "--kafka-port",
                Integer.toString(TestEnv.freePort()),
                "--http-port",
                Integer.toString(TestEnv.freePort()))) {
            BlockingQueue<String> lines = drain(demo);
            String writeCommand = awaitLine(lines, "  echo '{\"setpoint\": 80}' | kcat -P ", START)
                    .trim();
            System.out.printf(
                    "DemoValveIT: the demo printed its commands %d ms after launch%n",
                    Duration.ofNanos(System.nanoTime() - launched).toMillis());
            String closeCommand =
                    awaitLine(lines, "  echo closed | kcat -P ", WAIT).trim();
            Matcher bootstrap = Pattern.compile(" -b (\\S+) ").matcher(closeCommand);
            assertThat(bootstrap.find()).as(closeCommand).isTrue();
            String kafka = bootstrap.group(1);
            await("the tank publishes telemetry with its valve open")
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> valveStates(kafka).contains("open"));
            assertModbusLatheInKafka(kafka);
            assertOpcUaTankInKafka(kafka);
            sh(writeCommand.substring(0, writeCommand.indexOf("   #")).replace("| kcat ", "| " + kcat + " "));
            KcatConsumer.Record written = awaitResponse(kafka, "fog.command_response.plant-1", "demo-3");
            assertThat(written.key()).isEqualTo("tank-2");
            assertThat(written.headers()).containsEntry("status", "200");
            assertThat(written.valueAsString()).contains("\"written\":[\"setpoint\"]");
            await("the OPC UA tank's data shows the new setpoint")
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> records(kafka, "fog.telemetry.plant-1").stream()
                            .anyMatch(r -> "tank-2".equals(r.key()) && r.value().contains("\"setpoint\":80.0")));

            sh(closeCommand.replace("| kcat ", "| " + kcat + " "));
            KcatConsumer.Record closed = awaitResponse(kafka, "demo-1");
            assertThat(closed.key()).isEqualTo("tank-1");
            assertThat(closed.headers()).containsEntry("status", "200").doesNotContainKey("delivery-failure");
            assertThat(closed.valueAsString()).contains("\"valve\":\"closed\"");
            await("the tank's telemetry shows the valve closed")
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> valveStates(kafka).contains("closed"));

            sh(closeCommand
                    .replace("echo closed", "echo '{\"valve\":\"open\"}'")
                    .replace("correlation-id=demo-1", "correlation-id=demo-2")
                    .replace("| kcat ", "| " + kcat + " "));
            assertThat(awaitResponse(kafka, "demo-2").headers()).containsEntry("status", "200");
            await("the tank's telemetry shows the valve open again")
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> valveStates(kafka).equals(List.of("open", "closed", "open")));
        }
    }

    /**
     * Issue 12's demo: the in-process Modbus PLC's lathe-3 is polled, scaled and deadbanded into
     * {@code fog.telemetry.plant-1} beside the MQTT lathes, with a {@code source} header instead of {@code mqtt-topic}.
     */
    private static void assertModbusLatheInKafka(String kafka) {
        // Read with a consumer up to the end offsets of now, like the tank's telemetry: kcat -e chases the tail of a
        // topic the lathes keep growing and did not see its end within a minute.
        ConsumerRecord<String, String> lathe3 = await("a good Modbus poll of lathe-3 in fog.telemetry.plant-1")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> records(kafka, "fog.telemetry.plant-1").stream()
                                .filter(r -> "lathe-3".equals(r.key()))
                                // the first polls may time out while the demo's JVM warms up on a loaded machine
                                .filter(r -> r.value().contains("\"rpm\":\"good\""))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
        Map<String, String> headers = new java.util.HashMap<>();
        lathe3.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
        assertThat(headers)
                .containsEntry("device_id", "lathe-3")
                .containsEntry("tenant_id", "plant-1")
                .doesNotContainKey("mqtt-topic");
        assertThat(headers.get("source")).matches("modbus://127\\.0\\.0\\.1:\\d+/1");
        // scaled: 0.1 rpm per raw unit around 1,200 rpm (raw 12,000), all three tags read
        assertThat(lathe3.value())
                .matches(".*\"rpm\":1[0-3]\\d\\d(\\.\\d+)?,.*")
                .contains("\"quality\":{\"rpm\":\"good\",\"temp\":\"good\",\"load\":\"good\"}");
    }

    /**
     * Issue 13's demo: the in-process OPC UA tank (Milo's server SDK) is subscribed by the converter, its publishes in
     * {@code fog.telemetry.plant-1} with a {@code source} header naming the server.
     */
    private static void assertOpcUaTankInKafka(String kafka) {
        ConsumerRecord<String, String> tank2 = await("an OPC UA record of tank-2 in fog.telemetry.plant-1")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> records(kafka, "fog.telemetry.plant-1").stream()
                                .filter(r -> "tank-2".equals(r.key()))
                                .filter(r -> r.value().contains("\"level\":\"good\""))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
        Map<String, String> headers = new java.util.HashMap<>();
        tank2.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
        assertThat(headers)
                .containsEntry("device_id", "tank-2")
                .containsEntry("tenant_id", "plant-1")
                .containsEntry("machine", "tank-2");
        assertThat(headers.get("source")).matches("opc\\.tcp://127\\.0\\.0\\.1:\\d+/tank");
        assertThat(tank2.value()).matches(".*\"level\":\\d+(\\.\\d+)?[,}].*");
    }

    /**
     * The tank's valve states in telemetry order (one partition: key tank-1), runs of the same state merged. Read
     * with a Kafka consumer up to the end offsets of now: {@code kcat -e} chases the tail of a topic that grows
     * all the time and may not see its end for many seconds.
     */
    private static List<String> valveStates(String kafka) {
        List<String> states = new ArrayList<>();
        for (String value : telemetry(kafka)) {
            Matcher m = VALVE.matcher(value);
            assertThat(m.find())
                    .as("telemetry without a valve state: %s", value)
                    .isTrue();
            if (states.isEmpty() || !states.getLast().equals(m.group(1))) {
                states.add(m.group(1));
            }
        }
        return states;
    }

    private static List<String> telemetry(String kafka) {
        return records(kafka, "fog.telemetry.demo").stream()
                .map(ConsumerRecord::value)
                .toList();
    }

    private static List<ConsumerRecord<String, String>> records(String kafka, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> values = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(values::add);
            }
            return values;
        }
    }

    private static KcatConsumer.Record awaitResponse(String kafka, String correlationId) {
        return awaitResponse(kafka, "fog.command_response.demo", correlationId);
    }

    private static KcatConsumer.Record awaitResponse(String kafka, String topic, String correlationId) {
        return await("the response to " + correlationId)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> readAll(kafka, topic).stream()
                                .filter(r -> correlationId.equals(r.headers().get("correlation-id")))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
    }

    private static List<KcatConsumer.Record> readAll(String kafka, String topic) {
        try {
            return KcatConsumer.readAll(kafka, topic);
        } catch (IllegalStateException e) {
            return List.of(); // the topic does not exist yet
        }
    }

    private static void sh(String command) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", command)
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(command).isTrue();
        assertThat(process.exitValue())
                .as("%s: %s", command, new String(process.getInputStream().readAllBytes()))
                .isZero();
    }

    private static BlockingQueue<String> drain(ChildJvm demo) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().name("demo-stdout").daemon().start(() -> {
            try {
                for (String line = demo.readLine(); line != null; line = demo.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the demo was stopped
            }
        });
        return lines;
    }

    private static String awaitLine(BlockingQueue<String> lines, String prefix, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                System.out.println("demo: " + line);
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }
        throw new AssertionError("the demo printed no line starting with '" + prefix + "' within " + wait);
    }
}
