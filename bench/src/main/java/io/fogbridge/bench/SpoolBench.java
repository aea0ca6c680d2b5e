package io.fogbridge.bench;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.SpooledRecord;
import io.fogbridge.spool.FsyncPolicy;
import io.fogbridge.spool.SegmentedSpool;
import io.fogbridge.spool.SpoolOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Spool benchmark: append throughput (200-byte payloads) under {@code group} and
 * {@code interval:5} for 1, 10 and 100 writers that each wait for their own future, and for
 * writers that keep many appends in flight; the raw-disk ceiling at the batch sizes the spool
 * actually formed (FileChannel.write + force, same bytes per batch, same run); and replay.
 *
 * <p>Run: {@code bench/spool-bench.sh [dir] [seconds per scenario] [all|append|replay|commit] [replay records]}
 * (replay records default 2,000,000; fewer only for the smoke run, which checks that the harness works).
 * Prints a Markdown table. {@code commit} (not part of {@code all}) appends under {@code group}
 * while a forwarder thread polls and commits, to show what commits cost the append path.
 */
public final class SpoolBench {
    private static final int PAYLOAD = 200;
    private static final int IN_FLIGHT_WRITERS = 4;
    private static final int IN_FLIGHT_WINDOW = 2048;

    private final Path root;
    private final double seconds;
    private final Envelope envelope;
    private int recordBytes;

