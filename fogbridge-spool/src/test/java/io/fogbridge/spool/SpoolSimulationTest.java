package io.fogbridge.spool;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.SpooledRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded simulation: random appends, polls, commits, rewinds, restarts, power cuts and byte flips
 * in closed segment files, and (for half the seeds) injected I/O failures: ENOSPC, EIO, short writes
 * and failed deletes at random points of the spool's file I/O ({@link FaultyDisk}), and episodes of
 * a full disk. Checked against a simple in-memory model after every step.
 *
 * <p>Invariants: a committed record never comes back (except after a power cut, which may lose a
 * commit that was not durable yet: then only records after the recovered commit come back, each
 * intact and with its own sequence); every acknowledged, uncommitted record is delivered, intact,
 * in lane order, PRIORITY ahead of BULK, unless a flipped byte hit it, and every such loss is
 * counted ({@code corrupt} or {@code torn-tail}); a power cut loses no acknowledged record under
 * {@code group} (under {@code interval:<ms>} it may); and a sequence is never handed out twice,
 * across restarts and power cuts.
 *
 * <p>A power cut is modelled with {@link PowerCutDisk}: it hears of every fsync ({@link Fsync})
 * and builds the directory the disk would hold after the cut: each file cut to what its last
 * fsync covered (plus, sometimes, some whole pages the OS wrote back on its own), and only files
 * whose names a directory fsync made durable. The spool then opens that copy.
 *
 * <p>Reproduce a failure: {@code -Dspool.sim.seed=<seed>}; more seeds: {@code -Dspool.sim.seeds=1000}.
 * The failures are drawn from the seed too (per thread, so the writer's do not depend on when the
 * background sync runs); a seed's run still depends on thread timing where the spool does.
 */
class SpoolSimulationTest {
    @TempDir
    Path root;

    /** Figures over all seeds of the run, printed at the end. */
    static final java.util.concurrent.atomic.AtomicLong INJECTED = new java.util.concurrent.atomic.AtomicLong();

    static final java.util.concurrent.atomic.AtomicLong FAILED_APPENDS = new java.util.concurrent.atomic.AtomicLong();

    @org.junit.jupiter.api.AfterAll
    static void figures() {
        System.out.println("SpoolSimulationTest: " + INJECTED.get() + " I/O faults injected, " + FAILED_APPENDS.get()
                + " appends failed by them");
    }

    @TestFactory
    Stream<DynamicTest> randomHistories() {
        String one = System.getProperty("spool.sim.seed");
        LongStream seeds = one != null
                ? LongStream.of(Long.parseLong(one))
                : LongStream.range(0, Long.getLong("spool.sim.seeds", 200)).map(i -> 0x5EED0000L + i);
        return seeds.mapToObj(
                seed -> DynamicTest.dynamicTest("seed " + seed, () -> new Run(seed, root.resolve("s" + seed)).play()));
    }

    private static final class Run {
        final long seed;
        final Random rnd;
        final FsyncPolicy policy;
        final int segmentBytes;
        final PowerCutDisk disk = new PowerCutDisk();
        /** The spool's file I/O; fails from its own seeded stream, so the step sequence stays the same. */
        final FaultyDisk faults;

        final Random faultRnd;
        final double faultRate;
        int failedAppends;
        Path dir;
        SpoolOptions options;
        int cuts;
        /** Acknowledged and not committed, by lane: sequence to payload. */
        final Map<Lane, TreeMap<Long, String>> pending = new EnumMap<>(Lane.class);

        final Map<Lane, Long> committed = new EnumMap<>(Lane.class);
        final Map<Lane, Long> readPos = new EnumMap<>(Lane.class);
        final Map<Lane, Long> lastSeq = new EnumMap<>(Lane.class);
        /** Every acknowledged record not lost to a flip or a power cut, committed or not, by lane. */
        final Map<Lane, TreeMap<Long, String>> acked = new EnumMap<>(Lane.class);
        /** Every sequence an append was acknowledged with, by lane, across restarts and power cuts. */
        final Map<Lane, Set<Long>> handedOut = new EnumMap<>(Lane.class);

