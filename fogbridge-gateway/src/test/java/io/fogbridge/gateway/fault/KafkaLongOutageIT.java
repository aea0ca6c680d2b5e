package io.fogbridge.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long Kafka outage at a high publish rate: 10 minutes at 2,000 msg/s in long mode (40 devices, one QoS 1 message
 * in flight each, every 20 ms), 20 s at 500 msg/s in CI mode (10 devices). The spool holds the whole backlog
 * (1 GiB, {@code whenFull: block}).
 *
 * <p>Proves: devices keep getting PUBACKs for the whole outage, the backlog covers everything acknowledged during
 * it, and once Kafka is back the backlog drains by itself while the devices keep publishing: everything acknowledged
 * arrives, per device in order, repeats only as replays, nothing dropped. Records the rate the devices actually got
 * and the drain time.
 */
class KafkaLongOutageIT {

    private static final Duration PERIOD = Duration.ofMillis(20);

    @TempDir
    Path dir;

    @Test
    void aLongOutageAtAHighRateIsBridgedByTheSpoolAndDrainsAfterwards() throws Exception {
        FaultRun run = FaultRun.begin("KafkaLongOutageIT");
        int devices = run.size(10, 40);
        Duration outage = run.size(Duration.ofSeconds(20), Duration.ofMinutes(10));
        try (UplinkRig rig = UplinkRig.kafka(run, dir, false)) {
            rig.startGateway(
                    dir,
                    Clock.systemUTC(),
                    "spool: {maxBytes: 1GiB, fsync: group, whenFull: block, segmentBytes: 16MiB}",
                    null);
            try (DeviceFleet fleet = new DeviceFleet("t1", devices, rig.mqttPort(), PERIOD)) {
                fleet.start();
                rig.awaitAcks(fleet, 500, Duration.ofSeconds(60));
                Thread.sleep(run.between(Duration.ofMillis(200), Duration.ofSeconds(2)));

                rig.broker().stop();
                // Counted once Kafka is down: while it shut down the forwarder could still deliver (and commit).
                long before = fleet.acked();
                long stopped = System.nanoTime();
                Thread.sleep(outage);
                long ackedDuring = fleet.acked() - before;
                long backlog = rig.backlog();
                double rate = ackedDuring * 1e9 / (System.nanoTime() - stopped);
                rig.broker().restart();
                Duration recovery = rig.awaitInKafka(
                        fleet.ackedByDevice(), run.size(Duration.ofMinutes(3), Duration.ofMinutes(30)));
                System.out.printf(
                        "%s: %d PUBACKs in the %d s outage (%.0f msg/s), backlog %d; all in Kafka %d ms after it"
                                + " was ready%n",
                        run.tag(), ackedDuring, outage.toSeconds(), rate, backlog, recovery.toMillis());

                assertThat(backlog)
                        .as("%s: the backlog covers everything acknowledged while Kafka was down", run.tag())
                        .isGreaterThanOrEqualTo(ackedDuring);
                assertThat(fleet.devices())
                        .as("%s: every device kept getting PUBACKs", run.tag())
                        .allMatch(d -> d.ackedCount() > outage.toSeconds());
                DeliveryCheck check = rig.verify(fleet);
                assertThat(fleet.failures())
                        .as("%s: no publish failed (last: %s)", run.tag(), fleet.lastFailure())
                        .isZero();
                run.record(
                        "Kafka down " + FaultRun.seconds(outage) + " at " + devices * 1000 / PERIOD.toMillis()
                                + " msg/s offered",
                        String.format(
                                java.util.Locale.ROOT,
                                "PUBACKs throughout (%.0f msg/s acknowledged during the outage), 0 failed",
                                rate),
                        "nothing: " + fleet.acked() + " acknowledged, all in Kafka; " + check.duplicates()
                                + " replayed repeats",
                        FaultRun.seconds(recovery) + " to drain the " + backlog + "-record backlog (under load)");
            }
        }
    }
}
