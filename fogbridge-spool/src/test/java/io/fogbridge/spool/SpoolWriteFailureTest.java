package io.fogbridge.spool;

import static io.fogbridge.spool.Fixtures.drainAll;
import static io.fogbridge.spool.Fixtures.envelope;
import static io.fogbridge.spool.Fixtures.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Lane;
import io.fogbridge.api.SpoolException;
import io.fogbridge.api.SpooledRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the spool does when its disk fails: each test fails on a defect of issue 11 that the spool had. */
class SpoolWriteFailureTest {
    @TempDir
    Path dir;

    private final FaultyDisk disk = new FaultyDisk(11);

    private SpoolOptions.Builder options() {
        return SpoolOptions.builder(dir).segmentBytes(4096).maxBytes(1 << 20);
    }

    private SegmentedSpool open(SpoolOptions options) throws IOException {
        return SegmentedSpool.open(options, disk);
    }

    private static List<Long> appendAll(SegmentedSpool spool, Lane lane, String prefix, int n) throws Exception {
        List<CompletableFuture<Long>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(spool.append(envelope(lane, prefix + i)));
        }
        List<Long> seqs = new ArrayList<>();
        for (CompletableFuture<Long> f : fs) {
            seqs.add(f.get(10, TimeUnit.SECONDS));
        }
        return seqs;
    }

    /** The append fails, with a retriable SpoolException. */
    private static void assertFails(CompletableFuture<Long> f) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        SpoolException.class, e -> assertThat(e.retriable()).isTrue());
    }

    /** Segment bytes on disk, all lanes, read while the writer cannot change them. */
    private static long bytesOnDisk(SegmentedSpool spool, Path dir) throws IOException {
        spool.lock.lock();
        try {
            long sum = 0;
            for (Lane l : Lane.values()) {
                for (Path p : segments(dir, l)) {
                    sum += Files.size(p);
                }
            }
            return sum;
        } finally {
            spool.lock.unlock();
        }
    }

    /** Defect 1: a write failure must not make an idle lane reopen its own active segment file, which a later delete removes. */
    @Test
    void anIdleLaneKeepsItsSegmentFileAfterAWriteFailureElsewhere() throws Exception {
        try (SegmentedSpool spool = open(options().build())) {
            appendAll(spool, Lane.BULK, "ok-", 5);
            disk.failNext(FaultyDisk.Op.WRITE, 1);
            assertFails(spool.append(envelope(Lane.BULK, "failed")));
            assertThat(appendAll(spool, Lane.PRIORITY, "p-", 10)).hasSize(10);
            appendAll(spool, Lane.BULK, "later-", 3);
        }
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            assertThat(drainAll(spool.cursor()))
                    .filteredOn(r -> r.lane() == Lane.PRIORITY)
                    .extracting(Fixtures::text)
                    .as("acknowledged priority records after a restart")
                    .hasSize(10);
        }
    }

    /** Defect 3: the bytes of a failed batch must not come back after a restart. */
    @Test
    void aFailedBatchIsNotDeliveredAfterARestart() throws Exception {
        try (SegmentedSpool spool = open(options().build())) {
            appendAll(spool, Lane.BULK, "ok-", 5);
            disk.failNext(FaultyDisk.Op.FORCE, 1); // written, then the fsync fails: not acknowledged
            assertFails(spool.append(envelope(Lane.BULK, "failed")));
        }
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            appendAll(spool, Lane.BULK, "after-", 2);
            List<SpooledRecord> all = drainAll(spool.cursor());
            assertThat(all)
                    .extracting(Fixtures::text)
                    .containsExactly("ok-0", "ok-1", "ok-2", "ok-3", "ok-4", "after-0", "after-1");
            assertThat(all).extracting(SpooledRecord::sequence).isSorted().doesNotHaveDuplicates();
        }
    }

    /** Defect 3: records already durable and visible are acknowledged even when deleting committed segments fails. */
    @Test
    void aFailedDeleteOfCommittedSegmentsFailsNoAppend() throws Exception {
        try (SegmentedSpool spool = open(options().maxBytes(256 << 20).build())) {
            appendAll(spool, Lane.BULK, "c-", 200);
            List<SpooledRecord> got = drainAll(spool.cursor());
            disk.failNext(FaultyDisk.Op.DELETE, 1);
            spool.cursor().commit(Lane.BULK, got.get(got.size() - 1).sequence());
            int failed = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            int i = 0;
            while (System.nanoTime() < until) {
                List<CompletableFuture<Long>> fs = new ArrayList<>();
                for (int k = 0; k < 20; k++) {
                    fs.add(spool.append(envelope(Lane.BULK, "n-" + i++)));
                }
                for (CompletableFuture<Long> f : fs) {
                    try {
                        f.get(10, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        failed++;
                    }
                }
            }
            assertThat(disk.injected()).as("faults injected").hasSize(1);
            assertThat(failed).as("appends failed by a failed delete").isZero();
            // the delete is tried again: committed segments go
            Path first = dir.resolve("bulk").resolve(SegmentFile.fileName(0));
            await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(first));
        }
    }

    /** Defect 2: failed records must not stay counted in the spool's bytes, or it looks full forever. */
    @Test
    void failedRecordsDoNotCountAsSpoolBytes() throws Exception {
        try (SegmentedSpool spool = open(
                options().maxBytes(16384).blockTimeout(Duration.ofMillis(200)).build())) {
            appendAll(spool, Lane.BULK, "ok-", 5);
            disk.full(true);
            for (int i = 0; i < 100; i++) {
                assertFails(spool.append(envelope(Lane.BULK, "refused-" + "x".repeat(200) + i)));
            }
            disk.full(false);
            assertThat(spool.stats().bytes()).as("spool bytes").isEqualTo(bytesOnDisk(spool, dir));
            // the space never used is there for new records
            assertThat(appendAll(spool, Lane.BULK, "again-", 20)).hasSize(20);
            assertThat(spool.stats().bytes()).as("spool bytes").isEqualTo(bytesOnDisk(spool, dir));
        }
    }

    /** Defect 6: a segment whose header cannot be written leaves no file and no open channel behind. */
    @Test
    void aSegmentThatCannotBeCreatedLeavesNoFile() throws Exception {
        disk.failNext(FaultyDisk.Op.WRITE, 1);
        assertThatThrownBy(() -> SegmentFile.create(disk, dir, Lane.BULK, 42)).isInstanceOf(IOException.class);
        assertThat(dir.resolve(SegmentFile.fileName(42))).doesNotExist();
    }

    /** Defect 6: a storm of failing appends does not pile up empty segment files. */
    @Test
    void failingAppendsDoNotPileUpSegmentFiles() throws Exception {
        try (SegmentedSpool spool = open(options().build())) {
            appendAll(spool, Lane.BULK, "ok-", 5);
            disk.full(true);
            for (int i = 0; i < 50; i++) {
                assertFails(spool.append(envelope(Lane.BULK, "refused-" + i)));
            }
            assertThat(segments(dir, Lane.BULK)).hasSizeLessThanOrEqualTo(2);
            assertThat(segments(dir, Lane.PRIORITY)).hasSizeLessThanOrEqualTo(2);
        }
    }

    /** Defect 6: committed segments are deleted while appends keep failing, so the space frees. */
    @Test
    void committedSegmentsAreDeletedWhileAppendsFail() throws Exception {
        try (SegmentedSpool spool = open(options().build())) {
            appendAll(spool, Lane.BULK, "c-", 300);
            List<SpooledRecord> got = drainAll(spool.cursor());
            assertThat(segments(dir, Lane.BULK)).hasSizeGreaterThan(5);
            disk.full(true);
            spool.cursor().commit(Lane.BULK, got.get(got.size() - 1).sequence());
            List<CompletableFuture<Long>> failing = new ArrayList<>();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < until && segments(dir, Lane.BULK).size() > 1) {
                for (int k = 0; k < 20; k++) {
                    failing.add(spool.append(envelope(Lane.BULK, "refused")));
                }
                Thread.sleep(5);
            }
            assertThat(segments(dir, Lane.BULK))
                    .as("bulk segments while the disk is full")
                    .hasSize(1);
            failing.forEach(SpoolWriteFailureTest::assertFails);
        }
    }

    /** Defect 7: an unexpected error in the writer's turn answers every append of the turn. */
    @Test
    void anUnexpectedErrorAnswersEveryAppendOfTheTurn() throws Exception {
        try (SegmentedSpool spool = open(options().build())) {
            appendAll(spool, Lane.BULK, "ok-", 5);
            disk.errorNext(FaultyDisk.Op.FORCE, new OutOfMemoryError("injected"));
            CompletableFuture<Long> f = spool.append(envelope(Lane.BULK, "stranded?"));
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
                    .as("the append is answered")
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(SpoolException.Io.class);
            // the writer carries on
            assertThat(appendAll(spool, Lane.BULK, "after-", 3)).hasSize(3);
            assertThat(drainAll(spool.cursor()))
                    .extracting(Fixtures::text)
                    .containsExactly("ok-0", "ok-1", "ok-2", "ok-3", "ok-4", "after-0", "after-1", "after-2");
        }
    }

    /**
     * Defect 8: drop-oldest never deletes records of the turn before they are durable, and then
     * acknowledges them; what it drops is counted, what it acknowledges is readable or counted.
     */
    @Test
    void dropOldestNeverDropsTheRecordsItAcknowledges() throws Exception {
        try (SegmentedSpool spool =
                open(options().maxBytes(8192).whenFull(FullPolicy.DROP_OLDEST).build())) {
            String text = "x".repeat(150);
            int len = RecordFormat.encode(envelope(Lane.BULK, text), 0).length;
            while (spool.stats().bytes() + 5L * len < 8192 - 2 * SegmentFile.HEADER) {
                spool.append(envelope(Lane.PRIORITY, text)).get(10, TimeUnit.SECONDS);
            }
            spool.append(envelope(Lane.BULK, "b-old" + text)).get(10, TimeUnit.SECONDS);
            List<CompletableFuture<Long>> fs = new ArrayList<>();
            spool.lock.lock(); // the writer takes these in one or two turns
            try {
                for (int i = 0; i < 10; i++) {
                    fs.add(spool.append(envelope(Lane.BULK, "b" + i + text)));
                }
            } finally {
                spool.lock.unlock();
            }
            List<Long> acked = new ArrayList<>();
            for (CompletableFuture<Long> f : fs) {
                try {
                    acked.add(f.get(10, TimeUnit.SECONDS));
                } catch (ExecutionException refused) {
                    // drop-oldest may refuse when nothing is left to drop; never acknowledge and drop
                }
            }
            assertThat(acked).isNotEmpty();
            assertThat(disk.deletedUnsynced())
                    .as("segments dropped before their fsync")
                    .isEmpty();
            List<Long> readable = drainAll(spool.cursor()).stream()
                    .filter(r -> r.lane() == Lane.BULK)
                    .map(SpooledRecord::sequence)
                    .toList();
            long unreadable =
                    acked.stream().filter(seq -> !readable.contains(seq)).count();
            assertThat(spool.stats().drops().get("drop-oldest"))
                    .as("acknowledged records not readable are counted")
                    .isGreaterThanOrEqualTo(unreadable);
        }
    }

    /**
     * A full disk: appends fail retriably while it lasts, logged once per episode with a count and
     * shown as state and metrics; the spool takes appends again by itself as soon as writes work.
     */
    @Test
    void aFullDiskIsOneEpisodeAndTheSpoolWritesAgainByItself() throws Exception {
        ch.qos.logback.classic.Logger log =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(WriteOutage.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
                new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        log.addAppender(events);
        log.setLevel(ch.qos.logback.classic.Level.INFO);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (SegmentedSpool spool = open(options().build()).bindMetrics(registry)) {
            appendAll(spool, Lane.BULK, "ok-", 5);
            assertThat(spool.writeFailure()).isEmpty();
            disk.full(true);
            for (int i = 0; i < 100; i++) {
                CompletableFuture<Long> f = spool.append(envelope(Lane.BULK, "refused-" + i));
                assertFails(f);
                assertThatThrownBy(f::join).hasMessageContaining("disk full since");
            }
            assertThat(spool.writeFailure())
                    .hasValueSatisfying(
                            s -> assertThat(s).startsWith("disk full since").contains("100 appends refused"));
            assertThat(registry.get("fogbridge.spool.write.failing")
                            .tag("reason", "disk-full")
                            .gauge()
                            .value())
                    .isEqualTo(1.0);
            assertThat(registry.get("fogbridge.spool.write.errors")
                            .tag("reason", "disk-full")
                            .functionCounter()
                            .count())
                    .isEqualTo(100.0);
            disk.full(false); // space is back
            assertThat(appendAll(spool, Lane.BULK, "again-", 3)).hasSize(3);
            assertThat(spool.writeFailure()).isEmpty();
            assertThat(registry.get("fogbridge.spool.write.failing")
                            .tag("reason", "disk-full")
                            .gauge()
                            .value())
                    .isZero();
            assertThat(drainAll(spool.cursor()))
                    .extracting(Fixtures::text)
                    .containsExactly("ok-0", "ok-1", "ok-2", "ok-3", "ok-4", "again-0", "again-1", "again-2");
        } finally {
            log.detachAppender(events);
        }
        assertThat(events.list)
                .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .hasSize(2)
                .satisfiesExactly(
                        start -> assertThat(start).startsWith("spool: disk full since"), end -> assertThat(end)
                                .startsWith("spool: writing again after")
                                .contains("100 appends refused"));
    }
    /**
     * A new segment's name must be durable before a record in it is acknowledged under {@code group}.
     * Here the directory fsync of the turn that created it fails and so does the delete that would
     * take it back: the segment stays, and later appends into it are acknowledged only once a
     * directory fsync worked (it used to be forgotten, so a power cut lost them).
     */
    @Test
    void recordsInASegmentWhoseDirectoryFsyncFailedSurviveAPowerCut() throws Exception {
        Path spoolDir = dir.resolve("spool");
        Path cut = dir.resolve("cut");
        SpoolOptions options = SpoolOptions.builder(spoolDir).segmentBytes(4096).build();
        List<String> acknowledged = new ArrayList<>();
        SpoolSimulationTest.PowerCutDisk power = new SpoolSimulationTest.PowerCutDisk();
        Fsync.observer = power;
        try (SegmentedSpool spool = open(options)) {
            disk.failNext(FaultyDisk.Op.FORCE_DIRECTORY, 1).failNext(FaultyDisk.Op.DELETE, 1);
            // one append per turn, until the turn that rolls to a new segment fails on its directory fsync
            boolean rollFailed = false;
            for (int i = 0; !rollFailed; i++) {
                String text = "r-" + i;
                try {
                    spool.append(envelope(Lane.BULK, text)).get(10, TimeUnit.SECONDS);
                    acknowledged.add(text);
                } catch (ExecutionException e) {
                    rollFailed = true;
                }
            }
            assertThat(disk.injected()).hasSize(2);
            for (int i = 0; i < 5; i++) {
                spool.append(envelope(Lane.BULK, "after-" + i)).get(10, TimeUnit.SECONDS);
                acknowledged.add("after-" + i);
            }
            power.materialize(spoolDir, cut, new java.util.Random(1));
        } finally {
            Fsync.observer = null;
        }
        try (SegmentedSpool spool =
                SegmentedSpool.open(SpoolOptions.builder(cut).segmentBytes(4096).build())) {
            assertThat(drainAll(spool.cursor()))
                    .extracting(Fixtures::text)
                    .as("acknowledged records after a power cut")
                    .containsExactlyElementsOf(acknowledged);
        }
    }
}
