package io.fogbridge.spool;

import static io.fogbridge.spool.Fixtures.drainAll;
import static io.fogbridge.spool.Fixtures.envelope;
import static io.fogbridge.spool.Fixtures.segments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.api.Lane;
import io.fogbridge.api.SpoolException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