        final List<String> history = new ArrayList<>();
        SegmentedSpool spool;
        int counter;
        long countedLosses;

        Run(long seed, Path dir) {
            this.seed = seed;
            this.rnd = new Random(seed);
            this.dir = dir;
            this.segmentBytes = 4096 + rnd.nextInt(4096);
            // a quarter of the seeds under group: its fsync per append batch makes them the slow
            // ones, and the model checks the same things under both policies
            this.policy = rnd.nextInt(4) == 0 ? FsyncPolicy.group() : new FsyncPolicy.Interval(1 + rnd.nextInt(5));
            this.options = options(dir);
            this.faultRnd = new Random(seed * 31 + 7);
            this.faultRate = faultRnd.nextBoolean() ? 0 : 0.005 + faultRnd.nextDouble() * 0.05;
            // a failed truncate of a failed write's bytes is tried again before the next write (see
            // SpoolWriteFailureTest); if the process stops first, the failed records come back at the
            // next open: a known gap, left out here
            this.faults = new FaultyDisk(seed).rate(faultRate).spare(FaultyDisk.Op.TRUNCATE);
            for (Lane l : Lane.values()) {
                acked.put(l, new TreeMap<>());
                handedOut.put(l, new HashSet<>());
                pending.put(l, new TreeMap<>());
                committed.put(l, -1L);
                readPos.put(l, -1L);
                lastSeq.put(l, -1L);
            }
        }

        SpoolOptions options(Path directory) {
            return SpoolOptions.builder(directory)
                    .segmentBytes(segmentBytes)
                    .maxBytes(64L << 20)
                    .fsync(policy)
                    .build();
        }

        void play() throws Exception {
            Fsync.observer = disk;
            spool = openSpool();
            try {
                int steps = 50 + rnd.nextInt(50);
                for (int i = 0; i < steps; i++) {
                    if (faultRate > 0 && faultRnd.nextInt(20) == 0) {
                        boolean full = faultRnd.nextBoolean();
                        history.add("disk full " + full);
                        faults.full(full);
                    }
                    int op = rnd.nextInt(100);
                    if (op < 40) {
                        append();
                    } else if (op < 68) {
                        poll();
                    } else if (op < 83) {
                        commit();
                    } else if (op < 88) {
                        rewind();
                    } else if (op < 92) {
                        restart();
                    } else if (op < 96) {
                        powerCut();
                    } else {
                        corrupt();
                    }
                    checkBytes();
                }
                faults.full(false).rate(0); // the last restart and check see a healthy disk
                restart();
                verifyEverything(Set.of());
            } catch (AssertionError e) {
                throw new AssertionError(
                        "seed " + seed + " failed (reproduce with -Dspool.sim.seed=" + seed + "); history " + history
                                + "; injected " + faults.injected() + ": " + e.getMessage(),
                        e);
            } finally {
                spool.close();
                Fsync.observer = null;
                INJECTED.addAndGet(faults.count());
                FAILED_APPENDS.addAndGet(failedAppends);
            }
        }

        /** Opens on a healthy disk (a spool that cannot start is another story), then lets the faults loose. */
        SegmentedSpool openSpool() throws IOException {
            boolean full = faults.isFull();
            faults.full(false).rate(0);
            try {
                return SegmentedSpool.open(options, faults);
            } finally {
                faults.full(full).rate(faultRate);
            }
        }

        /** stats().bytes() is what the segment files hold, read while the writer cannot change either. */
        void checkBytes() throws IOException {
            spool.lock.lock();
            try {
                long onDisk = 0;
                for (Lane l : Lane.values()) {
                    for (Path p : Fixtures.segments(dir, l)) {
                        onDisk += Files.size(p);
                    }
                }
                assertThat(spool.bytes)
                        .as("spool bytes against the segment files")
                        .isEqualTo(onDisk);
            } finally {
                spool.lock.unlock();
            }
        }

