package io.fogbridge.spool;

import static io.fogbridge.spool.Fixtures.drain;
import static io.fogbridge.spool.Fixtures.drainAll;
import static io.fogbridge.spool.Fixtures.envelope;
import static io.fogbridge.spool.Fixtures.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Lane;
import io.fogbridge.api.SpoolCursor;
import io.fogbridge.api.SpoolException;
import io.fogbridge.api.SpoolStats;
import io.fogbridge.api.SpooledRecord;
import io.fogbridge.testkit.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedSpoolTest {
    @TempDir
    Path dir;

    private SpoolOptions.Builder options() {
        return SpoolOptions.builder(dir).segmentBytes(4096).maxBytes(1 << 20);
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

    @Test
    void appendedRecordsAreReadBackInOrderWithSequences() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            assertThat(appendAll(spool, Lane.BULK, "r", 100)).isEqualTo(range(0, 100));
            List<SpooledRecord> got = drain(spool.cursor(), 100);
            assertThat(got).extracting(Fixtures::text).containsExactlyElementsOf(names("r", 100));
            assertThat(got).extracting(SpooledRecord::sequence).isEqualTo(range(0, 100));
            assertThat(got.get(0).envelope().headers()).containsEntry("device_id", "dev-1");
        }
    }

    @Test
    void appendCompletesOffTheCallersThread() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            Thread caller = Thread.currentThread();
            CompletableFuture<Thread> completedOn =
                    spool.append(envelope(Lane.BULK, "x")).thenApply(s -> Thread.currentThread());
            assertThat(completedOn.get(5, TimeUnit.SECONDS)).isNotSameAs(caller);
            assertThat(completedOn.get().getName()).startsWith("fogbridge-spool-");
        }
    }

    @Test
    void rolloverSpreadsRecordsOverSegmentsNamedByBaseSequence() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            appendAll(spool, Lane.BULK, "roll-", 200);
            List<Path> segs = segments(dir, Lane.BULK);
            assertThat(segs).hasSizeGreaterThan(3);
            assertThat(segs.get(0).getFileName().toString()).isEqualTo("00000000000000000000.seg");
            for (Path p : segs) {
                assertThat(Files.size(p)).isLessThanOrEqualTo(4096);
            }
            assertThat(drain(spool.cursor(), 200))
                    .extracting(Fixtures::text)
                    .containsExactlyElementsOf(names("roll-", 200));
        }
        // every segment after the first is named by the sequence of its first record
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            List<SpooledRecord> all = drain(spool.cursor(), 200);
            for (Path p : segments(dir, Lane.BULK)) {
                long base = SegmentFile.baseOf(p);
                assertThat(all).extracting(SpooledRecord::sequence).contains(base);
            }
        }
    }

    @Test
    void commitDeletesCoveredSegmentsAndSurvivesRestart() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            appendAll(spool, Lane.BULK, "c", 200);
            int before = segments(dir, Lane.BULK).size();
            List<SpooledRecord> got = drain(spool.cursor(), 150);
            spool.cursor().commit(Lane.BULK, got.get(149).sequence());
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> segments(dir, Lane.BULK).size() < before);
            // nothing at or above the first uncommitted record may have been deleted
            assertThat(segments(dir, Lane.BULK).stream()
                            .mapToLong(SegmentFile::baseOf)
                            .min()
                            .orElseThrow())
                    .isLessThanOrEqualTo(150);
            assertThat(spool.cursor().committed(Lane.BULK)).isEqualTo(149);
            assertThat(spool.stats().records()).isEqualTo(50);
            assertThat(spool.stats().committed()).isEqualTo(150);
        }
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            assertThat(spool.cursor().committed(Lane.BULK)).isEqualTo(149);
            List<SpooledRecord> rest = drainAll(spool.cursor());
            assertThat(rest)
                    .extracting(Fixtures::text)
                    .containsExactlyElementsOf(names("c", 200).subList(150, 200));
            // sequences continue, never reused
            assertThat(spool.append(envelope(Lane.BULK, "next")).get(5, TimeUnit.SECONDS))
                    .isEqualTo(200);
        }
    }

    @Test
    void sequencesAreNotReusedAfterEverythingWasCommittedAndDeleted() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            appendAll(spool, Lane.BULK, "a", 120);
            spool.cursor().commit(Lane.BULK, 119);
        }
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            assertThat(drainAll(spool.cursor())).isEmpty();
            assertThat(spool.append(envelope(Lane.BULK, "b")).get(5, TimeUnit.SECONDS))
                    .isEqualTo(120);
        }
    }

    @Test
    void tornTailIsTruncatedAndAppendsContinue() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            appendAll(spool, Lane.BULK, "t", 10);
        }
        Path last = segments(dir, Lane.BULK).getLast();
        long good = Files.size(last);
        // half a record: what a crash in the middle of write() leaves
        byte[] rec = RecordFormat.encode(envelope(Lane.BULK, "torn"), 0);
        RecordFormat.seal(rec, 10);
        Files.write(last, java.util.Arrays.copyOf(rec, rec.length / 2), StandardOpenOption.APPEND);
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            assertThat(Files.size(last)).isEqualTo(good);
            assertThat(spool.stats().drops().get("corrupt")).isZero();
            assertThat(spool.stats().drops().get("torn-tail")).isEqualTo(1);
            // the cut bytes might have carried sequence 10 (a power cut under interval:<ms>): never reuse it
            assertThat(spool.append(envelope(Lane.BULK, "after")).get(5, TimeUnit.SECONDS))
                    .isGreaterThan(10);
            List<SpooledRecord> all = drainAll(spool.cursor());
            assertThat(all)
                    .extracting(Fixtures::text)
                    .containsExactlyElementsOf(concat(names("t", 10), List.of("after")));
        }
    }

    @Test
    void midSegmentCorruptionIsSkippedAndCounted() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            appendAll(spool, Lane.BULK, "m", 20);
        }
        Path seg = segments(dir, Lane.BULK).getFirst();
        byte[] bytes = Files.readAllBytes(seg);
        int at = indexOf(bytes, "m5".getBytes(StandardCharsets.UTF_8));
        flip(seg, at);
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        assertThat(SpoolInspector.inspect(dir, new PrintStream(report, true, StandardCharsets.UTF_8)))
                .isEqualTo(SpoolInspector.DAMAGED);
        assertThat(report.toString(StandardCharsets.UTF_8)).contains("DAMAGED bytes");
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            List<SpooledRecord> all = drainAll(spool.cursor());
            List<String> expected = new ArrayList<>(names("m", 20));
            expected.remove("m5");
            assertThat(all).extracting(Fixtures::text).containsExactlyElementsOf(expected);
            assertThat(spool.stats().drops().get("corrupt")).isEqualTo(1);
            assertThat(spool.stats().records()).isEqualTo(19);
        }
    }

    @Test
    void damageInTheLastCompleteRecordIsCountedNotHidden() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            appendAll(spool, Lane.BULK, "z", 3);
        }
        Path seg = segments(dir, Lane.BULK).getLast();
        flip(seg, (int) Files.size(seg) - 1);
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            assertThat(drainAll(spool.cursor())).extracting(Fixtures::text).containsExactly("z0", "z1");
            assertThat(spool.stats().drops().get("corrupt")).isEqualTo(1);
        }
    }

    @Test
    void damagedCommitLogFallsBackToRedelivery() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            appendAll(spool, Lane.BULK, "d", 10);
            Path commits = dir.resolve("bulk").resolve(CommitLog.FILE);
            spool.cursor().commit(Lane.BULK, 3);
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.size(commits) == MarkFile.ENTRY);
            spool.cursor().commit(Lane.BULK, 6);
        }
        Path commits = dir.resolve("bulk").resolve(CommitLog.FILE);
        assertThat(Files.size(commits)).isEqualTo(2 * MarkFile.ENTRY);
        flip(commits, MarkFile.ENTRY + 6); // the newest entry
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            assertThat(spool.cursor().committed(Lane.BULK)).isEqualTo(3);
            assertThat(drainAll(spool.cursor()))
                    .extracting(Fixtures::text)
                    .containsExactlyElementsOf(names("d", 10).subList(4, 10));
        }
        Files.write(commits, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            assertThat(spool.cursor().committed(Lane.BULK)).isEqualTo(-1);
            assertThat(drainAll(spool.cursor())).hasSize(10);
        }
    }

    @Test
    void priorityLaneDrainsFirstAndOrderHoldsWithinEachLane() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            appendAll(spool, Lane.BULK, "b", 30);
            appendAll(spool, Lane.PRIORITY, "p", 5);
            List<SpooledRecord> first = spool.cursor().poll(10, 1000);
            assertThat(first).extracting(Fixtures::text).startsWith("p0", "p1", "p2", "p3", "p4");
            assertThat(first.subList(5, first.size())).allMatch(r -> r.lane() == Lane.BULK);
            List<SpooledRecord> all = new ArrayList<>(first);
            all.addAll(drainAll(spool.cursor()));
            assertThat(all.stream()
                            .filter(r -> r.lane() == Lane.BULK)
                            .map(Fixtures::text)
                            .toList())
                    .isEqualTo(names("b", 30));
            // the lanes have their own sequences
            assertThat(all.stream()
                            .filter(r -> r.lane() == Lane.PRIORITY)
                            .map(SpooledRecord::sequence)
                            .toList())
                    .isEqualTo(range(0, 5));
            // a priority record arriving later still goes ahead of the waiting bulk backlog
            spool.cursor().rewind();
            spool.append(envelope(Lane.PRIORITY, "late")).get(5, TimeUnit.SECONDS);
            List<SpooledRecord> again = spool.cursor().poll(7, 1000);
            assertThat(again)
                    .extracting(Fixtures::text)
                    .startsWith("p0", "p1", "p2", "p3", "p4", "late")
                    .endsWith("b0");
        }
    }

    @Test
    void rewindRedeliversEverythingAfterTheCommittedPosition() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            appendAll(spool, Lane.BULK, "w", 300);
            SpoolCursor c = spool.cursor();
            drain(c, 300);
            c.commit(Lane.BULK, 199);
            c.rewind();
            assertThat(drainAll(c)).extracting(SpooledRecord::sequence).isEqualTo(range(200, 300));
        }
    }

    @Test
    void dropNewestRefusesAndCounts() throws Exception {
        SpoolOptions o =
                options().maxBytes(8192).whenFull(FullPolicy.DROP_NEWEST).build();
        try (SegmentedSpool spool = SegmentedSpool.open(o)) {
            List<CompletableFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                fs.add(spool.append(envelope(Lane.BULK, "n" + i)));
            }
            int ok = 0;
            int full = 0;
            for (CompletableFuture<Long> f : fs) {
                try {
                    f.get(5, TimeUnit.SECONDS);
                    ok++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(SpoolException.Full.class);
                    assertThat(((SpoolException) e.getCause()).retriable()).isTrue();
                    full++;
                }
            }
            assertThat(full).isPositive();
            assertThat(spool.stats().drops().get("drop-newest")).isEqualTo(full);
            assertThat(spool.stats().bytes()).isLessThanOrEqualTo(8192);
            // the accepted ones are the oldest, intact
            assertThat(drainAll(spool.cursor())).extracting(Fixtures::text).containsExactlyElementsOf(names("n", ok));
        }
    }

    @Test
    void dropOldestMakesRoomAndCounts() throws Exception {
        SpoolOptions o =
                options().maxBytes(8192).whenFull(FullPolicy.DROP_OLDEST).build();
        try (SegmentedSpool spool = SegmentedSpool.open(o)) {
            appendAll(spool, Lane.BULK, "o", 300);
            SpoolStats s = spool.stats();
            long dropped = s.drops().get("drop-oldest");
            assertThat(dropped).isPositive();
            assertThat(s.bytes()).isLessThanOrEqualTo(8192);
            List<SpooledRecord> left = drainAll(spool.cursor());
            assertThat(left.size() + dropped).isEqualTo(300);
            // what is left is the newest records, in order
            assertThat(left)
                    .extracting(Fixtures::text)
                    .containsExactlyElementsOf(names("o", 300).subList((int) dropped, 300));
        }
    }

    @Test
    void dropOldestTakesBulkBeforePriority() throws Exception {
        SpoolOptions o =
                options().maxBytes(8192).whenFull(FullPolicy.DROP_OLDEST).build();
        try (SegmentedSpool spool = SegmentedSpool.open(o)) {
            appendAll(spool, Lane.PRIORITY, "p", 10);
            appendAll(spool, Lane.BULK, "b", 300);
            List<SpooledRecord> left = drainAll(spool.cursor());
            assertThat(left.stream()
                            .filter(r -> r.lane() == Lane.PRIORITY)
                            .map(Fixtures::text)
                            .toList())
                    .isEqualTo(names("p", 10));
        }
    }

    @Test
    void blockHoldsTheFutureUntilCommitFreesRoom() throws Exception {
        SpoolOptions o = options()
                .maxBytes(8192)
                .whenFull(FullPolicy.BLOCK)
                .blockTimeout(Duration.ofSeconds(30))
                .build();
        try (SegmentedSpool spool = SegmentedSpool.open(o)) {
            List<CompletableFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                fs.add(spool.append(envelope(Lane.BULK, "k" + i)));
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> fs.stream().filter(CompletableFuture::isDone).count() > 10);
            Thread.sleep(200);
            long done = fs.stream().filter(CompletableFuture::isDone).count();
            assertThat(done).isLessThan(150);
            assertThat(fs.get(149)).isNotDone();
            // the forwarder drains and commits: blocked appends get room, in order, nothing dropped
            SpoolCursor c = spool.cursor();
            List<SpooledRecord> seen = new ArrayList<>();
            while (seen.size() < 150) {
                List<SpooledRecord> got = c.poll(1000, 2000);
                assertThat(got).as("progress after %d", seen.size()).isNotEmpty();
                seen.addAll(got);
                c.commit(Lane.BULK, got.getLast().sequence());
            }
            for (CompletableFuture<Long> f : fs) {
                assertThat(f.get(5, TimeUnit.SECONDS)).isNotNegative();
            }
            assertThat(seen).extracting(Fixtures::text).containsExactlyElementsOf(names("k", 150));
            assertThat(spool.stats().drops().values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .isZero();
        }
    }

    @Test
    void blockFailsAfterTheTimeoutWhenNothingIsCommitted() throws Exception {
        SpoolOptions o = options()
                .maxBytes(8192)
                .whenFull(FullPolicy.BLOCK)
                .blockTimeout(Duration.ofMillis(300))
                .build();
        try (SegmentedSpool spool = SegmentedSpool.open(o)) {
            List<CompletableFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                fs.add(spool.append(envelope(Lane.BULK, "k" + i)));
            }
            CompletableFuture<Long> last = fs.getLast();
            assertThatThrownBy(() -> last.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(SpoolException.Full.class);
            assertThat(spool.stats().drops().get("block-timeout")).isPositive();
        }
    }

    @Test
    void maxAgeDropsOldRecordsByTheInjectedClock() throws Exception {
        ManualClock clock = new ManualClock();
        SpoolOptions o = options().maxAge(Duration.ofMinutes(10)).clock(clock).build();
        try (SegmentedSpool spool = SegmentedSpool.open(o)) {
            appendAll(spool, Lane.BULK, "old", 100);
            clock.advance(Duration.ofMinutes(11));
            appendAll(spool, Lane.BULK, "new", 5);
            assertThat(spool.stats().oldestArrival())
                    .isLessThan(clock.millis() - Duration.ofMinutes(10).toMillis());
            List<SpooledRecord> got = drainAll(spool.cursor());
            assertThat(got).extracting(Fixtures::text).containsExactlyElementsOf(names("new", 5));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(spool.stats().drops().get("max-age")).isEqualTo(100);
                // expired segments are deleted by the writer's housekeeping, counted only once
                assertThat(segments(dir, Lane.BULK)).hasSizeLessThan(3);
            });
            assertThat(spool.stats().oldestArrival()).isEqualTo(clock.millis());
        }
    }

    @Test
    void statsCountRecordsBytesAndAges() throws Exception {
        ManualClock clock = new ManualClock();
        try (SegmentedSpool spool = SegmentedSpool.open(options().clock(clock).build())) {
            SpoolStats empty = spool.stats();
            assertThat(empty.records()).isZero();
            assertThat(empty.oldestArrival()).isEqualTo(-1);
            long t0 = clock.millis();
            appendAll(spool, Lane.BULK, "s", 10);
            clock.advanceMillis(1000);
            appendAll(spool, Lane.PRIORITY, "p", 3);
            SpoolStats s = spool.stats();
            assertThat(s.records()).isEqualTo(13);
            assertThat(s.appended()).isEqualTo(13);
            assertThat(s.oldestArrival()).isEqualTo(t0);
            assertThat(s.bytes())
                    .isEqualTo(Files.size(segments(dir, Lane.BULK).getFirst())
                            + Files.size(segments(dir, Lane.PRIORITY).getFirst()));
            spool.cursor().commit(Lane.BULK, 9);
            assertThat(spool.stats().records()).isEqualTo(3);
            assertThat(spool.stats().committed()).isEqualTo(10);
            assertThat(spool.stats().oldestArrival()).isEqualTo(t0 + 1000);
            var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            spool.bindMetrics(registry);
            assertThat(registry.get("fogbridge.spool.records").gauge().value()).isEqualTo(3.0);
            assertThat(registry.get("fogbridge.spool.appended")
                            .functionCounter()
                            .count())
                    .isEqualTo(13.0);
            assertThat(registry.get("fogbridge.spool.dropped")
                            .tag("reason", "corrupt")
                            .functionCounter()
                            .count())
                    .isZero();
        }
    }

    @Test
    void appendAfterCloseFailsAndPollReturnsEmpty() throws Exception {
        SegmentedSpool spool = SegmentedSpool.open(options().build());
        spool.close();
        assertThatThrownBy(() -> spool.append(envelope(Lane.BULK, "x")).get())
                .hasCauseInstanceOf(SpoolException.Closed.class);
    }

    @Test
    void secondOpenOfTheSameDirectoryIsRefused() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            assertThatThrownBy(() -> SegmentedSpool.open(options().build()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void inspectorReportsAndRecognisesNonSpools() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            appendAll(spool, Lane.BULK, "i", 50);
            spool.cursor().commit(Lane.BULK, 9);
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = SpoolInspector.inspect(dir, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String report = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(report).isEqualTo(SpoolInspector.OK);
        assertThat(report)
                .contains(
                        "lane bulk:",
                        "50 records",
                        "40 uncommitted",
                        "committed position 9",
                        "oldest uncommitted record",
                        "00000000000000000000.seg");
        Path empty = Files.createDirectory(dir.resolve("nothing-here"));
        assertThat(SpoolInspector.inspect(
                        empty, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .isEqualTo(SpoolInspector.NOT_A_SPOOL);
    }

    @Test
    void emptySegmentLeftByACrashDuringRollIsRepaired() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            appendAll(spool, Lane.BULK, "e", 5);
        }
        Files.createFile(dir.resolve("bulk").resolve(SegmentFile.fileName(5)));
        try (SegmentedSpool spool = SegmentedSpool.open(options().build())) {
            assertThat(spool.append(envelope(Lane.BULK, "f")).get(5, TimeUnit.SECONDS))
                    .isEqualTo(5);
            assertThat(drainAll(spool.cursor()))
                    .extracting(Fixtures::text)
                    .containsExactly("e0", "e1", "e2", "e3", "e4", "f");
        }
    }

    static void flip(Path file, int at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5A);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    static List<Long> range(long from, long to) {
        List<Long> l = new ArrayList<>();
        for (long i = from; i < to; i++) {
            l.add(i);
        }
        return l;
    }

    static List<String> names(String prefix, int n) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(prefix + i);
        }
        return l;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }
}
