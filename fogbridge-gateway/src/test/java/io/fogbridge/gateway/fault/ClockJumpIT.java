package io.fogbridge.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.testkit.SteppingClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wall clock steps under load, as an NTP correction steps a box that booted with a wrong clock: forwards by a
 * seeded 5–50 min (less than {@code spool.maxAge: 1h}), then backwards by a seeded 1–24 h. The system clock cannot
 * be stepped safely in a test, so the gateway runs on a {@link SteppingClock} (system time plus a steppable offset)
 * injected where wall time decides anything: the MQTT broker's arrival time, the spool's arrival time and
 * {@code maxAge} cutoff, the forwarder's lag. Elapsed-time decisions (fsync and commit timers, block timeouts, stall
 * detection) run on the monotonic ticker, which no step moves.
 *
 * <p>Proves: a forward step within {@code maxAge} drops nothing; a backward step stalls nothing (devices keep getting
 * PUBACKs, the forwarder keeps delivering within seconds); the lag metric comes back to seconds after each step
 * (a forward step may show the step as lag only while records stamped before it are in flight) and is never
 * negative; Kafka timestamps follow the gateway's clock, steps included, while the order per device stays the order
 * sent (by {@code fog-seq}, not by timestamp); everything acknowledged arrives. Each step runs in CI mode for 4 s, in
 * long mode for 30 s.
 */
class ClockJumpIT {

    private static final int DEVICES = 6;
    private static final Duration PERIOD = Duration.ofMillis(20);
    private static final Duration MAX_AGE = Duration.ofHours(1);

    @TempDir
    Path dir;

    @Test
    void wallClockStepsNeitherDropNorStallAcknowledgedData() throws Exception {
        FaultRun run = FaultRun.begin("ClockJumpIT");
        Duration forward = run.between(Duration.ofMinutes(5), Duration.ofMinutes(50));
        Duration backward =
                run.between(Duration.ofHours(1), Duration.ofHours(24)).negated();
        Duration hold = run.size(Duration.ofSeconds(4), Duration.ofSeconds(30));
        SteppingClock clock = new SteppingClock();
        try (UplinkRig rig = UplinkRig.kafka(run, dir, false)) {
            rig.startGateway(
                    dir,
                    clock,
                    "spool: {maxBytes: 512MiB, maxAge: 1h, fsync: group, whenFull: block, segmentBytes: 4MiB}",
                    null);
            try (DeviceFleet fleet = new DeviceFleet("t1", DEVICES, rig.mqttPort(), PERIOD)) {
                fleet.start();
                rig.awaitAcks(fleet, 100, Duration.ofSeconds(60));
                rig.awaitInKafka(fleet.ackedByDevice(), Duration.ofSeconds(60));

                StepResult ahead = step(run, rig, fleet, clock, forward, hold);
                StepResult back = step(run, rig, fleet, clock, backward, hold);

                DeliveryCheck check = rig.verify(fleet);
                assertThat(fleet.failures())
                        .as("%s: no publish failed (last: %s)", run.tag(), fleet.lastFailure())
                        .isZero();
                checkTimestamps(run, rig, clock);
                run.record(
                        "wall clock stepped +" + forward.toMinutes() + " min, then " + backward.toMinutes()
                                + " min, under load (maxAge " + MAX_AGE.toMinutes() + " min)",
                        "PUBACKs throughout (" + ahead.acked + " and " + back.acked + " in the " + hold.toSeconds()
                                + " s after each step), 0 failed; Kafka timestamps follow the stepped clock",
                        "nothing: " + fleet.acked() + " acknowledged, all in Kafka, 0 max-age drops; "
                                + check.duplicates() + " replayed repeats",
                        FaultRun.seconds(ahead.recovery) + " / " + FaultRun.seconds(back.recovery)
                                + " until everything acknowledged before the step was in Kafka; lag back under 60 s"
                                + " within " + FaultRun.seconds(ahead.lagSettled) + " / "
                                + FaultRun.seconds(back.lagSettled));
            }
        }
    }