    private SpoolBench(Path root, double seconds) {
        this.root = root;
        this.seconds = seconds;
        byte[] payload = new byte[PAYLOAD];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        this.envelope = new Envelope(
                "fog.telemetry.bench",
                "device-0001",
                Map.of("device_id", "device-0001"),
                payload,
                System.currentTimeMillis(),
                QoS.AT_LEAST_ONCE,
                Lane.BULK);
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "bench/target/spool-bench");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        int replayRecords = args.length > 3 ? Integer.parseInt(args[3]) : 2_000_000;
        new SpoolBench(root, seconds).run(args.length > 2 ? args[2] : "all", replayRecords);
    }

    private record Row(
            String policy, String writers, double appendsPerSec, double batch, double p50ms, double ceilingPerSec) {}

    private void run(String which, int replayRecords) throws Exception {
        Files.createDirectories(root);
        recordBytes = measureRecordBytes();
        System.out.printf(
                Locale.ROOT,
                "# spool bench: %d B payload = %d B on disk per record, %.1f s per scenario, dir %s, %d cores, %s%n",
                PAYLOAD,
                recordBytes,
                seconds,
                root.toAbsolutePath(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        List<Row> rows = new ArrayList<>();
        if (which.equals("all") || which.equals("append")) {
            for (String policy : List.of("group", "interval:5")) {
                for (int w : new int[] {1, 10, 100}) {
                    rows.add(appendScenario(policy, w, 1));
                }
                rows.add(appendScenario(policy, IN_FLIGHT_WRITERS, IN_FLIGHT_WINDOW));
            }
            System.out.println();
            System.out.println(
                    "| fsync | writers | appends/s | records per batch | append p50 (ms) | raw disk ceiling at that batch (records/s) | spool / ceiling |");
            System.out.println("|---|---|---:|---:|---:|---:|---:|");
            for (Row r : rows) {
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %s | %,.0f | %.1f | %s | %,.0f | %.2f |%n",
                        r.policy,
                        r.writers,
                        r.appendsPerSec,
                        r.batch,
                        r.p50ms > 0 ? String.format(Locale.ROOT, "%.2f", r.p50ms) : "-",
                        r.ceilingPerSec,
                        r.appendsPerSec / r.ceilingPerSec);
            }
        }
        if (which.equals("commit")) {
            commitScenarios();
        }
        if (!which.equals("append") && !which.equals("commit")) {
            replay(replayRecords);
        }
    }

    /**
     * Appends while a forwarder commits (the uplink's steady state): group, writers that each wait,
     * plus one thread that polls and commits what it read, either after every poll or every 50 ms
     * (what the Kafka forwarder does). Shows what commits cost the append path.
     */
    private void commitScenarios() throws Exception {
        System.out.println();
        System.out.println("| fsync | writers | commits | appends/s | append p50 (ms) | commits/s | syncs/s |");
        System.out.println("|---|---|---|---:|---:|---:|---:|");
        for (int w : new int[] {10, 100}) {
            for (long every : new long[] {-1, 0, 50}) {
                appendWhileCommitting(w, every);
            }
        }
    }

    /** {@code commitEveryMs} -1: no forwarder; 0: commit after every poll; else at most every that many ms. */
    private void appendWhileCommitting(int writers, long commitEveryMs) throws Exception {
        Path dir = fresh("commit");
        LongAdder done = new LongAdder();
        LongAdder commits = new LongAdder();
        long[] latencies = new long[1 << 16];
        LongAdder latencyCount = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        try (SegmentedSpool spool = SegmentedSpool.open(options(dir, "group"))) {
            boolean[] stop = {false};
            for (int t = 0; t < writers; t++) {
                int id = t;
                threads.add(Thread.ofPlatform().daemon().start(() -> {
                    while (!stop[0]) {
                        long t0 = System.nanoTime();
                        spool.append(envelope).join();
                        done.increment();
                        if (id == 0) {
                            latencies[(int) (latencyCount.sum() & (latencies.length - 1))] = System.nanoTime() - t0;
                            latencyCount.increment();
                        }
                    }
                }));
            }
            if (commitEveryMs >= 0) {
                threads.add(Thread.ofPlatform().daemon().start(() -> {
                    long last = -1;
                    long nextCommit = System.nanoTime();
                    try {
                        while (!stop[0]) {
                            List<SpooledRecord> got = spool.cursor().poll(4096, 5);
                            if (!got.isEmpty()) {
                                last = got.get(got.size() - 1).sequence();
                            }
                            if (last >= 0 && System.nanoTime() - nextCommit >= 0) {
                                spool.cursor().commit(Lane.BULK, last);
                                commits.increment();
                                nextCommit = System.nanoTime() + commitEveryMs * 1_000_000;
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            Thread.sleep(1000); // warm-up
            long n0 = done.sum();
            long c0 = commits.sum();
            long s0 = spool.syncCount();
            long t0 = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long n = done.sum() - n0;
            long c = commits.sum() - c0;
            long syncs = spool.syncCount() - s0;
            stop[0] = true;
            for (Thread th : threads) {
                th.join();
            }
            int filled = (int) Math.min(latencyCount.sum(), latencies.length);
            long[] l = java.util.Arrays.copyOf(latencies, filled);
            java.util.Arrays.sort(l);
            String mode =
                    commitEveryMs < 0 ? "none" : commitEveryMs == 0 ? "every poll" : "every " + commitEveryMs + " ms";
            System.out.printf(
                    Locale.ROOT,
                    "| group | %d (each waits) | %s | %,.0f | %.2f | %,.0f | %,.0f |%n",
                    writers,
                    mode,
                    n / elapsed,
                    filled > 0 ? l[filled / 2] / 1e6 : 0,
                    c / elapsed,
                    syncs / elapsed);
        } finally {
            delete(dir);
        }
    }

    private int measureRecordBytes() throws Exception {
        Path dir = fresh("size");
        try (SegmentedSpool spool = SegmentedSpool.open(options(dir, "interval:5"))) {
            long before = spool.stats().bytes();
            List<CompletableFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                fs.add(spool.append(envelope));
            }
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).join();
            return (int) ((spool.stats().bytes() - before) / 1000);
        } finally {
            delete(dir);
        }
    }

    private SpoolOptions options(Path dir, String policy) {
        return SpoolOptions.builder(dir)
                .fsync(FsyncPolicy.parse(policy))
                .maxBytes(64L << 30)
                .build();
    }

    /** {@code window} 1: each writer waits for its own future (an MQTT connection); more: that many in flight per writer. */
    private Row appendScenario(String policy, int writers, int window) throws Exception {
        Path dir = fresh("append");
        LongAdder done = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        long[] latencies = new long[1 << 16];
        LongAdder latencyCount = new LongAdder();
        try (SegmentedSpool spool = SegmentedSpool.open(options(dir, policy))) {
            boolean[] stop = {false};
            for (int t = 0; t < writers; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    ArrayDeque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
                    while (!stop[0]) {
                        long t0 = System.nanoTime();
                        inFlight.add(spool.append(envelope));
                        if (inFlight.size() >= window) {
                            inFlight.poll().join();
                            done.increment();
                            if (window == 1 && id == 0) {
                                int i = (int) (latencyCount.sum() & (latencies.length - 1));
                                latencies[i] = System.nanoTime() - t0;
                                latencyCount.increment();
                            }
                        }
                    }
                    inFlight.forEach(CompletableFuture::join);
                });
                th.setDaemon(true);
                threads.add(th);
                th.start();
            }
            Thread.sleep(1000); // warm-up: JIT, first segment
            long n0 = done.sum();
            long s0 = spool.syncCount();
            long b0 = spool.batchCount();
            long a0 = spool.stats().appended();
            long t0 = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            long n1 = done.sum();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long syncs = spool.syncCount() - s0;
            long batches = spool.batchCount() - b0;
            long appended = spool.stats().appended() - a0;
            stop[0] = true;
            for (Thread th : threads) {
                th.join();
            }
            double rate = (n1 - n0) / elapsed;
            boolean group = policy.equals("group");
            double batch = group ? (double) appended / Math.max(1, syncs) : (double) appended / Math.max(1, batches);
            double ceiling = group ? rawGroupCeiling(batch) : rawIntervalCeiling(batch, 5);
            String label = window == 1 ? writers + " (each waits)" : writers + " x " + window + " in flight";
            System.out.printf(
                    Locale.ROOT,
                    "%-10s %-22s %,12.0f appends/s  batch %8.1f  raw ceiling %,12.0f/s  ratio %.2f%n",
                    policy,
                    label,
                    rate,
                    batch,
                    ceiling,
                    rate / ceiling);
            int filled = (int) Math.min(latencyCount.sum(), latencies.length);
            double p50 = 0;
            if (filled > 0) {
                long[] l = java.util.Arrays.copyOf(latencies, filled);
                java.util.Arrays.sort(l);
                p50 = l[filled / 2] / 1e6;
            }
            return new Row(policy, label, rate, batch, p50, ceiling);
        } finally {
            delete(dir);
        }
    }

    /** The disk alone: write {@code batch} records' bytes, force, repeat; one thread, same file growth. */
    private double rawGroupCeiling(double batch) throws IOException {
        return raw(batch, true, 0);
    }

    /** The disk alone under interval: write batches back to back, force every {@code ms}. */
    private double rawIntervalCeiling(double batch, long ms) throws IOException {
        return raw(batch, false, ms);
    }

    private double raw(double batchRecords, boolean forceEach, long forceEveryMs) throws IOException {
        Path dir = fresh("raw");
        int bytes = (int) Math.max(recordBytes, Math.round(batchRecords * recordBytes));
        ByteBuffer buf = ByteBuffer.allocateDirect(bytes);
        while (buf.hasRemaining()) {
            buf.put((byte) 'r');
        }
        long written = 0;
        try (FileChannel ch =
                FileChannel.open(dir.resolve("raw.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long pos = 0;
            long end = System.nanoTime() + (long) (Math.min(seconds, 2) * 1e9);
            long nextForce = System.nanoTime() + forceEveryMs * 1_000_000;
            while (System.nanoTime() < end) {
                buf.clear();
                while (buf.hasRemaining()) {
                    pos += ch.write(buf, pos);
                }
                written += bytes;
                if (forceEach) {
                    ch.force(false);
                } else if (System.nanoTime() >= nextForce) {
                    ch.force(false);
                    nextForce = System.nanoTime() + forceEveryMs * 1_000_000;
                }
                if (pos > (1L << 30)) { // keep the file bounded like a rolling log
                    ch.truncate(0);
                    pos = 0;
                }
            }
            double elapsed = Math.min(seconds, 2);
            return written / (double) recordBytes / elapsed;
        } finally {
            delete(dir);
        }
    }

    private void replay(int records) throws Exception {
        Path dir = fresh("replay");
        try {
            try (SegmentedSpool spool = SegmentedSpool.open(options(dir, "interval:5"))) {
                ArrayDeque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
                for (int i = 0; i < records; i++) {
                    inFlight.add(spool.append(envelope));
                    if (inFlight.size() >= 8192) {
                        inFlight.poll().join();
                    }
                }
                inFlight.forEach(CompletableFuture::join);
            }
            long diskBytes;
            try (Stream<Path> s = Files.walk(dir)) {
                diskBytes = s.filter(p -> p.toString().endsWith(".seg"))
                        .mapToLong(p -> p.toFile().length())
                        .sum();
            }
            System.out.println();
            System.out.printf(
                    Locale.ROOT,
                    "replay of %,d records (%,d MB of segments, page cache warm):%n",
                    records,
                    diskBytes >> 20);
            double best = 0;
            for (int round = 1; round <= 3; round++) {
                long o0 = System.nanoTime();
                try (SegmentedSpool spool = SegmentedSpool.open(options(dir, "interval:5"))) {
                    System.out.printf(
                            Locale.ROOT,
                            "  round %d: open with recovery scan of every segment: %.2f s%n",
                            round,
                            (System.nanoTime() - o0) / 1e9);
                    long t0 = System.nanoTime();
                    long n = 0;
                    long checksum = 0;
                    while (n < records) {
                        List<SpooledRecord> got = spool.cursor().poll(10_000, 1000);
                        if (got.isEmpty()) {
                            throw new IllegalStateException("replay stalled at " + n);
                        }
                        n += got.size();
                        checksum += got.get(got.size() - 1).envelope().payload().length;
                    }
                    double s = (System.nanoTime() - t0) / 1e9;
                    best = Math.max(best, n / s);
                    System.out.printf(
                            Locale.ROOT,
                            "  round %d: %,.0f records/s (%.2f s, %.0f MB/s, check %d)%n",
                            round,
                            n / s,
                            s,
                            diskBytes / s / 1e6,
                            checksum);
                }
            }
            double rawRead = rawRead(dir);
            System.out.printf(
                    Locale.ROOT,
                    "  raw sequential read of the same files (1 MiB reads, no decoding): %,.0f records/s equivalent%n",
                    rawRead / recordBytes);
            System.out.printf(
                    Locale.ROOT,
                    "| replay | %,.0f records/s (best of 3) | raw read %,.0f records/s | ratio %.2f |%n",
                    best,
                    rawRead / recordBytes,
                    best / (rawRead / recordBytes));
        } finally {
            delete(dir);
        }
    }

    /** Bytes per second of plain sequential reads of every segment. */
    private static double rawRead(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".seg")).toList();
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        long bytes = 0;
        long t0 = System.nanoTime();
        for (Path f : files) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                long pos = 0;
                int r;
                while ((r = ch.read(buf.clear(), pos)) > 0) {
                    pos += r;
                    bytes += r;
                }
            }
        }
        return bytes / ((System.nanoTime() - t0) / 1e9);
    }

    private Path fresh(String name) throws IOException {
        Path dir = root.resolve(name + "-" + System.nanoTime());
        Files.createDirectories(dir);
        return dir;
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
