package io.fogbridge.spool;

import static io.fogbridge.spool.Fixtures.envelope;
import static io.fogbridge.spool.Fixtures.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.api.Lane;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cursor's adaptive read buffer: grows while a backlog waits, goes back once the reader keeps up. */
class SegmentScannerTest {
    private static final int INITIAL = 4 << 10;
    private static final int MAX = 64 << 10;

    @TempDir
    Path dir;

    @Test
    void growsToItsMaximumOverABacklogAndReadsEveryRecordInOrder() throws Exception {
        List<String> written = spoolOneSegment(600, 300); // ~200 KB: more than the maximum buffer
        try (Segment s = Segment.open(dir)) {
            SegmentScanner scanner = new SegmentScanner(INITIAL, MAX);
            List<Long> sequences = new ArrayList<>();
            SegmentScanner.Result r = s.scanAll(scanner, sequences);

            assertThat(r.end()).isEqualTo(s.file.size);
            assertThat(sequences).hasSize(written.size());
            for (int i = 0; i < sequences.size(); i++) {
                assertThat(sequences.get(i)).isEqualTo(i);
            }
            assertThat(scanner.capacity()).isEqualTo(MAX);
        }
    }

    @Test
    void goesBackToItsInitialSizeAfterARunOfSmallReadsAndGrowsAgainForTheNextBacklog() throws Exception {
        spoolOneSegment(600, 300);
        try (Segment s = Segment.open(dir)) {
            SegmentScanner scanner = new SegmentScanner(INITIAL, MAX);
            s.scanAll(scanner, new ArrayList<>());
            assertThat(scanner.capacity()).isEqualTo(MAX);

            // A forwarder that keeps up: each read finds one new record past where the last one ended.
            List<Long> ends = recordEnds(s);
            for (int k = 1; k < SegmentScanner.SHRINK_AFTER_SMALL_READS; k++) {
                s.scanRange(scanner, ends.get(k - 1), ends.get(k));
                assertThat(scanner.capacity()).as("after %d small reads", k).isEqualTo(MAX);
            }
            int last = SegmentScanner.SHRINK_AFTER_SMALL_READS;
            s.scanRange(scanner, ends.get(last - 1), ends.get(last));
            assertThat(scanner.capacity()).isEqualTo(INITIAL);

            List<Long> sequences = new ArrayList<>();
            s.scanFrom(scanner, ends.get(last), last, sequences);
            assertThat(sequences).hasSize(600 - (last + 1)).startsWith(last + 1L);
            assertThat(scanner.capacity()).isEqualTo(MAX);
        }
    }

    @Test
    void aReadThatFailsAsTheBufferGrowsLeavesNothingStaleForTheNextScanOfTheFile() throws Exception {
        spoolOneSegment(600, 300);
        FaultyDisk disk = new FaultyDisk(1);
        Path path = segments(dir, Lane.BULK).getFirst();
        try (Segment s = new Segment(SegmentFile.open(disk, path, Lane.BULK, false))) {
            List<Long> ends = recordEnds(s);
            SegmentScanner scanner = new SegmentScanner(INITIAL, MAX);
            // Refills of 8, 16 and 32 KiB: the third, which also replaces the buffer, fails (EIO).
            disk.failNext(FaultyDisk.Op.READ, 3);
            assertThatThrownBy(() -> s.scanAll(scanner, new ArrayList<>()))
                    .isInstanceOf(IOException.class)
                    .hasMessage(FaultyDisk.EIO);

            // The cursor rewinds to its last commit, here a record inside what the second refill read.
            int k = 0;
            while (ends.get(k) < SegmentFile.HEADER + (12 << 10)) {
                k++;
            }
            List<Long> sequences = new ArrayList<>();
            s.scanFrom(scanner, ends.get(k), k, sequences);
            assertThat(sequences).hasSize(600 - (k + 1)).startsWith((long) k + 1);
            assertThat(disk.injected()).hasSize(1);
        }
    }

    @Test
    void aRecordLongerThanTheBufferIsStillRead() throws Exception {
        spoolOneSegment(3, 3 * INITIAL); // each record three times the initial buffer
        try (Segment s = Segment.open(dir)) {
            SegmentScanner scanner = new SegmentScanner(INITIAL, INITIAL);
            List<Long> sequences = new ArrayList<>();
            SegmentScanner.Result r = s.scanAll(scanner, sequences);
            assertThat(r.end()).isEqualTo(s.file.size);
            assertThat(sequences).containsExactly(0L, 1L, 2L);
        }
    }

    @Test
    void refusesCapacitiesThatAreNotARange() {
        assertThatThrownBy(() -> new SegmentScanner(MAX, INITIAL)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SegmentScanner(0, MAX)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Appends {@code n} records of about {@code bytes} bytes into one segment of the BULK lane; their texts. */
    private List<String> spoolOneSegment(int n, int bytes) throws Exception {
        List<String> texts = new ArrayList<>();
        SpoolOptions o = SpoolOptions.builder(dir).segmentBytes(16 << 20).build();
        try (SegmentedSpool spool = SegmentedSpool.open(o)) {
            List<CompletableFuture<Long>> appends = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String text = i + ":" + "x".repeat(bytes);
                texts.add(text);
                appends.add(spool.append(envelope(Lane.BULK, text)));
            }
            for (CompletableFuture<Long> a : appends) {
                a.get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(segments(dir, Lane.BULK)).hasSize(1);
        return texts;
    }

    private static List<Long> recordEnds(Segment s) throws IOException {
        List<Long> ends = new ArrayList<>();
        new SegmentScanner(MAX)
                .scan(
                        s.file,
                        SegmentFile.HEADER,
                        s.file.size,
                        s.file.base - 1,
                        (buf, off, len, pos) -> ends.add(pos + len),
                        (a, b) -> {});
        return ends;
    }

    /** One closed segment of the BULK lane, opened read-only. */
    private record Segment(SegmentFile file) implements AutoCloseable {
        static Segment open(Path spoolDir) throws IOException {
            return new Segment(SegmentFile.open(segments(spoolDir, Lane.BULK).getFirst(), Lane.BULK, false));
        }

        SegmentScanner.Result scanAll(SegmentScanner scanner, List<Long> sequences) throws IOException {
            return scanFrom(scanner, SegmentFile.HEADER, file.base - 1, sequences);
        }

        SegmentScanner.Result scanFrom(SegmentScanner scanner, long from, long lastSeq, List<Long> sequences)
                throws IOException {
            return scanner.scan(
                    file,
                    from,
                    file.size,
                    lastSeq,
                    (buf, off, len, pos) -> sequences.add(RecordFormat.sequence(buf, off)),
                    (a, b) -> {
                        throw new AssertionError("damage at " + a);
                    });
        }

        void scanRange(SegmentScanner scanner, long from, long to) throws IOException {
            scanner.scan(file, from, to, -1, (buf, off, len, pos) -> true, (a, b) -> {
                throw new AssertionError("damage at " + a);
            });
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
