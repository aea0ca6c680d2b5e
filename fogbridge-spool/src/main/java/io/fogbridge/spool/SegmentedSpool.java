package io.fogbridge.spool;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Spool;
import io.fogbridge.api.SpoolCursor;
import io.fogbridge.api.SpoolException;
import io.fogbridge.api.SpoolStats;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable spool: one segmented, CRC-checked log per {@link Lane} on local disk, a single
 * writer thread doing group commit ({@link SpoolWriter}, which keeps the spool within its bounds
 * through {@link SpoolBounds}), and one forwarder cursor ({@link ForwarderCursor}). See
 * {@link SegmentFile} for the bytes on disk, {@link CommitLog} for the committed position,
 * {@link FsyncPolicy} for what an acknowledged append survives.
 *
 * <p><b>Guarantees.</b> A completed {@link #append} future means the record is on disk as the
 * fsync policy promises; it is then delivered by the cursor (maybe more than once after a crash)
 * until committed, unless dropped by {@code drop-oldest}, {@code maxAge} or disk damage, all
 * counted in {@link #stats()} by reason. Sequences within a lane are strictly increasing and never
 * reused, also across restarts and power cuts ({@link SequenceReservation}); after a crash they
 * may skip a range. (The sequence of an append that failed was never handed out, neither to its
 * caller nor to the cursor: the next record gets it.) A failing disk fails appends with a retriable
 * {@code SpoolException.Io} and keeps nothing of them; see {@link #writeFailure()}. A segment is deleted only when a durable commit covers it, so a
 * crash at any point leaves a spool that opens; recovery truncates torn tails and skips (and
 * counts) damaged records instead of failing.
 *
 * <p><b>Memory.</b> What appends hold until their futures complete is bounded in count and bytes
 * ({@link AppendBudget}); beyond it an append fails at once with {@code Full}. A QoS 0 append never waits for room
 * and never makes room by dropping older records: at a full spool it is dropped and counted (reason {@code full}),
 * whatever {@code whenFull} says, which applies to QoS 1.
 *
 * <p><b>Threads.</b> Thread-safe. {@code append} only encodes the record and enqueues it: no I/O
 * and no waiting on the calling thread. Acknowledged futures complete on {@code fogbridge-spool-writer},
 * a whole group commit in one turn, in append order; refused and failed ones on {@code fogbridge-spool-ack};
 * completion stages must be short. A {@code fogbridge-spool-sync} thread fsyncs in the
 * background ({@link BackgroundSyncer}): segments and commit logs under {@code interval:<ms>},
 * commit logs only under {@code group}. The cursor belongs to one thread.
 *
 * <p><b>Lifecycle.</b> {@link #open} recovers and locks the directory (one process at a time);
 * {@link #close} fails appends still waiting for room, syncs everything written, completes their
 * futures and releases the directory.
 *
 * <p><b>Read-only.</b> A spool directory this process cannot write to (the kernel remounted the
 * filesystem read-only after I/O errors, or permissions) opens read-only instead of failing, so the
 * backlog already on disk is still forwarded: the cursor reads it as usual, every append fails with
 * {@link SpoolException.Io} "{@value #READ_ONLY}", commits are kept in memory only (a restart
 * forwards those records again), and nothing on disk is changed. There is no writer thread.
 */
public final class SegmentedSpool implements Spool {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentedSpool.class);
    static final String MARKER_FILE = "fogbridge-spool";
    static final String READ_ONLY = "spool: data dir is read-only";
    /** How long {@link #glance()} waits for the writer before it answers with what it saw last. */
    static final long GLANCE_WAIT_MILLIS = 100;

    final SpoolOptions options;
    /** Every segment write, fsync, truncate and delete goes through it; {@link SpoolDisk#PLAIN} outside tests. */
    final SpoolDisk disk;

    final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the writer publishes records. */
    final Condition dataArrived = lock.newCondition();

    final LaneLog[] lanes;
    final DropCounters drops;
    /** Bounds what appends hold in memory until the writer decided their fate. */
    final AppendBudget budget = AppendBudget.forHeap(Runtime.getRuntime().maxMemory());

    final LongAdder appended = new LongAdder();
    final LongAdder committedRecords = new LongAdder();
    final LongAdder syncs = new LongAdder();
    final LongAdder batches = new LongAdder();
    /** Failing writes as episodes: logged once, counted, shown by {@link #writeFailure()}. */
    final WriteOutage outage;
    /** How long the disk work running now has taken: {@link #diskWait()}. */
    final DiskWait diskWait;
    /**
     * Segment bytes on disk, all lanes, including written-but-unsynced ones. Guarded by {@link #lock};
     * only the writer thread changes it.
     */
    long bytes;

    volatile boolean closed;

    private final boolean readOnly;

    private final LinkedBlockingQueue<PendingAppend> inbox = new LinkedBlockingQueue<>();
    private final ExecutorService completer;
    private final Thread writer;
    private final ForwarderCursor cursor;
    private final DirectoryLock directoryLock;
    /** Null when read-only. */
    private final ParkedRecords parked;
    /** What {@link #stats()} or {@link #glance()} found last. */
    private volatile SpoolStats lastStats;

    private SegmentedSpool(
            SpoolOptions options,
            SpoolDisk disk,
            LaneLog[] lanes,
            DropCounters drops,
            DirectoryLock directoryLock,
            ParkedRecords parked,
            boolean readOnly) {
        this.options = options;
        this.parked = parked;
        this.disk = disk;
        this.outage = new WriteOutage(options.clock());
        this.diskWait = new DiskWait(options.ticker());
        this.readOnly = readOnly;
        this.lanes = lanes;
        this.drops = drops;
        this.directoryLock = directoryLock;
        for (LaneLog l : lanes) {
            bytes += l.bytes();
        }
        this.cursor = new ForwarderCursor(this);
        this.lastStats = stats();
        this.completer = Executors.newSingleThreadExecutor(r -> daemon(r, "fogbridge-spool-ack"));
        if (readOnly) {
            this.writer = null;
            return;
        }
        this.writer = daemon(new SpoolWriter(this, inbox, completer), "fogbridge-spool-writer");
        writer.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Opens the spool in {@code options.directory()}, creating it if needed, and recovers it.
     *
     * @throws IOException when the directory cannot be used (in use by another process, not
     *     writable, disk error). Damaged content never makes it fail.
     */
    public static SegmentedSpool open(SpoolOptions options) throws IOException {
        return open(options, SpoolDisk.PLAIN);
    }

    /** Opens the spool with its file I/O going through {@code disk} (tests inject faults here). */
    static SegmentedSpool open(SpoolOptions options, SpoolDisk disk) throws IOException {
        Path dir = options.directory();
        boolean readOnly = DirectoryLock.readOnly(dir);
        DirectoryLock directoryLock = readOnly ? DirectoryLock.acquireReadOnly(dir) : DirectoryLock.acquire(dir);
        try {
            DropCounters drops = new DropCounters();
            LaneLog[] lanes = new LaneLog[Lane.values().length];
            for (Lane l : Lane.values()) {
                lanes[l.ordinal()] = LaneLog.recover(dir, l, drops, disk, !readOnly);
            }
            if (readOnly) {
                SegmentedSpool spool = new SegmentedSpool(options, disk, lanes, drops, directoryLock, null, true);
                LOG.warn(
                        "spool directory {} is not writable: opened read-only; forwarding the {} records on disk,"
                                + " refusing new data, and keeping commits in memory only (a restart forwards them"
                                + " again)",
                        dir,
                        spool.stats().records());
                return spool;
            }
            ParkedRecords parked = ParkedRecords.open(dir, disk, parkedBytes(options));
            if (parked.tornBytes() > 0) {
                LOG.warn(
                        "spool: parking area had a torn tail of {} bytes (a crash while parking); cut",
                        parked.tornBytes());
            }
            if (parked.records() > 0) {
                LOG.warn(
                        "spool: {} records parked (refused by Kafka for good): {}; fix the cause, then run"
                                + " 'fogbridge spool replay-parked'",
                        parked.records(),
                        parked.byTopic());
            }
            disk.forceDirectory(dir);
            return new SegmentedSpool(options, disk, lanes, drops, directoryLock, parked, false);
        } catch (IOException | RuntimeException e) {
            directoryLock.close();
            throw e;
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the encoded record is larger than a segment can hold
     */
    @Override
    public CompletableFuture<Long> append(Envelope envelope) {
        if (closed) {
            return CompletableFuture.failedFuture(new SpoolException.Closed());
        }
        if (readOnly) {
            return CompletableFuture.failedFuture(new SpoolException.Io(READ_ONLY, null));
        }
        byte[] record = RecordFormat.encode(envelope, options.clock().millis());
        if (record.length > options.segmentBytes() - SegmentFile.HEADER) {
            throw new IllegalArgumentException("record of " + record.length + " bytes does not fit a segment of "
                    + options.segmentBytes() + " bytes (spool.segment-bytes)");
        }
        boolean atMostOnce = envelope.qos() == QoS.AT_MOST_ONCE;
        if (!budget.take(record.length, atMostOnce)) {
            // the writer is that far behind (or the spool full and QoS 1 appends waiting): queueing more only
            // fills the heap
            if (atMostOnce) {
                drops.add(DropCounters.OVERLOAD, 1);
            }
            return CompletableFuture.failedFuture(new SpoolException.Full(
                    "spool: " + budget.count() + " appends (" + budget.bytes() + " B) already waiting for the writer"));
        }
        CompletableFuture<Long> future = new CompletableFuture<>();
        PendingAppend p = new PendingAppend(
                record,
                envelope.lane(),
                RecordFormat.arrival(java.nio.ByteBuffer.wrap(record), 0),
                future,
                options.ticker().nanoTime() + options.blockTimeout().toNanos(),
                atMostOnce);
        inbox.add(p);
        if (closed && inbox.remove(p)) {
            budget.release(p);
            future.completeExceptionally(new SpoolException.Closed());
        }
        return future;
    }

    /** The parking area's bound: a quarter of {@code maxBytes}, beside it (it is not part of the lanes' bound). */
    static long parkedBytes(SpoolOptions options) {
        return Math.max(1 << 20, options.maxBytes() / 4);
    }

    /**
     * The parking area ({@code parked/}): records Kafka refused for good, waiting for {@code spool replay-parked};
     * null when the spool is read-only.
     */
    public ParkedRecords parked() {
        return parked;
    }

    @Override
    public SpoolCursor cursor() {
        return cursor;
    }

    void commit(Lane lane, long sequence) {
        lock.lock();
        try {
            LaneLog l = lanes[lane.ordinal()];
            long seq = Math.min(sequence, l.nextSeq - 1);
            if (seq <= l.requestedCommit) {
                return;
            }
            long before = l.uncommitted();
            l.requestedCommit = seq;
            committedRecords.add(Math.max(0, before - l.uncommitted()));
        } finally {
            lock.unlock();
        }
        if (!readOnly) { // no writer: the commit stays in memory
            inbox.offer(PendingAppend.WAKE);
        }
    }

    /** Exact: waits for the writer to let go of the spool (for as long as a disk write it is in takes). */
    @Override
    public SpoolStats stats() {
        lock.lock();
        return statsAndUnlock(true);
    }

    /**
     * {@link #stats()} for probes, scrapes and status lines, which must answer while the disk hangs. On a working disk
     * it waits at most {@link #GLANCE_WAIT_MILLIS} ms for the writer; once the writer's turn has taken longer than that
     * it does not wait at all, and once any disk work has, it reads nothing from the disk (the oldest record's arrival
     * then comes from the segment index, up to one index stride early): a disk that hangs writes often hangs reads
     * too, and the ops endpoint has one thread. When the writer holds the spool, the counts of records and bytes are what the last
     * look found ({@link #diskWait()} says how long the disk has been stuck); the counters are current. Any thread.
     */
    public SpoolStats glance() {
        long slow = TimeUnit.MILLISECONDS.toNanos(GLANCE_WAIT_MILLIS);
        // waiting helps only when the writer, who holds the lock, is not the one stuck
        boolean writerStuck = diskWait.writerNanos() >= slow;
        boolean diskSlow = writerStuck || diskWait.nanos() >= slow;
        try {
            if (writerStuck ? lock.tryLock() : lock.tryLock(GLANCE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                return statsAndUnlock(!diskSlow);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SpoolStats last = lastStats;
        return new SpoolStats(
                last.records(),
                last.bytes(),
                last.oldestArrival(),
                appended.sum(),
                committedRecords.sum(),
                drops.snapshot());
    }

    /**
     * How long the disk work running now (the writer's writes and group fsync, or the background fsync) has taken so
     * far; zero when none runs. Over a second means a slow or stalled disk: appends wait for it, and so does
     * everything that needs the spool's lock. Cheap; any thread.
     */
    public Duration diskWait() {
        return Duration.ofNanos(diskWait.nanos());
    }

    /**
     * Lock held on entry; released before a probe may touch the disk.
     *
     * @param readDisk find the oldest arrival on disk; else take the segment index's (a close lower bound)
     */
    private SpoolStats statsAndUnlock(boolean readDisk) {
        long records = 0;
        long oldest = -1;
        long bytesNow;
        List<ArrivalProbe> probes = new ArrayList<>();
        try {
            bytesNow = bytes;
            for (LaneLog l : lanes) {
                records += l.uncommitted();
                long floor = l.settledThrough();
                for (SegmentFile s : l.segments) {
                    if (s.countAbove(floor) > 0) {
                        if (s.firstSeq > floor) {
                            oldest = oldest < 0 ? s.firstArrival : Math.min(oldest, s.firstArrival);
                        } else {
                            probes.add(ArrivalProbe.of(s, floor + 1, s.visibleSize));
                        }
                        break;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        for (ArrivalProbe probe : probes) {
            long a = readDisk ? probe.read() : probe.indexArrival();
            oldest = oldest < 0 ? a : Math.min(oldest, a);
        }
        SpoolStats stats =
                new SpoolStats(records, bytesNow, oldest, appended.sum(), committedRecords.sum(), drops.snapshot());
        lastStats = stats;
        return stats;
    }

    /**
     * Why appends fail now, when writing to the disk fails (for example "disk full since 12:01:02Z,
     * 1,234 appends refused"); empty while writes work. Appends are retried by their senders and the
     * spool takes them again by itself as soon as a write works (space freed by commits, or by an
     * operator). Cheap; any thread.
     */
    public Optional<String> writeFailure() {
        String d = outage.describe();
        return d == null
                ? Optional.empty()
                : Optional.of(d + ", " + String.format("%,d", outage.refused()) + " appends refused");
    }

    /** Registers the spool's gauges and counters ({@code fogbridge.spool.*}); a null registry does nothing. */
    public SegmentedSpool bindMetrics(MeterRegistry registry) {
        if (registry != null) {
            SpoolMetrics.bind(this, registry);
        }
        return this;
    }

    /**
     * Segment fsync rounds since open (one per group-commit batch under {@code group}, one per
     * tick with writes under {@code interval:<ms>}): appends divided by this is the batch size.
     */
    public long syncCount() {
        return syncs.sum();
    }

    /** Writer turns that appended records since open: appends divided by this is the write batch size. */
    public long batchCount() {
        return batches.sum();
    }

    /** Whether the spool was opened read-only (see {@link #open}): it forwards what it has and takes nothing new. */
    public boolean readOnly() {
        return readOnly;
    }

    public SpoolOptions options() {
        return options;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        inbox.offer(PendingAppend.WAKE);
        lock.lock();
        try {
            dataArrived.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            if (writer != null) {
                writer.join();
            }
            completer.shutdown();
            completer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            for (LaneLog l : lanes) {
                l.close();
            }
        } finally {
            lock.unlock();
        }
        if (parked != null) {
            parked.close();
        }
        directoryLock.close();
    }
}
