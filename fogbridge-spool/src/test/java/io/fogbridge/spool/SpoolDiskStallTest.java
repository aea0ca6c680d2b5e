package io.fogbridge.spool;

import static io.fogbridge.spool.Fixtures.drainAll;
import static io.fogbridge.spool.Fixtures.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Lane;
import io.fogbridge.api.SpoolStats;
import io.fogbridge.api.SpooledRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that hangs instead of failing (a dying SD card, a frozen filesystem): the writer waits in a write holding
 * the spool's lock. Before, every reader of the spool's state waited with it, so {@code /readyz} and {@code /metrics}
 * hung for as long as the disk did. Each look here runs on another thread and must come back while the disk still
 * hangs; then the disk resumes and nothing appended is lost.
 */
class SpoolDiskStallTest {
    @TempDir
    Path dir;

    private final FaultyDisk disk = new FaultyDisk(17);
    private final ExecutorService prober = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopProber() {
        prober.shutdownNow();
    }

    /**
     * A spool on the hanging disk. Each test opens it with {@code disk::resume} as the later resource, which closes
     * first: a failed check must not leave the spool's close waiting for the disk.
     */
    private SegmentedSpool open() throws IOException {
        return open(SpoolOptions.builder(dir).build());
    }

    private SegmentedSpool open(SpoolOptions options) throws IOException {
        return SegmentedSpool.open(options, disk);
    }

    /** Runs {@code look} on another thread; fails if it does not come back while the disk hangs. */
    private <T> T meanwhile(Callable<T> look) throws Exception {
        Future<T> f = prober.submit(look);
        return f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aHungWriteHoldsTheAppendButNeitherTheGlanceNorTheDiskWait() throws Exception {
        try (SegmentedSpool spool = open();
                AutoCloseable resumeBeforeClose = disk::resume) {
            long before = spool.append(envelope(Lane.BULK, "before")).get(10, TimeUnit.SECONDS);
            SpoolStats seen = spool.stats();
            assertThat(seen.records()).isEqualTo(1);
            assertThat(spool.diskWait()).isZero();

            disk.stall(FaultyDisk.Op.WRITE);
            CompletableFuture<Long> during = spool.append(envelope(Lane.BULK, "during"));
            await().atMost(Duration.ofSeconds(10)).until(() -> disk.waiting() == 1);
            assertThat(spool.lock.isLocked())
                    .as("the writer waits in the write holding the spool's lock")
                    .isTrue();

            await().atMost(Duration.ofSeconds(10)).until(() -> spool.diskWait().compareTo(Duration.ofMillis(300)) >= 0);
            SpoolStats glanced = meanwhile(spool::glance);
            assertThat(glanced.records()).as("what the last look saw").isEqualTo(1);
            assertThat(glanced.bytes()).isEqualTo(seen.bytes());
            Duration first = meanwhile(spool::diskWait);
            assertThat(during).as("no acknowledgement while the disk hangs").isNotDone();
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.diskWait().compareTo(first) > 0);

            disk.resume();
            assertThat(during.get(10, TimeUnit.SECONDS)).isGreaterThan(before);
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.diskWait().isZero());
            assertThat(spool.glance().records()).isEqualTo(2);
            assertThat(drainAll(spool.cursor())).extracting(Fixtures::text).containsExactly("before", "during");
        }
    }

    @Test
    void aHungGroupFsyncShowsInTheDiskWaitToo() throws Exception {
        try (SegmentedSpool spool = open();
                AutoCloseable resumeBeforeClose = disk::resume) {
            disk.stall(FaultyDisk.Op.FORCE);
            CompletableFuture<Long> held = spool.append(envelope(Lane.PRIORITY, "held"));
            await().atMost(Duration.ofSeconds(10)).until(() -> disk.waiting() >= 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.diskWait().compareTo(Duration.ofMillis(300)) >= 0);
            // the group fsync runs outside the lock: the glance is exact, the record written and not acknowledged
            assertThat(meanwhile(spool::glance).records()).isEqualTo(1);
            assertThat(held).isNotDone();

            disk.resume();
            assertThat(held.get(10, TimeUnit.SECONDS)).isNotNegative();
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.diskWait().isZero());
        }
    }

    @Test
    void underIntervalFsyncAHungBackgroundSyncShowsInTheDiskWait() throws Exception {
        try (SegmentedSpool spool = open(SpoolOptions.builder(dir)
                        .fsync(new FsyncPolicy.Interval(50))
                        .build());
                AutoCloseable resumeBeforeClose = disk::resume) {
            disk.stall(FaultyDisk.Op.FORCE);
            // acknowledged once written: the fsync comes later, on the sync thread, and hangs there
            long seq = spool.append(envelope(Lane.BULK, "written")).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> disk.waiting() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.diskWait().compareTo(Duration.ofMillis(300)) >= 0);
            assertThat(meanwhile(spool::glance).records()).isEqualTo(1);

            disk.resume();
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.diskWait().isZero());
            assertThat(drainAll(spool.cursor()))
                    .extracting(SpooledRecord::sequence)
                    .containsExactly(seq);
        }
    }

    @Test
    void theParkedSummaryAnswersWhileAParkWaitsForTheDisk() throws Exception {
        try (SegmentedSpool spool = open();
                AutoCloseable resumeBeforeClose = disk::resume) {
            ParkedRecords parked = spool.parked();
            SpooledRecord poison = new SpooledRecord(Lane.BULK, 1, 1_700_000_000_000L, envelope(Lane.BULK, "poison"));
            disk.stall(FaultyDisk.Op.FORCE);
            CompletableFuture<Integer> parking = CompletableFuture.supplyAsync(() -> {
                try {
                    return parked.park(List.of(poison), "UnknownTopic: no such topic", 1);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> disk.waiting() == 1);

            assertThat(meanwhile(parked::records)).isZero();
            assertThat(meanwhile(parked::byTopic)).isEmpty();
            assertThat(parking).isNotDone();

            disk.resume();
            assertThat(parking.get(10, TimeUnit.SECONDS)).isZero();
            assertThat(parked.records()).isEqualTo(1);
            assertThat(parked.byTopic())
                    .containsExactly(
                            new ParkedRecords.TopicSummary("fog.telemetry.t1", 1, "UnknownTopic: no such topic"));
        }
    }
}
