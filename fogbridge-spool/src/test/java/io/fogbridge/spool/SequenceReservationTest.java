package io.fogbridge.spool;

import static io.fogbridge.spool.Fixtures.drain;
import static io.fogbridge.spool.Fixtures.drainAll;
import static io.fogbridge.spool.Fixtures.envelope;
import static io.fogbridge.spool.Fixtures.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Lane;
import io.fogbridge.api.SpooledRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sequence high-water mark ({@link SequenceReservation}) and where the spool fsyncs its commit log. */
class SequenceReservationTest {
    @TempDir
    Path dir;

    private SpoolOptions options(FsyncPolicy policy) {
        return SpoolOptions.builder(dir)
                .segmentBytes(1 << 16)
                .maxBytes(1 << 20)
                .fsync(policy)
                .build();
    }

    @AfterEach
    void noObserver() {
        Fsync.observer = null;
    }

    @Test
    void recordsLostToAPowerCutDoNotGiveTheirSequencesAway() throws Exception {
        try (SegmentedSpool spool = SegmentedSpool.open(options(new FsyncPolicy.Interval(5)))) {
            for (int i = 0; i < 10; i++) {
                assertThat(spool.append(envelope(Lane.BULK, "r" + i)).get(5, TimeUnit.SECONDS))
                        .isEqualTo(i);
            }
            // the forwarder saw all ten (and might have sent them to Kafka)
            assertThat(drain(spool.cursor(), 10)).hasSize(10);
        }
        // what the disk held after a power cut in the middle of the run: records 5..9 were in the page
        // cache only, and the reservation entry written before record 0 was published
        Path seg = segments(dir, Lane.BULK).getFirst();
        truncateAfterRecords(seg, 5);
        writeReservation(dir.resolve("bulk"), SequenceReservation.BLOCK);
        try (SegmentedSpool spool = SegmentedSpool.open(options(new FsyncPolicy.Interval(5)))) {
            assertThat(drainAll(spool.cursor()))
                    .extracting(SpooledRecord::sequence)
                    .containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(spool.append(envelope(Lane.BULK, "after")).get(5, TimeUnit.SECONDS))
                    .as("sequences 5..9 were handed out before the cut")
                    .isEqualTo(SequenceReservation.BLOCK);
            assertThat(spool.stats().drops().get("corrupt")).isZero();
        }
        // the skipped range lies between segments, so a later open counts no damage
        try (SegmentedSpool spool = SegmentedSpool.open(options(new FsyncPolicy.Interval(5)))) {
            assertThat(drainAll(spool.cursor()))
                    .extracting(Fixtures::text)
                    .containsExactly("r0", "r1", "r2", "r3", "r4", "after");
            assertThat(spool.stats().drops().get("corrupt")).isZero();
        }
    }

    @Test
    void aCleanCloseLeavesNoGap() throws Exception {
        for (int round = 0; round < 3; round++) {
            try (SegmentedSpool spool = SegmentedSpool.open(options(FsyncPolicy.group()))) {
                assertThat(spool.append(envelope(Lane.BULK, "c" + round)).get(5, TimeUnit.SECONDS))
                        .isEqualTo(round);
            }
            Path file = dir.resolve("bulk").resolve(SequenceReservation.FILE);
            assertThat(Files.size(file)).isEqualTo(MarkFile.ENTRY);
            assertThat(SequenceReservation.read(file)).isEqualTo(round + 1);
        }
    }

    @Test
    void aTornReservationEntryFallsBackToTheOneBefore() throws Exception {
        Path lane = Files.createDirectories(dir.resolve("bulk"));
        writeReservation(lane, 100);
        Files.write(lane.resolve(SequenceReservation.FILE), new byte[] {0x46, 0x42, 0x52}, StandardOpenOption.APPEND);
        try (SegmentedSpool spool = SegmentedSpool.open(options(new FsyncPolicy.Interval(5)))) {
            assertThat(spool.append(envelope(Lane.BULK, "a")).get(5, TimeUnit.SECONDS))
                    .isEqualTo(100);
            assertThat(spool.append(envelope(Lane.BULK, "b")).get(5, TimeUnit.SECONDS))
                    .isEqualTo(101);
        }
        assertThat(SequenceReservation.read(dir.resolve("bulk").resolve(SequenceReservation.FILE)))
                .isEqualTo(102);
    }

    @Test
    void commitsAreFsyncedOffTheWriterThreadAndStillFreeSegments() throws Exception {
        Set<String> commitSyncThreads = ConcurrentHashMap.newKeySet();
        Fsync.observer = new Fsync.Observer() {
            @Override
            public void fileSynced(Path file, long bytes) {
                if (file.getFileName().toString().equals(CommitLog.FILE)) {
                    commitSyncThreads.add(Thread.currentThread().getName());
                }
            }

            @Override
            public void directorySynced(Path d) {}
        };
        SpoolOptions o =
                SpoolOptions.builder(dir).segmentBytes(4096).maxBytes(1 << 20).build(); // group
        try (SegmentedSpool spool = SegmentedSpool.open(o)) {
            commitSyncThreads.clear(); // recovery fsyncs at open, before the writer runs
            long last = -1;
            for (int i = 0; i < 50; i++) {
                for (int k = 0; k < 10; k++) {
                    last = spool.append(envelope(Lane.BULK, "x" + i + "-" + k)).get(5, TimeUnit.SECONDS);
                }
                List<SpooledRecord> got = drain(spool.cursor(), 10);
                spool.cursor().commit(Lane.BULK, got.getLast().sequence());
            }
            assertThat(last).isEqualTo(499);
            // the durable commit (background fsync) lets the writer delete every covered segment
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> segments(dir, Lane.BULK).size() == 1);
            assertThat(commitSyncThreads).containsExactly("fogbridge-spool-sync");
        }
    }

    /** Cuts {@code seg} right after its first {@code keep} records (a clean record boundary). */
    private static void truncateAfterRecords(Path seg, int keep) throws IOException {
        long[] end = {SegmentFile.HEADER};
        SegmentFile s = SegmentFile.open(seg, Lane.BULK, false);
        try {
            new SegmentScanner(1 << 16)
                    .scan(
                            s,
                            SegmentFile.HEADER,
                            s.size,
                            s.base - 1,
                            (buf, off, len, pos) -> {
                                if (RecordFormat.sequence(buf, off) < keep) {
                                    end[0] = pos + len;
                                }
                                return true;
                            },
                            (a, b) -> {});
        } finally {
            s.close();
        }
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(end[0]);
        }
    }

    private static void writeReservation(Path laneDir, long limit) throws IOException {
        ByteBuffer b = MarkFile.encode(ByteBuffer.allocate(MarkFile.ENTRY), SequenceReservation.MAGIC, limit);
        Files.write(laneDir.resolve(SequenceReservation.FILE), b.array());
    }
}
