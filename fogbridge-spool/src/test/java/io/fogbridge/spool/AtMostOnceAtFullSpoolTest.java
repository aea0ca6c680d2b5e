package io.fogbridge.spool;

import static io.fogbridge.spool.Fixtures.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.SpoolException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QoS 0 at a full spool is dropped and counted, never held in memory; QoS 1 keeps {@code whenFull}. */
class AtMostOnceAtFullSpoolTest {
    @TempDir
    Path dir;

    private static Envelope qos0(String text) {
        Envelope e = envelope(Lane.BULK, text);
        return new Envelope(e.topic(), e.key(), e.headers(), e.payload(), e.creationTime(), QoS.AT_MOST_ONCE, e.lane());
    }

    private SpoolOptions.Builder full(FullPolicy policy) {
        return SpoolOptions.builder(dir)
                .segmentBytes(4096)
                .maxBytes(8192)
                .whenFull(policy)
                .blockTimeout(Duration.ofSeconds(30));
    }

    @Test
    void underBlockQos0NeverWaitsForRoomItIsDroppedAndCounted() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(full(FullPolicy.BLOCK).build())) {
            List<CompletableFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                fs.add(spool.append(qos0("q" + i)));
            }
            int ok = 0;
            int dropped = 0;
            for (CompletableFuture<Long> f : fs) {
                try {
                    f.get(5, TimeUnit.SECONDS); // a waiting append would time out here (blockTimeout is 30 s)
                    ok++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(SpoolException.Full.class);
                    dropped++;
                }
            }
            assertThat(ok).isPositive();
            assertThat(dropped).isPositive();
            assertThat(spool.stats().drops().get("full")).isEqualTo(dropped);
            assertThat(spool.stats().drops().get("block-timeout")).isZero();
            assertThat(spool.budget.count()).isZero();
            assertThat(spool.budget.bytes()).isZero();

            var registry = new SimpleMeterRegistry();
            spool.bindMetrics(registry);
            assertThat(registry.get("fogbridge.spool.dropped")
                            .tag("reason", "full")
                            .tag("qos", "0")
                            .functionCounter()
                            .count())
                    .isEqualTo(dropped);
        }
    }

    @Test
    void qos1StillWaitsUnderBlockWhileQos0BesideItIsDropped() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(full(FullPolicy.BLOCK).build())) {
            List<CompletableFuture<Long>> qos1 = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                qos1.add(spool.append(envelope(Lane.BULK, "k" + i)));
            }
            CompletableFuture<Long> late = spool.append(qos0("late"));
            assertThatThrownBy(() -> late.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(SpoolException.Full.class);
            assertThat(qos1.getLast()).isNotDone(); // QoS 1 waits for room, per whenFull: block
            assertThat(spool.stats().drops().get("full")).isEqualTo(1);
        }
    }

    @Test
    void qos0NeverDisplacesOlderRecordsUnderDropOldest() throws Exception {
        try (SegmentedSpool spool =
                SegmentedSpool.open(full(FullPolicy.DROP_OLDEST).build())) {
            List<CompletableFuture<Long>> qos1 = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                qos1.add(spool.append(envelope(Lane.BULK, "k" + i)));
            }
            for (CompletableFuture<Long> f : qos1) {
                f.get(5, TimeUnit.SECONDS);
            }
            long dropOldestBefore = spool.stats().drops().get("drop-oldest");
            for (int i = 0; i < 100; i++) {
                try {
                    spool.append(qos0("q" + i)).get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException expected) {
                    // dropped at a full spool
                }
            }
            assertThat(spool.stats().drops().get("drop-oldest")).isEqualTo(dropOldestBefore);
            assertThat(spool.stats().drops().get("full")).isPositive();
        }
    }

    @Test
    void budgetKeepsHalfForQos1AndGivesRoomBack() {
        AppendBudget budget = new AppendBudget(1000, 100);
        assertThat(budget.take(400, true)).isTrue();
        assertThat(budget.take(200, true)).as("QoS 0 stops at half the bytes").isFalse();
        assertThat(budget.take(500, false)).as("QoS 1 may use the rest").isTrue();
        assertThat(budget.take(200, false)).as("nobody beyond the whole").isFalse();
        assertThat(budget.bytes()).isEqualTo(900);
        assertThat(budget.count()).isEqualTo(2);
        budget.release(new PendingAppend(new byte[400], Lane.BULK, 0, null, 0, true));
        assertThat(budget.bytes()).isEqualTo(500);
        assertThat(budget.count()).isEqualTo(1);

        AppendBudget counted = new AppendBudget(1 << 20, 4);
        assertThat(counted.take(1, true)).isTrue();
        assertThat(counted.take(1, true)).isTrue();
        assertThat(counted.take(1, true)).as("QoS 0 stops at half the count").isFalse();
        assertThat(counted.take(1, false)).isTrue();
        assertThat(counted.take(1, false)).isTrue();
        assertThat(counted.take(1, false)).isFalse();
    }
}
