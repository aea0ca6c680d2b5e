package io.fogbridge.spool;

import io.fogbridge.api.Lane;
import io.fogbridge.api.SpoolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool's single writer thread: group commit.
 *
 * <p>Each turn drains every pending append from the inbox, assigns sequences, copies the records
 * into one buffer per lane, writes each buffer with one {@code write}, and then, under
 * {@code group}, fsyncs every touched file once for the whole batch. Only then does it publish
 * the new records to the cursor and complete the futures: large batches on the completion thread
 * ({@code fogbridge-spool-ack}), so that the next batch's fsync overlaps with them; a batch of a
 * few futures right here, when the completion thread is idle, because a thread hand-off would
 * cost more than the completions (per the {@code Spool} contract, completion stages must be
 * short). Appending threads never run completions. Under
 * {@code interval:<ms>} the futures complete right after the writes, and a timer turn fsyncs.
 *
 * <p>It also applies commits (append to the lane's commit log, fsync with the batch, then delete
 * covered segments), the full policies and {@code maxAge} expiry.
 *
 * <p><b>Threads.</b> Runs on its own thread; every other class only talks to it via the inbox.
 * Holds the spool's state lock while it changes metadata and writes to the page cache, never
 * while it fsyncs.
 */
final class SpoolWriter implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolWriter.class);
    private static final int MAX_BATCH = 8192;
    private static final int LANE_BUFFER = 1 << 20;
    private static final long EXPIRY_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Batches up to this size complete on the writer thread when the ack thread is idle. */
    private static final int INLINE_COMPLETIONS = 16;

    private final SegmentedSpool spool;
    private final SpoolOptions options;
    private final BlockingQueue<PendingAppend> inbox;
    private final Executor completer;
    private final boolean group;
    private final long intervalNanos;

    private final java.util.concurrent.atomic.AtomicInteger completerBacklog =
            new java.util.concurrent.atomic.AtomicInteger();
    private final ArrayList<PendingAppend> batch = new ArrayList<>();
    private final ArrayDeque<PendingAppend> waiting = new ArrayDeque<>();
    private final ByteBuffer[] buffers = new ByteBuffer[Lane.values().length];
    /** Segments written since their last fsync. */
    private final Set<SegmentFile> unsynced = new LinkedHashSet<>();
    /** Segments written since the last publish; rolled ones get sealed at publish. */
    private final Set<SegmentFile> unpublished = new LinkedHashSet<>();

    private final List<SegmentFile> rolled = new ArrayList<>();
    private boolean dirUnsynced;
    private long nextSyncNanos;
    /** interval:<ms> only: fsyncs off the writer thread. */
    private final java.util.concurrent.ExecutorService syncer;

    private boolean backgroundSyncRunning;
    private volatile boolean backgroundSyncDone;
    private volatile long[] syncedCommit;
    private volatile Exception backgroundSyncFailure;
    private long nextExpiryNanos;

    SpoolWriter(SegmentedSpool spool, BlockingQueue<PendingAppend> inbox, Executor completer) {
        this.spool = spool;
        this.options = spool.options;
        this.inbox = inbox;
        this.completer = completer;
        this.group = options.fsync() instanceof FsyncPolicy.Group;
        this.intervalNanos =
                options.fsync() instanceof FsyncPolicy.Interval i ? TimeUnit.MILLISECONDS.toNanos(i.millis()) : 0;
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = ByteBuffer.allocateDirect(LANE_BUFFER);
        }
        this.syncer = group
                ? null
                : java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "fogbridge-spool-sync");
                    t.setDaemon(true);
                    return t;
                });
        long now = System.nanoTime();
        nextSyncNanos = now + intervalNanos;
        nextExpiryNanos = now;
    }

    @Override
    public void run() {
        boolean running = true;
        while (running) {
            try {
                PendingAppend first = inbox.poll(waitNanos(), TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    inbox.drainTo(batch, MAX_BATCH - 1);
                }
                running = !spool.closed || !inbox.isEmpty();
                turn();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } catch (RuntimeException | Error e) {
                // the writer must not die silently: fail what it holds and carry on
                LOG.error("spool writer: unexpected failure", e);
                failAll(batch, new SpoolException.Io("spool writer failed: " + e, e));
                batch.clear();
            }
        }
        shutdown();
    }

    private long waitNanos() {
        long now = System.nanoTime();
        long wait = TimeUnit.MILLISECONDS.toNanos(200);
        if (!group && !backgroundSyncRunning && (!unsynced.isEmpty() || dirUnsynced || anyCommitUnsynced())) {
            wait = Math.min(wait, nextSyncNanos - now);
        }
        if (!waiting.isEmpty()) {
            wait = Math.min(wait, waiting.peekFirst().deadlineNanos - now);
        }
        if (!options.maxAge().isZero()) {
            wait = Math.min(wait, nextExpiryNanos - now);
        }
        return Math.max(0, wait);
    }

    private boolean anyCommitUnsynced() {
        for (LaneLog l : spool.lanes) {
            if (l.commitLog.dirty() || l.requestedCommit > l.commitLog.position()) {
                return true;
            }
        }
        return false;
    }

    /** One turn: place the batch, write, sync per policy, publish, complete. */
    private void turn() {
        List<PendingAppend> placed = new ArrayList<>(batch.size());
        List<PendingAppend> refused = new ArrayList<>();
        IOException failure = null;
        spool.lock.lock();
        try {
            admitWaiting(placed, refused);
            for (PendingAppend p : batch) {
                if (p == PendingAppend.WAKE) {
                    continue;
                }
                if (!waiting.isEmpty()) {
                    waiting.addLast(p); // keep order behind appends that wait for room
                } else {
                    place(p, placed, refused);
                }
            }
            applyCommits();
            expireIfDue();
            flushBuffers();
        } catch (IOException e) {
            failure = e;
        } finally {
            spool.lock.unlock();
        }
        if (failure != null) {
            onWriteFailure(placed, failure);
            completeExceptionally(refused);
            batch.clear();
            return;
        }
        batch.clear();
        try {
            if (group) {
                publish(sync());
            } else {
                long[] durable = collectBackgroundSync();
                if (System.nanoTime() - nextSyncNanos >= 0 && !backgroundSyncRunning) {
                    startBackgroundSync();
                }
                publish(durable);
            }
        } catch (IOException e) {
            onWriteFailure(placed, e);
            completeExceptionally(refused);
            return;
        }
        complete(placed);
        completeExceptionally(refused);
    }

    private void admitWaiting(List<PendingAppend> placed, List<PendingAppend> refused) throws IOException {
        long now = System.nanoTime();
        while (!waiting.isEmpty()) {
            PendingAppend p = waiting.peekFirst();
            if (fits(p.record.length) || (reclaimCommittedActives() && fits(p.record.length))) {
                waiting.pollFirst();
                place(p, placed, refused);
            } else if (now - p.deadlineNanos >= 0) {
                waiting.pollFirst();
                spool.drops.add(DropCounters.BLOCK_TIMEOUT, 1);
                p.sequence = -2;
                refused.add(p);
            } else {
                break;
            }
        }
    }

    private boolean fits(int length) {
        return spool.bytes + length + SegmentFile.HEADER <= options.maxBytes();
    }

    /** Assigns a sequence and buffers the record, or applies the full policy. Lock held. */
    private void place(PendingAppend p, List<PendingAppend> placed, List<PendingAppend> refused) throws IOException {
        int len = p.record.length;
        if (!fits(len)) {
            switch (options.whenFull()) {
                case BLOCK -> {
                    if (!reclaimCommittedActives() || !fits(len)) {
                        waiting.addLast(p);
                        return;
                    }
                }
                case DROP_NEWEST -> {
                    spool.drops.add(DropCounters.DROP_NEWEST, 1);
                    refused.add(p);
                    return;
                }
                case DROP_OLDEST -> {
                    while (!fits(len) && dropOldestSegment()) {}
                    if (!fits(len)) {
                        spool.drops.add(DropCounters.DROP_NEWEST, 1);
                        refused.add(p);
                        return;
                    }
                }
            }
        }
        LaneLog lane = spool.lanes[p.lane.ordinal()];
        ByteBuffer buf = buffers[p.lane.ordinal()];
        SegmentFile active = lane.active();
        if (active.count > 0 && active.size + buf.position() + len > options.segmentBytes()) {
            active = roll(lane);
        }
        long seq = lane.nextSeq++;
        RecordFormat.seal(p.record, seq);
        p.sequence = seq;
        active.noteRecord(seq, active.size + buf.position(), p.arrival);
        if (buf.remaining() < len) {
            flush(lane);
        }
        if (len > buf.capacity()) {
            active.write(ByteBuffer.wrap(p.record));
        } else {
            buf.put(p.record);
        }
        unsynced.add(active);
        unpublished.add(active);
        spool.bytes += len;
        placed.add(p);
    }

    private SegmentFile roll(LaneLog lane) throws IOException {
        flush(lane);
        SegmentFile old = lane.active();
        SegmentFile next = SegmentFile.create(lane.dir, lane.lane, lane.nextSeq);
        lane.segments.add(next);
        spool.bytes += SegmentFile.HEADER;
        rolled.add(old);
        unpublished.add(old);
        unsynced.add(next);
        dirUnsynced = true;
        return next;
    }

    /** drop-oldest: removes the oldest segment holding data, BULK before PRIORITY. */
    private boolean dropOldestSegment() throws IOException {
        for (Lane l : new Lane[] {Lane.BULK, Lane.PRIORITY}) {
            LaneLog lane = spool.lanes[l.ordinal()];
            SegmentFile oldest = lane.segments.get(0);
            if (oldest.count == 0 && lane.segments.size() == 1) {
                continue;
            }
            if (oldest == lane.active()) {
                roll(lane);
            }
            long n = oldest.countAbove(lane.settledThrough());
            spool.drops.add(DropCounters.DROP_OLDEST, n);
            if (n > 0) {
                LOG.warn("spool full: dropped {} oldest records of lane {} ({})", n, l.id(), oldest);
            }
            removeOldest(lane);
            return true;
        }
        return false;
    }

    private void removeOldest(LaneLog lane) throws IOException {
        SegmentFile s = lane.segments.remove(0);
        lane.droppedThrough = Math.max(lane.droppedThrough, lane.segments.get(0).base - 1);
        spool.bytes -= s.size;
        unsynced.remove(s);
        unpublished.remove(s);
        rolled.remove(s);
        s.delete();
    }

    /**
     * Block policy: an active segment whose records are all durably committed can only be freed
     * by rolling it; without this two half-full active segments could hold the spool full forever.
     */
    private boolean reclaimCommittedActives() throws IOException {
        boolean freed = false;
        for (LaneLog lane : spool.lanes) {
            SegmentFile a = lane.active();
            if (a.count > 0 && a.lastSeq <= lane.durableCommit && buffers[lane.lane.ordinal()].position() == 0) {
                roll(lane);
                long before = spool.bytes;
                spool.bytes -= lane.deleteCommitted();
                freed |= spool.bytes < before;
            }
        }
        return freed;
    }

    private void applyCommits() throws IOException {
        for (LaneLog lane : spool.lanes) {
            if (lane.requestedCommit > lane.commitLog.position()) {
                lane.commitLog.append(lane.requestedCommit);
            }
        }
    }

    private void expireIfDue() throws IOException {
        if (options.maxAge().isZero() || System.nanoTime() - nextExpiryNanos < 0) {
            return;
        }
        nextExpiryNanos = System.nanoTime() + EXPIRY_EVERY_NANOS;
        long cutoff = options.clock().millis() - options.maxAge().toMillis();
        for (LaneLog lane : spool.lanes) {
            while (true) {
                SegmentFile oldest = lane.segments.get(0);
                if (oldest.count == 0 || oldest.lastArrival >= cutoff) {
                    break;
                }
                if (oldest == lane.active()) {
                    roll(lane);
                }
                long n = oldest.countAbove(lane.settledThrough());
                spool.drops.add(DropCounters.MAX_AGE, n);
                if (n > 0) {
                    LOG.warn(
                            "spool: {} records of lane {} older than {} dropped ({})",
                            n,
                            lane.lane.id(),
                            options.maxAge(),
                            oldest);
                }
                removeOldest(lane);
            }
        }
    }

    private void flushBuffers() throws IOException {
        for (LaneLog lane : spool.lanes) {
            flush(lane);
        }
    }

    private void flush(LaneLog lane) throws IOException {
        ByteBuffer buf = buffers[lane.lane.ordinal()];
        if (buf.position() > 0) {
            buf.flip();
            lane.active().write(buf);
            buf.clear();
        }
    }

    /**
     * fsyncs every file written since the last sync, on this thread, without the lock.
     *
     * @return the commit positions now durable, by lane ordinal
     */
    private long[] sync() throws IOException {
        if (!unsynced.isEmpty()) {
            spool.syncs.increment();
        }
        for (SegmentFile s : unsynced) {
            if (!s.deleted) {
                s.force();
            }
        }
        unsynced.clear();
        if (dirUnsynced) {
            dirUnsynced = false;
            for (LaneLog lane : spool.lanes) {
                CommitLog.syncDirectory(lane.dir);
            }
        }
        long[] durable = new long[spool.lanes.length];
        for (LaneLog lane : spool.lanes) {
            lane.commitLog.force();
            durable[lane.lane.ordinal()] = lane.commitLog.position();
        }
        nextSyncNanos = System.nanoTime() + intervalNanos;
        return durable;
    }

    /**
     * interval:<ms>: hands the files written since the last tick to the sync thread, so that
     * appends keep flowing while the disk flushes. The writer learns the outcome in
     * {@link #collectBackgroundSync} and only then lets the synced commits delete segments.
     */
    private void startBackgroundSync() {
        nextSyncNanos = System.nanoTime() + intervalNanos;
        List<SegmentFile> segs = new ArrayList<>(unsynced);
        unsynced.clear();
        boolean dirs = dirUnsynced;
        dirUnsynced = false;
        java.nio.channels.FileChannel[] commitChannels = new java.nio.channels.FileChannel[spool.lanes.length];
        long[] positions = new long[spool.lanes.length];
        boolean commitsDirty = false;
        for (LaneLog lane : spool.lanes) {
            commitsDirty |= lane.commitLog.dirty();
            commitChannels[lane.lane.ordinal()] = lane.commitLog.channel();
            positions[lane.lane.ordinal()] = lane.commitLog.position();
            lane.commitLog.markSynced();
        }
        if (segs.isEmpty() && !dirs && !commitsDirty) {
            return;
        }
        backgroundSyncRunning = true;
        syncer.execute(() -> {
            try {
                if (!segs.isEmpty()) {
                    spool.syncs.increment();
                }
                for (SegmentFile s : segs) {
                    forceUnlessClosed(s.channel());
                }
                if (dirs) {
                    for (LaneLog lane : spool.lanes) {
                        CommitLog.syncDirectory(lane.dir);
                    }
                }
                for (java.nio.channels.FileChannel c : commitChannels) {
                    forceUnlessClosed(c); // closed: a compaction replaced it, and fsynced its successor
                }
                syncedCommit = positions;
            } catch (IOException | RuntimeException e) {
                backgroundSyncFailure = e;
            }
            backgroundSyncDone = true;
            inbox.offer(PendingAppend.WAKE);
        });
    }

    private static void forceUnlessClosed(java.nio.channels.FileChannel c) throws IOException {
        try {
            c.force(false);
        } catch (java.nio.channels.ClosedChannelException deletedOrReplaced) {
            // a deleted segment needs no sync; a replaced commit log was synced by its compaction
        }
    }

    /** The commit positions a finished background sync made durable, or null. */
    private long[] collectBackgroundSync() {
        if (!backgroundSyncDone) {
            return null;
        }
        backgroundSyncDone = false;
        backgroundSyncRunning = false;
        Exception failure = backgroundSyncFailure;
        if (failure != null) {
            backgroundSyncFailure = null;
            // acknowledged records survive a process crash (the OS has them) but maybe not a power
            // cut; nothing can be un-acknowledged, so say it loudly and keep syncing
            LOG.error(
                    "spool: background fsync failed; records of the last {} may not survive a power cut",
                    options.fsync(),
                    failure);
            return null;
        }
        return syncedCommit;
    }

    /**
     * Makes the written records visible to the cursor and lets durable commits delete segments.
     *
     * @param durable commit positions known to be on disk, by lane ordinal, or null
     */
    private void publish(long[] durable) throws IOException {
        spool.lock.lock();
        try {
            for (SegmentFile s : unpublished) {
                s.visibleSize = s.size;
            }
            for (SegmentFile s : rolled) {
                s.sealed = true;
            }
            unpublished.clear();
            rolled.clear();
            if (durable != null) {
                for (LaneLog lane : spool.lanes) {
                    lane.durableCommit = Math.max(lane.durableCommit, durable[lane.lane.ordinal()]);
                    spool.bytes -= lane.deleteCommitted();
                }
            }
            spool.dataArrived.signalAll();
        } finally {
            spool.lock.unlock();
        }
    }

    private void complete(List<PendingAppend> placed) {
        if (placed.isEmpty()) {
            return;
        }
        spool.batches.increment();
        spool.appended.add(placed.size());
        if (placed.size() <= INLINE_COMPLETIONS && completerBacklog.get() == 0) {
            // A few waiting callers (each waits for its own append, like an MQTT connection): a
            // hand-off to the ack thread would cost more than completing them here, and with no
            // earlier batch still being completed the order of completions stays the same.
            for (PendingAppend p : placed) {
                p.future.complete(p.sequence);
            }
            return;
        }
        completerBacklog.incrementAndGet();
        completer.execute(() -> {
            try {
                for (PendingAppend p : placed) {
                    p.future.complete(p.sequence);
                }
            } finally {
                completerBacklog.decrementAndGet();
            }
        });
    }

    private void completeExceptionally(List<PendingAppend> refused) {
        if (refused.isEmpty()) {
            return;
        }
        completer.execute(() -> {
            for (PendingAppend p : refused) {
                p.future.completeExceptionally(
                        spool.closed && p.sequence == -3
                                ? new SpoolException.Closed()
                                : new SpoolException.Full(
                                        p.sequence == -2
                                                ? "spool full: no room within " + options.blockTimeout()
                                                        + " (when-full: block)"
                                                : "spool full (" + options.maxBytes() + " bytes, when-full: "
                                                        + options.whenFull() + ")"));
            }
        });
    }

    /**
     * A write or fsync failed: the batch is not acknowledged. Every lane moves to a fresh segment
     * so that no new record lands behind bytes of unknown state; the cursor never sees them
     * because they were not published.
     */
    private void onWriteFailure(List<PendingAppend> placed, IOException e) {
        LOG.error("spool: write or fsync failed; {} appends fail", placed.size(), e);
        failAll(placed, new SpoolException.Io("spool write failed: " + e.getMessage(), e));
        spool.lock.lock();
        try {
            for (ByteBuffer b : buffers) {
                b.clear();
            }
            for (LaneLog lane : spool.lanes) {
                try {
                    SegmentFile old = lane.active();
                    SegmentFile next = SegmentFile.create(lane.dir, lane.lane, lane.nextSeq);
                    lane.segments.add(next);
                    old.size = old.visibleSize;
                    old.sealed = true;
                    spool.bytes += SegmentFile.HEADER;
                } catch (IOException again) {
                    LOG.error("spool: cannot roll lane {} after a write failure", lane.lane.id(), again);
                }
            }
            unsynced.clear();
            unpublished.clear();
            rolled.clear();
        } finally {
            spool.lock.unlock();
        }
    }

    private void failAll(List<PendingAppend> list, RuntimeException e) {
        List<PendingAppend> copy = List.copyOf(list);
        completer.execute(() -> {
            for (PendingAppend p : copy) {
                if (p != PendingAppend.WAKE) {
                    p.future.completeExceptionally(e);
                }
            }
        });
    }

    /** Close: waiting appends fail, everything written is fsynced and published. */
    private void shutdown() {
        List<PendingAppend> rest = new ArrayList<>(waiting);
        waiting.clear();
        inbox.drainTo(rest);
        rest.removeIf(p -> p == PendingAppend.WAKE);
        for (PendingAppend p : rest) {
            p.sequence = -3;
        }
        completeExceptionally(rest);
        try {
            spool.lock.lock();
            try {
                applyCommits();
            } finally {
                spool.lock.unlock();
            }
            if (syncer != null) {
                syncer.shutdown();
                syncer.awaitTermination(1, TimeUnit.MINUTES);
                collectBackgroundSync();
            }
            publish(sync());
        } catch (IOException e) {
            LOG.error("spool: final sync at close failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
