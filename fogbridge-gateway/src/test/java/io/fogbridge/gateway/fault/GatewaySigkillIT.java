package io.fogbridge.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.testkit.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole gateway ({@code fogbridge run}, a child JVM) SIGKILLed under load, again and again: 5 times in CI mode,
 * 50 in long mode. Each run takes a seeded 0.3–3 s of load (now and then it is killed right after start, while it
 * replays its backlog), then SIGKILL, a seeded 0–1 s down, and a start on the same ports and data directory. Kafka
 * runs in this JVM, undisturbed. (GatewayCrashIT has the same shape with a spool inspection; this one is the soak
 * and records the outage devices see.)
 *
 * <p>Proves: the gateway starts again after every kill and takes traffic; after the last start, everything PUBACKed
 * across all runs is in Kafka, per device in order, repeats only as replays of one spool record. Records the time
 * devices were without PUBACKs per kill: from the kill until the first PUBACK of the next run (JVM start included).
 */
class GatewaySigkillIT {

    private static final int DEVICES = 4;
    private static final Duration PERIOD = Duration.ofMillis(10);
    /** A cold JVM with HiveMQ and a Kafka producer, on two cores shared with Kafka and the devices. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void everythingPubackedSurvivesRepeatedSigkills() throws Exception {
        FaultRun run = FaultRun.begin(getClass().getSimpleName());
        int kills = kills(run);
        try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), 0)) {
            kafka.createTopic(UplinkRig.TOPIC, 3);
            int mqttPort = TestEnv.freePort();
            int httpPort = TestEnv.freePort();
            Path config = dir.resolve("gateway.yaml");
            Files.writeString(
                    config,
                    GatewayYaml.of("sigkill-it", dir.resolve("gateway"), mqttPort, httpPort, kafka.bootstrapServers())
                            + extraYaml());
            List<Duration> outages = new ArrayList<>();
            try (DeviceFleet fleet = new DeviceFleet("t1", DEVICES, mqttPort, PERIOD)) {
                long killedAt = 0;
                for (int i = 0; i <= kills; i++) {
                    try (GatewayProcess gateway = GatewayProcess.start(config)) {
                        gateway.awaitReady(START_TIMEOUT);
                        if (i == 0) {
                            fleet.start();
                        }
                        long before = fleet.acked();
                        await(run.tag() + " run " + i + ": devices get PUBACKs from the (re)started gateway")
                                .atMost(START_TIMEOUT)
                                .pollInterval(Duration.ofMillis(20))
                                .until(() -> fleet.acked() > before);
                        if (i > 0) {
                            outages.add(Duration.ofNanos(System.nanoTime() - killedAt));
                        }
                        if (i == kills) {
                            verify(run, kafka, fleet, httpPort);
                            gateway.kill();
                            break;
                        }
                        Duration load = run.random().nextInt(4) == 0
                                ? run.between(Duration.ZERO, Duration.ofMillis(300))
                                : run.between(Duration.ofMillis(300), Duration.ofSeconds(3));
                        Thread.sleep(load);
                        assertThat(gateway.isAlive())
                                .as("%s run %d: still running", run.tag(), i)
                                .isTrue();
                        gateway.kill();
                        killedAt = System.nanoTime();
                    }
                    System.out.printf(
                            "%s: SIGKILL %d of %d, %d PUBACKed so far%n", run.tag(), i + 1, kills, fleet.acked());
                    Thread.sleep(run.between(Duration.ZERO, Duration.ofSeconds(1)));
                }
                Duration worst = outages.stream().max(Duration::compareTo).orElseThrow();
                Duration mean =
                        outages.stream().reduce(Duration.ZERO, Duration::plus).dividedBy(outages.size());
                run.record(
                        "gateway SIGKILLed " + kills + " times under load (" + DEVICES * 1000 / PERIOD.toMillis()
                                + " msg/s)",
                        "connection lost at each kill; the publish in flight fails (" + fleet.failures()
                                + " failed publishes in all), reconnect once the gateway is back",
                        "nothing: " + fleet.acked() + " acknowledged, all in Kafka",
                        "mean " + FaultRun.seconds(mean) + ", worst " + FaultRun.seconds(worst)
                                + " from SIGKILL to the next PUBACK (JVM start included)");
            }
        }
    }

    /** SIGKILLs in this run: 5 in CI mode, 50 in long mode. */
    int kills(FaultRun run) {
        return run.size(5, 50);
    }

    /** Added to the gateway's config file ({@link GatewaySigkillWithoutRelayIT}: without the device relay). */
    String extraYaml() {
        return "";
    }

    private static void verify(FaultRun run, KafkaBroker kafka, DeviceFleet fleet, int httpPort) throws Exception {
        fleet.stop();
        Map<String, List<Long>> acked = fleet.ackedByDevice();
        System.out.println(run.tag() + ": " + fleet.summary());
        await(run.tag() + ": the last gateway drains its spool")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(
                        () -> assertThat(Readyz.fetch(httpPort).spoolBacklog()).isZero());
        try (TelemetryTopic topic = new TelemetryTopic(kafka.bootstrapServers(), UplinkRig.TOPIC)) {
            try {
                await(run.tag() + ": every PUBACKed message in Kafka")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ZERO)
                        .until(() -> DeliveryCheck.missing(acked, topic.poll()).isEmpty());
            } catch (ConditionTimeoutException e) {
                // Not all there: the check below names what is missing.
            }
            List<TelemetryTopic.Delivered> records = topic.readToEnd(Duration.ofSeconds(60));
            DeliveryCheck check = DeliveryCheck.run(acked, records, true);
            System.out.println(
                    run.tag() + ": " + records.size() + " records, " + check.duplicates() + " replayed repeats");
            assertThat(check.ok()).as("%s: %s", run.tag(), check.report()).isTrue();
        }
    }
}