        void append() throws Exception {
            Lane lane = rnd.nextInt(4) == 0 ? Lane.PRIORITY : Lane.BULK;
            int k = 1 + rnd.nextInt(20);
            history.add("append " + lane.id() + " x" + k);
            List<String> payloads = new ArrayList<>();
            List<CompletableFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                String p = seed + "-" + (counter++) + "-" + "x".repeat(rnd.nextInt(300));
                payloads.add(p);
                fs.add(spool.append(new Envelope(
                        "fog.telemetry.sim",
                        "dev-" + rnd.nextInt(5),
                        Map.of("n", String.valueOf(i)),
                        p.getBytes(StandardCharsets.UTF_8),
                        counter,
                        QoS.AT_LEAST_ONCE,
                        lane)));
            }
            for (int i = 0; i < k; i++) {
                long seq;
                try {
                    seq = fs.get(i).get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause())
                            .as("a failed append")
                            .isInstanceOfSatisfying(
                                    io.fogbridge.api.SpoolException.class,
                                    se -> assertThat(se.retriable()).isTrue());
                    failedAppends++;
                    continue;
                }
                assertThat(handedOut.get(lane).add(seq))
                        .as("sequence %d of %s handed out twice", seq, lane)
                        .isTrue();
                assertThat(seq).as("sequences increase within a lane").isGreaterThan(lastSeq.get(lane));
                lastSeq.put(lane, seq);
                pending.get(lane).put(seq, payloads.get(i));
                acked.get(lane).put(seq, payloads.get(i));
            }
        }

        void poll() throws Exception {
            int n = 1 + rnd.nextInt(60);
            List<SpooledRecord> got = spool.cursor().poll(n, rnd.nextInt(3));
            history.add("poll " + n + " -> " + got.size());
            boolean sawBulk = false;
            for (SpooledRecord r : got) {
                Lane lane = r.lane();
                if (lane == Lane.BULK) {
                    sawBulk = true;
                } else {
                    assertThat(sawBulk).as("PRIORITY after BULK in one poll").isFalse();
                }
                check(r);
            }
            if (sawBulk) {
                assertThat(pending.get(Lane.PRIORITY).higherKey(readPos.get(Lane.PRIORITY)))
                        .as("bulk delivered while acknowledged priority records wait")
                        .isNull();
            }
        }

        /** The record is the next one the model expects in its lane: no gap, no repeat, intact. */
        void check(SpooledRecord r) {
            Lane lane = r.lane();
            long seq = r.sequence();
            assertThat(seq).as("committed record reappeared").isGreaterThan(committed.get(lane));
            Long expected = pending.get(lane).higherKey(readPos.get(lane));
            assertThat(seq)
                    .as("next record of lane %s after %d", lane, readPos.get(lane))
                    .isEqualTo(expected);
            assertThat(new String(r.envelope().payload(), StandardCharsets.UTF_8))
                    .isEqualTo(pending.get(lane).get(seq));
            readPos.put(lane, seq);
        }

        void commit() {
            Lane lane = rnd.nextBoolean() ? Lane.PRIORITY : Lane.BULK;
            long from = committed.get(lane);
            long to = readPos.get(lane);
            if (to <= from) {
                return;
            }
            long seq = from + 1 + (long) rnd.nextInt((int) Math.min(Integer.MAX_VALUE, to - from));
            history.add("commit " + lane.id() + " " + seq);
            spool.cursor().commit(lane, seq);
            committed.put(lane, seq);
            pending.get(lane).headMap(seq, true).clear();
            assertThat(spool.cursor().committed(lane)).isEqualTo(seq);
        }

        void rewind() {
            history.add("rewind");
            spool.cursor().rewind();
            committed.forEach(readPos::put);
        }

        void restart() throws IOException {
            history.add("restart");
            spool.close();
            reopen();
        }

        void reopen() throws IOException {
            spool = openSpool();
            for (Lane l : Lane.values()) {
                assertThat(spool.cursor().committed(l))
                        .as("durable commit of %s", l)
                        .isEqualTo(committed.get(l));
            }
            committed.forEach(readPos::put);
        }

        /**
         * Cuts the power: the spool's process is gone and the disk keeps only what was fsynced
         * (see {@link PowerCutDisk}); the spool opens what is left. Commits may fall back (the
         * records after them come again), acknowledged records may be lost only under {@code
         * interval:<ms>}, and no sequence may be handed out again (checked by later appends).
         */
        void powerCut() throws Exception {
            Path cut = dir.resolveSibling(dir.getFileName() + "-cut" + (++cuts));
            long kept = disk.materialize(dir, cut, rnd);
            history.add("power cut (" + policy + ", " + kept + " bytes kept)");
            spool.close(); // only to free its threads and lock: its directory is left behind
            dir = cut;
            options = options(dir);
            spool = openSpool();
            Set<Long> mayLose = new HashSet<>();
            for (Lane l : Lane.values()) {
                long c = spool.cursor().committed(l);
                assertThat(c).as("recovered commit of %s", l).isLessThanOrEqualTo(committed.get(l));
                committed.put(l, c);
                readPos.put(l, c);
                pending.get(l).clear();
                pending.get(l).putAll(acked.get(l).tailMap(c, false));
                if (policy instanceof FsyncPolicy.Interval) {
                    mayLose.addAll(pending.get(l).keySet());
                }
            }
            verifyEverything(mayLose);
        }

        /** Flips bytes in one closed segment file; records they hit may be lost, but must be counted. */
        void corrupt() throws Exception {
            spool.close();
            Lane lane = rnd.nextBoolean() ? Lane.PRIORITY : Lane.BULK;
            List<Path> segs = Fixtures.segments(dir, lane);
            Path victim = segs.get(rnd.nextInt(segs.size()));
            long size = Files.size(victim);
            if (size <= SegmentFile.HEADER) {
                history.add("corrupt (empty segment, skipped)");
                reopen();
                return;
            }
            List<long[]> spans = recordSpans(victim, lane);
            Set<Long> mayLose = new HashSet<>();
            int flips = 1 + rnd.nextInt(3);
            try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
                for (int i = 0; i < flips; i++) {
                    long at = SegmentFile.HEADER + (long) rnd.nextInt((int) (size - SegmentFile.HEADER));
                    f.seek(at);
                    int b = f.read();
                    f.seek(at);
                    f.write(b ^ (1 + rnd.nextInt(255)));
                    for (long[] s : spans) {
                        if (at >= s[0] && at < s[0] + s[1]) {
                            mayLose.add(s[2]);
                        }
                    }
                }
            }
            history.add("corrupt " + victim.getFileName() + " x" + flips + " hits " + mayLose);
            long before = countedLosses;
            reopen();
            Map<String, Long> drops = spool.stats().drops();
            countedLosses = drops.get("corrupt") + drops.get("torn-tail");
            // counters restart with the process: what this open found is all there is
            before = 0;
            long lost = verifyEverything(mayLose);
            assertThat(countedLosses - before)
                    .as("losses counted %s, lost %d", drops, lost)
                    .isGreaterThanOrEqualTo(lost);
        }

        /**
         * Drains the whole spool from the committed position and compares it with the model.
         * Records in {@code mayLose} may be missing; they leave the model. Returns how many did.
         */
        long verifyEverything(Set<Long> mayLose) throws Exception {
            spool.cursor().rewind();
            committed.forEach(readPos::put);
            Map<Lane, List<Long>> seen = new EnumMap<>(Lane.class);
            for (Lane l : Lane.values()) {
                seen.put(l, new ArrayList<>());
            }
            while (true) {
                // after an open everything recovered is readable at once: no need to wait
                List<SpooledRecord> got = spool.cursor().poll(1000, 0);
                if (got.isEmpty()) {
                    break;
                }
                for (SpooledRecord r : got) {
                    Lane lane = r.lane();
                    // skip over records the model allows to be lost
                    Long expected = pending.get(lane).higherKey(readPos.get(lane));
                    while (expected != null && expected < r.sequence() && mayLose.contains(expected)) {
                        readPos.put(lane, expected);
                        expected = pending.get(lane).higherKey(expected);
                    }
                    check(r);
                    seen.get(lane).add(r.sequence());
                }
            }
            long lost = 0;
            for (Lane l : Lane.values()) {
                List<Long> missing = new ArrayList<>(pending.get(l).keySet());
                missing.removeAll(seen.get(l));
                assertThat(mayLose)
                        .as("lost records of %s must be ones a flip hit", l)
                        .containsAll(missing);
                if (!missing.isEmpty()) {
                    history.add("lost " + l.id() + " " + missing);
                }
                for (Long m : missing) {
                    pending.get(l).remove(m);
                    acked.get(l).remove(m);
                }
                lost += missing.size();
            }
            spool.cursor().rewind();
            committed.forEach(readPos::put);
            return lost;
        }

        /** {position, length, sequence} of every valid record in a closed segment. */
        private static List<long[]> recordSpans(Path file, Lane lane) throws IOException {
            List<long[]> spans = new ArrayList<>();
            SegmentFile seg = SegmentFile.open(file, lane, false);
            try {
                new SegmentScanner(1 << 16)
                        .scan(
                                seg,
                                SegmentFile.HEADER,
                                seg.size,
                                seg.base - 1,
                                (buf, off, len, pos) -> {
                                    spans.add(new long[] {pos, len, RecordFormat.sequence(buf, off)});
                                    return true;
                                },
                                (a, b) -> {});
            } finally {
                seg.close();
            }
            return spans;
        }
    }

    /**
     * What a power cut leaves on disk, learnt from every fsync the spool reports: a file keeps the
     * bytes its last fsync covered, and exists only if a directory fsync saw its name. Files are
     * append-only, except replaced ones (commit and reservation logs), which report their new
     * content after the rename. Thread-safe (the spool fsyncs on its writer and sync threads).
     */
    static final class PowerCutDisk implements Fsync.Observer {
        private static final int PAGE = 4096;
        private final Map<Path, Long> synced = new java.util.HashMap<>();
        private final Set<Path> named = new HashSet<>();

        @Override
        public synchronized void fileSynced(Path file, long bytes) {
            synced.put(file.toAbsolutePath().normalize(), bytes);
        }

        @Override
        public synchronized void directorySynced(Path dir) {
            try (Stream<Path> s = Files.list(dir)) {
                s.forEach(p -> named.add(p.toAbsolutePath().normalize()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /**
         * Copies into {@code to} what the disk under {@code from} would hold after a power cut now;
         * returns the bytes kept. Sometimes a file also keeps some whole pages past its last fsync
         * (the OS wrote them back on its own), which may end in a torn record.
         */
        long materialize(Path from, Path to, Random rnd) throws IOException {
            Map<Path, Long> syncedNow;
            Set<Path> namedNow;
            synchronized (this) {
                syncedNow = new java.util.HashMap<>(synced);
                namedNow = new HashSet<>(named);
            }
            Files.createDirectories(to);
            Files.copy(from.resolve(SegmentedSpool.MARKER_FILE), to.resolve(SegmentedSpool.MARKER_FILE));
            long kept = 0;
            Map<Path, Long> copied = new java.util.HashMap<>();
            for (Lane lane : Lane.values()) {
                Path laneDir = to.resolve(lane.id());
                Files.createDirectories(laneDir);
                List<Path> files;
                try (Stream<Path> s = Files.list(from.resolve(lane.id()))) {
                    files = s.map(p -> p.toAbsolutePath().normalize()).sorted().toList();
                }
                for (Path f : files) {
                    if (!namedNow.contains(f)) {
                        continue;
                    }
                    byte[] all;
                    try {
                        all = Files.readAllBytes(f);
                    } catch (java.nio.file.NoSuchFileException deletedMeanwhile) {
                        continue;
                    }
                    long n = Math.min(all.length, syncedNow.getOrDefault(f, 0L));
                    if (all.length > n && rnd.nextInt(3) == 0) {
                        long writtenBack = (n + (long) rnd.nextInt((int) (all.length - n) + 1)) / PAGE * PAGE;
                        n = Math.max(n, writtenBack);
                    }
                    Path copy = laneDir.resolve(f.getFileName());
                    Files.write(copy, java.util.Arrays.copyOf(all, (int) n));
                    copied.put(copy.toAbsolutePath().normalize(), n);
                    kept += n;
                }
            }
            synchronized (this) {
                // the copy is what the disk holds: durable, as far as the next power cut goes
                synced.clear();
                named.clear();
                synced.putAll(copied);
                named.addAll(copied.keySet());
            }
            return kept;
        }
    }
}
