package io.fogbridge.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka restarted again and again under load: stopped (connections refused, as during a broker upgrade), down for a
 * seeded 0.5–4 s, started again, then a seeded 1–4 s of load before the next stop. 3 restarts in CI mode, 10 in long
 * mode.
 *
 * <p>Proves: no publish fails across the restarts, everything acknowledged reaches Kafka by itself, per device in
 * order, repeats only as replays, nothing dropped. Records, per restart, the time from Kafka being ready again until
 * everything acknowledged before that is in Kafka.
 */
class KafkaRestartsIT {

    private static final int DEVICES = 6;
    private static final Duration PERIOD = Duration.ofMillis(20);

    @TempDir
    Path dir;

    @Test
    void everythingAcknowledgedArrivesAcrossRepeatedKafkaRestarts() throws Exception {
        FaultRun run = FaultRun.begin("KafkaRestartsIT");
        int restarts = run.size(3, 10);
        try (UplinkRig rig = UplinkRig.kafka(run, dir, false)) {
            rig.startGateway(dir, Clock.systemUTC(), null, null);
            try (DeviceFleet fleet = new DeviceFleet("t1", DEVICES, rig.mqttPort(), PERIOD)) {
                fleet.start();
                rig.awaitAcks(fleet, 100, Duration.ofSeconds(60));
                List<Duration> recoveries = new ArrayList<>();
                for (int i = 0; i < restarts; i++) {
                    Thread.sleep(run.between(Duration.ofSeconds(1), Duration.ofSeconds(4)));
                    Duration down = run.between(Duration.ofMillis(500), Duration.ofSeconds(4));
                    long before = fleet.acked();
                    rig.broker().stop();
                    Thread.sleep(down);
                    rig.broker().restart();
                    long ackedWhileDown = fleet.acked() - before;
                    Duration recovery = rig.awaitInKafka(fleet.ackedByDevice(), Duration.ofSeconds(180));
                    recoveries.add(recovery);
                    System.out.printf(
                            "%s: restart %d: down %d ms (+ restart time), %d PUBACKs meanwhile, all in Kafka %d ms"
                                    + " after it was ready%n",
                            run.tag(), i + 1, down.toMillis(), ackedWhileDown, recovery.toMillis());
                }
                Thread.sleep(1_000);
                DeliveryCheck check = rig.verify(fleet);
                assertThat(fleet.failures())
                        .as("%s: no publish failed (last: %s)", run.tag(), fleet.lastFailure())
                        .isZero();
                Duration worst = recoveries.stream().max(Duration::compareTo).orElseThrow();
                Duration mean = recoveries.stream()
                        .reduce(Duration.ZERO, Duration::plus)
                        .dividedBy(recoveries.size());
                run.record(
                        "Kafka restarted " + restarts + " times under load (" + DEVICES * 1000 / PERIOD.toMillis()
                                + " msg/s)",
                        "PUBACKs throughout, " + fleet.failures() + " failed publishes",
                        "nothing: " + fleet.acked() + " acknowledged, all in Kafka; " + check.duplicates()
                                + " replayed repeats",
                        "mean " + FaultRun.seconds(mean) + ", worst " + FaultRun.seconds(worst)
                                + " after Kafka was ready");
            }
        }
    }
}
