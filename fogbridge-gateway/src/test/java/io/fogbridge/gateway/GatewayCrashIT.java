package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.gateway.fault.DeliveryCheck;
import io.fogbridge.gateway.fault.DeviceFleet;
import io.fogbridge.gateway.fault.GatewayProcess;
import io.fogbridge.gateway.fault.GatewayYaml;
import io.fogbridge.gateway.fault.Readyz;
import io.fogbridge.gateway.fault.TelemetryTopic;
import io.fogbridge.gateway.fault.TelemetryTopic.Delivered;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.spool.SpoolInspector;
import io.fogbridge.testkit.TestEnv;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole gateway ({@code fogbridge run}) in a child JVM, SIGKILLed at seeded random moments while devices
 * publish QoS 1 telemetry, and started again each time on the same ports and data directory (issue 3: "killed
 * with SIGKILL during load and restarted: every PUBACKed message is in Kafka"). Kafka runs in this JVM and is
 * never disturbed.
 *
 * <p>Four HiveMQ MQTT 5 clients publish sequence-numbered messages, one in flight each. A publish that the
 * gateway did not acknowledge (it died first) is not retried with the same number: the device reconnects and
 * sends its next number, so such a message may or may not be in Kafka. After the last kill the spool is
 * inspected (nothing unreadable allowed: a torn tail is a clean crash, not damage), the gateway is started once
 * more and drains. Then, read back with a Kafka consumer:
 *
 * <ul>
 *   <li>every PUBACKed message is in {@code fog.telemetry.t1}, payload unchanged;
 *   <li>records with the same {@code fog-seq} carry the same message, and a message that appears twice carries
 *       the same {@code fog-seq} both times: devices never re-send a message (a retry is a new message with a
 *       new number), so a repeat can only be the forwarder replaying one spool record after a kill;
 *   <li>per device, the first copies of acknowledged messages are in the order the device sent them;
 *   <li>the gateway started again after every kill, and each run took traffic.
 * </ul>
 *
 * <p>Seed: printed; reproduce with {@code -Dfogbridge.crash.seed=<seed>}. Number of kills:
 * {@code -Dfogbridge.crash.kills} (default 8).
 */
class GatewayCrashIT {

    private static final String TOPIC = "fog.telemetry.t1";
    private static final int DEVICES = 4;
    private static final Duration PERIOD = Duration.ofMillis(10);
    /** A cold JVM with HiveMQ and a Kafka producer, on two cores shared with Kafka and the devices. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /** What {@code fogbridge run} prints once started: the same fixed ports every time. */
    private String readyLine;

    @Test
    void everyPubackedMessageReachesKafkaAcrossSigkills() throws Exception {
        long seed = Long.getLong("fogbridge.crash.seed", System.nanoTime());
        int kills = Integer.getInteger("fogbridge.crash.kills", 8);
        System.out.println("GatewayCrashIT seed=" + seed + " kills=" + kills + " (reproduce: -Dfogbridge.crash.seed="
                + seed + ")");
        Random rnd = new Random(seed);

        try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), 0)) {
            kafka.createTopic(TOPIC, 3);
            int mqttPort = TestEnv.freePort();
            int httpPort = TestEnv.freePort();
            Path dataDir = dir.resolve("gateway");
            Path config = dir.resolve("gateway.yaml");
            Files.writeString(
                    config, GatewayYaml.of("crash-it", dataDir, mqttPort, httpPort, kafka.bootstrapServers()));
            readyLine = "READY mqtt=[" + mqttPort + "] http=" + httpPort;

            DeviceFleet fleet = new DeviceFleet("t1", DEVICES, mqttPort, PERIOD);
            try {
                for (int run = 0; run < kills; run++) {
                    runUntilKilled(config, fleet, rnd, seed, run, run == kills - 1);
                }
                fleet.stop(); // the gateway is dead: nothing in flight can still be acknowledged
                System.out.println("GatewayCrashIT: " + fleet.summary());
                inspectSpool(dataDir.resolve("spool"), seed);
                restartAndVerify(config, kafka, httpPort, fleet.ackedByDevice(), seed);
            } finally {
                fleet.stop();
            }
        }
    }

    private void runUntilKilled(Path config, DeviceFleet fleet, Random rnd, long seed, int run, boolean last)
            throws Exception {
        // Mostly mid-load; now and then right after start, while the forwarder replays the backlog.
        long loadMillis = rnd.nextInt(4) == 0 ? rnd.nextInt(500) : 800 + rnd.nextInt(3_200);
        long downMillis = rnd.nextInt(1_000);
        try (GatewayProcess gateway = GatewayProcess.start(config)) {
            assertThat(gateway.awaitReady(START_TIMEOUT))
                    .as("seed %d run %d", seed, run)
                    .isEqualTo(readyLine);
            if (run == 0) {
                fleet.start();
            }
            long before = fleet.acked();
            await("seed " + seed + " run " + run + ": devices get PUBACKs from the (re)started gateway")
                    .atMost(START_TIMEOUT)
                    .until(() -> fleet.acked() > before);
            Thread.sleep(loadMillis);
            assertThat(gateway.isAlive())
                    .as("seed %d run %d: gateway still running", seed, run)
                    .isTrue();
            gateway.kill();
        }
        System.out.printf(
                "GatewayCrashIT run %d: SIGKILL %d ms into the load, %d PUBACKed so far, down %d ms%n",
                run, loadMillis, fleet.acked(), last ? 0 : downMillis);
        if (!last) {
            Thread.sleep(downMillis); // devices keep trying meanwhile, and fail
        }
    }

    private void inspectSpool(Path spool, long seed) {
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        int code = SpoolInspector.inspect(spool, new PrintStream(report, true, StandardCharsets.UTF_8));
        String text = report.toString(StandardCharsets.UTF_8);
        System.out.println("GatewayCrashIT: spool inspect after the last SIGKILL (exit " + code + "):\n" + text);
        // OK includes a torn tail (a write cut by the kill, cut off at the next open); DAMAGED is anything else.
        assertThat(code)
                .as("seed %d: spool inspect after the last SIGKILL:%n%s", seed, text)
                .isEqualTo(SpoolInspector.OK);
    }

    private void restartAndVerify(
            Path config, KafkaBroker kafka, int httpPort, Map<String, List<Long>> acked, long seed) throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(config);
                TelemetryTopic topic = new TelemetryTopic(kafka.bootstrapServers(), TOPIC)) {
            assertThat(gateway.awaitReady(START_TIMEOUT))
                    .as("seed %d: final start", seed)
                    .isEqualTo(readyLine);
            await("seed " + seed + ": the restarted gateway drains its spool")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() ->
                            assertThat(Readyz.fetch(httpPort).spoolBacklog()).isZero());
            try {
                await("seed " + seed + ": every PUBACKed message in " + TOPIC)
                        .atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ZERO)
                        .until(() -> DeliveryCheck.missing(acked, topic.poll()).isEmpty());
            } catch (ConditionTimeoutException e) {
                // Not all there: the check below names what is missing.
            }
            List<Delivered> records = topic.readToEnd(Duration.ofSeconds(30));
            DeliveryCheck check = DeliveryCheck.run(acked, records, true);
            System.out.println("GatewayCrashIT: " + records.size() + " records in " + TOPIC + ", " + check.duplicates()
                    + " repeats (replays after a kill)");
            assertThat(check.ok()).as("seed %d: %s", seed, check.report()).isTrue();
            gateway.kill();
        }
    }
}