    /**
     * The other side of the contract: a forward step past {@code maxAge} while Kafka is down expires the backlog the
     * step made old, counted under {@code max-age}, and nothing else: what devices are acknowledged after the step
     * is delivered once Kafka is back, in order. (Also shows the spool reads the injected clock at all.)
     */
    @Test
    void aForwardStepPastMaxAgeExpiresOnlyTheBacklogItAged() throws Exception {
        FaultRun run = FaultRun.begin("ClockJumpIT-maxAge");
        SteppingClock clock = new SteppingClock();
        Duration step = MAX_AGE.plus(run.between(Duration.ofMinutes(1), Duration.ofHours(5)));
        try (UplinkRig rig = UplinkRig.kafka(run, dir, false)) {
            rig.startGateway(
                    dir,
                    clock,
                    "spool: {maxBytes: 512MiB, maxAge: 1h, fsync: group, whenFull: block, segmentBytes: 4MiB}",
                    null);
            try (DeviceFleet fleet = new DeviceFleet("t1", DEVICES, rig.mqttPort(), PERIOD)) {
                fleet.start();
                rig.awaitAcks(fleet, 100, Duration.ofSeconds(60));
                rig.broker().stop();
                rig.awaitAcks(fleet, 300, Duration.ofSeconds(60)); // a backlog Kafka has not seen
                long backlog = rig.backlog();
                clock.step(step);
                long stepped = System.nanoTime();
                // Acknowledged a little after the step, so this includes every record stamped before it.
                Thread.sleep(500);
                Map<String, List<Long>> beforeStep = fleet.ackedByDevice();
                await(run.tag() + ": the backlog the step aged expires")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> maxAgeDrops(rig) > 0);
                Duration expiry = Duration.ofNanos(System.nanoTime() - stepped);
                rig.awaitAcks(fleet, 200, Duration.ofSeconds(60)); // new data is not expired
                long drops = maxAgeDrops(rig);
                rig.broker().restart();
                fleet.stop();
                Map<String, List<Long>> afterStep = new HashMap<>();
                fleet.ackedByDevice()
                        .forEach((device, acked) -> afterStep.put(
                                device,
                                acked.stream()
                                        .filter(seq -> !beforeStep.get(device).contains(seq))
                                        .toList()));
                rig.awaitInKafka(afterStep, Duration.ofSeconds(120));
                await(run.tag() + ": the spool drains")
                        .atMost(Duration.ofSeconds(120))
                        .until(() -> rig.backlog() == 0);
                System.out.printf(
                        "%s: step +%d min with Kafka down: %d of a %d-record backlog expired (max-age)%n",
                        run.tag(), step.toMinutes(), drops, backlog);
                assertThat(drops)
                        .as("%s: no more expired than the backlog the step aged", run.tag())
                        .isLessThanOrEqualTo(backlog + DEVICES);
                assertThat(fleet.failures())
                        .as("%s: no publish failed", run.tag())
                        .isZero();
                run.record(
                        "wall clock stepped +" + step.toMinutes() + " min (past maxAge " + MAX_AGE.toMinutes()
                                + " min) while Kafka was down",
                        "PUBACKs throughout, 0 failed",
                        drops + " records of the " + backlog + "-record backlog expire, counted as max-age (what"
                                + " maxAge asks for); everything acknowledged after the step is in Kafka (stamped"
                                + " more than 1 h ahead of Kafka's clock, refused by its log.message.timestamp"
                                + ".after.max.ms, and resent with the send time)",
                        "expired " + FaultRun.seconds(expiry) + " after the step (the spool checks maxAge every"
                                + " second)");
            }
        }
    }

    private static long maxAgeDrops(UplinkRig rig) {
        return rig.gateway().spool().stats().drops().getOrDefault("max-age", 0L);
    }

    private record StepResult(long acked, Duration recovery, Duration lagSettled) {}

    private static StepResult step(
            FaultRun run, UplinkRig rig, DeviceFleet fleet, SteppingClock clock, Duration step, Duration hold)
            throws Exception {
        long before = fleet.acked();
        Map<String, List<Long>> promised = fleet.ackedByDevice();
        clock.step(step);
        long stepped = System.nanoTime();
        System.out.println(run.tag() + ": clock stepped by " + step + " (now " + clock.instant() + ")");
        Duration recovery = rig.awaitInKafka(promised, Duration.ofSeconds(60));
        await(run.tag() + ": forwarder lag back under 60 s after a step of " + step)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    long lag = rig.gateway().forwarder().state().lagMillis();
                    assertThat(lag).as("lag is never negative").isNotNegative();
                    assertThat(lag).isLessThan(60_000);
                });
        Duration lagSettled = Duration.ofNanos(System.nanoTime() - stepped);
        Thread.sleep(hold.minus(lagSettled).isNegative() ? Duration.ZERO : hold.minus(lagSettled));
        long acked = fleet.acked() - before;
        assertThat(acked)
                .as("%s: devices kept getting PUBACKs after a step of %s", run.tag(), step)
                .isGreaterThanOrEqualTo(DEVICES * 20L);
        assertThat(rig.gateway().spool().stats().drops().values())
                .as(
                        "%s: nothing dropped after a step of %s: %s",
                        run.tag(), step, rig.gateway().spool().stats().drops())
                .allMatch(n -> n == 0);
        Map<String, List<Long>> now = fleet.ackedByDevice();
        rig.awaitInKafka(now, Duration.ofSeconds(60)); // the forwarder still delivers what came after the step
        return new StepResult(acked, recovery, lagSettled);
    }

    /**
     * Kafka's record timestamps are the gateway's arrival times: after the backward step (the net offset now) they
     * run behind real time by that offset, and the last record of each device carries such a time.
     */
    private static void checkTimestamps(FaultRun run, UplinkRig rig, SteppingClock clock) {
        Map<String, Long> lastTimestamp = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                rig.broker().directBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(UplinkRig.TOPIC).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertThat(System.nanoTime())
                        .as("read %s in time", UplinkRig.TOPIC)
                        .isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    lastTimestamp.put(new String(r.key(), StandardCharsets.UTF_8), r.timestamp());
                }
            }
        }
        long offset = clock.offset().toMillis();
        long now = System.currentTimeMillis();
        assertThat(lastTimestamp).as("%s: every device in Kafka", run.tag()).hasSize(DEVICES);
        lastTimestamp.forEach((device, ts) -> assertThat(ts - now)
                .as("%s: %s's last Kafka timestamp is the stepped clock's (offset %d ms)", run.tag(), device, offset)
                .isBetween(offset - 120_000, offset + 1_000));
    }
}
