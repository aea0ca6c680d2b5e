package io.fogbridge.spool;

import static io.fogbridge.spool.Fixtures.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Lane;
import io.fogbridge.api.SpoolException;
import io.fogbridge.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool's decisions by elapsed time (block timeout, interval fsync, how often {@code maxAge} is checked) follow
 * the injected ticker, not the machine's: each test moves a {@link ManualClock} past a deadline far longer than the
 * test may run, so with the system ticker it would fail.
 */
class SpoolClockTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    private SpoolOptions.Builder options() {
        return SpoolOptions.builder(dir)
                .segmentBytes(4096)
                .maxBytes(1 << 20)
                .clock(clock)
                .ticker(clock);
    }

    @Test
    void aBlockedAppendFailsWhenTheTickerPassesItsTimeout() throws Exception {
        SpoolOptions o = options()
                .maxBytes(8192)
                .whenFull(FullPolicy.BLOCK)
                .blockTimeout(Duration.ofMinutes(10))
                .build();
        try (SegmentedSpool spool = SegmentedSpool.open(o)) {
            List<CompletableFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                fs.add(spool.append(envelope(Lane.BULK, "k" + i)));
            }
            CompletableFuture<Long> last = fs.getLast();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> fs.stream().filter(CompletableFuture::isDone).count() > 10);

            clock.advance(Duration.ofMinutes(9));
            // the writer looks at the ticker at least every 200 ms: give it a few looks
            await("the append still waits before its timeout")
                    .during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> !last.isDone());

            clock.advance(Duration.ofMinutes(2));
            await("the append times out once the ticker passed 10 min")
                    .atMost(Duration.ofSeconds(5))
                    .until(last::isDone);
            assertThat(last)
                    .failsWithin(Duration.ZERO)
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(SpoolException.Full.class);
            assertThat(spool.stats().drops().get(DropCounters.BLOCK_TIMEOUT)).isPositive();
        }
    }

    @Test
    void maxAgeIsCheckedWhenTheTickerSaysASecondPassed() throws Exception {
        try (SegmentedSpool spool =
                SegmentedSpool.open(options().maxAge(Duration.ofMinutes(10)).build())) {
            appendAll(spool, Lane.BULK, "old", 100);

            clock.advance(Duration.ofMinutes(11));
            // This append's turn checks expiry before it acknowledges: no real second has to pass.
            appendAll(spool, Lane.PRIORITY, "new", 1);

            assertThat(spool.stats().drops().get(DropCounters.MAX_AGE))
                    .as("records dropped by maxAge")
                    .isEqualTo(100);
            assertThat(spool.stats().oldestArrival()).isEqualTo(clock.millis());
        }
    }

    @Test
    void intervalFsyncRunsWhenTheTickerPassesTheInterval() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(
                options().fsync(new FsyncPolicy.Interval(60_000)).build())) {
            appendAll(spool, Lane.BULK, "r", 10);
            await("no fsync before the interval")
                    .during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> spool.syncs.sum() == 0);

            clock.advance(Duration.ofMinutes(1));

            await("one fsync once the ticker passed the interval")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> spool.syncs.sum() == 1);
        }
    }

    private static void appendAll(SegmentedSpool spool, Lane lane, String prefix, int n) throws Exception {
        List<CompletableFuture<Long>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(spool.append(envelope(lane, prefix + i)));
        }
        for (CompletableFuture<Long> f : fs) {
            f.get(10, TimeUnit.SECONDS);
        }
    }
}
