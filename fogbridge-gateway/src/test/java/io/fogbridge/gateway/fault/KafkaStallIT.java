package io.fogbridge.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The link to Kafka stalls: connections stay open but no byte passes either way (the testkit {@code FaultProxy} in
 * black-hole mode), as when a NAT or firewall on the WAN path silently drops packets. The gateway only finds out by
 * its own timeouts, unlike a refused connection.
 *
 * <p>Proves: devices keep getting PUBACKs throughout (the spool takes the data; no publish fails); after the link
 * comes back, everything acknowledged reaches Kafka by itself (no restart), per device in order, repeats only as
 * replays; nothing dropped. Records the time from the end of the stall until everything acknowledged before it is in
 * Kafka.
 *
 * <p>Stall: a seeded 10–12 s in CI mode, 60–62 s in long mode ({@link FaultRun}).
 */
class KafkaStallIT {

    private static final int DEVICES = 6;
    private static final Duration PERIOD = Duration.ofMillis(20);

    @TempDir
    Path dir;

    @Test
    void devicesKeepGettingPubacksThroughAStalledLinkAndEverythingArrivesAfterwards() throws Exception {
        FaultRun run = FaultRun.begin("KafkaStallIT");
        Duration stall = run.between(
                run.size(Duration.ofSeconds(10), Duration.ofSeconds(60)),
                run.size(Duration.ofSeconds(12), Duration.ofSeconds(62)));
        try (UplinkRig rig = UplinkRig.kafka(run, dir, true)) {
            rig.startGateway(dir, Clock.systemUTC(), null, null);
            try (DeviceFleet fleet = new DeviceFleet("t1", DEVICES, rig.mqttPort(), PERIOD)) {
                fleet.start();
                rig.awaitAcks(fleet, 100, Duration.ofSeconds(60));
                rig.awaitInKafka(fleet.ackedByDevice(), Duration.ofSeconds(60));
                Thread.sleep(run.between(Duration.ofMillis(200), Duration.ofSeconds(2)));

                long ackedBefore = fleet.acked();
                rig.proxy().stall();
                System.out.println(
                        run.tag() + ": link stalled for " + stall.toMillis() + " ms after " + ackedBefore + " PUBACKs");
                Thread.sleep(stall);
                String kafkaLine = Readyz.fetch(rig.gateway().httpPort()).line("kafka");
                long ackedDuring = fleet.acked() - ackedBefore;
                long backlog = rig.backlog();
                rig.proxy().restore();
                Map<String, List<Long>> promised = fleet.ackedByDevice();
                Duration recovery = rig.awaitInKafka(promised, Duration.ofSeconds(180));
                System.out.println(run.tag() + ": " + ackedDuring + " PUBACKs during the stall, backlog " + backlog
                        + ", /readyz " + kafkaLine + "; all in Kafka " + recovery.toMillis() + " ms after restore");

                assertThat(ackedDuring)
                        .as("%s: devices kept getting PUBACKs while the link was stalled", run.tag())
                        .isGreaterThanOrEqualTo(DEVICES * 50L);
                Thread.sleep(1_000); // some traffic on the recovered link
                DeliveryCheck check = rig.verify(fleet);
                assertThat(fleet.failures())
                        .as("%s: no publish failed (last: %s)", run.tag(), fleet.lastFailure())
                        .isZero();
                run.record(
                        "Kafka link stalled (black hole, " + FaultRun.seconds(stall) + ")",
                        "PUBACKs throughout (" + ackedDuring + " during the stall, 0 failed); /readyz at its end: `"
                                + kafkaLine.trim() + "`",
                        "nothing: " + fleet.acked() + " acknowledged, all in Kafka; " + check.duplicates()
                                + " replayed repeats",
                        FaultRun.seconds(recovery) + " to deliver the " + backlog + "-record backlog");
            }
        }
    }
}
