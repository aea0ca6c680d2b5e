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
 * the new records to the cursor and hand the futures to the completion thread, so neither the
 * appending threads nor this thread ever run callers' completion stages. Under
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

    private final SegmentedSpool spool;
    private final SpoolOptions options;
    private final BlockingQueue<PendingAppend> inbox;
    private final Executor completer;
    private final boolean group;
    private final long intervalNanos;

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
    private long nextExpiryNanos;

    SpoolWriter(SegmentedSpool spool, BlockingQueue<PendingAppend> inbox, Executor completer) {
        this.spool = spool;
        this.options = spool.options;
        this.inbox = inbox;
        this.completer = completer;
        this.group = options.fsync() instanceof FsyncPolicy.Group;
        this.intervalNanos = options.fsync() instanceof FsyncPolicy.Interval i ? TimeUnit.MILLISECONDS.toNanos(i.millis()) : 0;
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = ByteBuffer.allocateDirect(LANE_BUFFER);
        }
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
        if (!group && !unsynced.isEmpty() || !group && anyCommitUnsynced()) {
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
            boolean syncNow = group || System.nanoTime() - nextSyncNanos >= 0 || spool.closed;
            if (syncNow) {
                sync();
            }
            publish(syncNow);
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
                    LOG.warn("spool: {} records of lane {} older than {} dropped ({})", n, lane.lane.id(), options.maxAge(), oldest);
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

    /** fsyncs every file written since the last sync. Runs without the lock. */
    private void sync() throws IOException {
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
        for (LaneLog lane : spool.lanes) {
            lane.commitLog.force();
        }
        nextSyncNanos = System.nanoTime() + intervalNanos;
    }

    /**
     * Makes the written records visible to the cursor and, after a sync, lets durable commits
     * delete segments. {@code synced}: every write so far is durable.
     */
    private void publish(boolean synced) throws IOException {
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
            if (synced) {
                for (LaneLog lane : spool.lanes) {
                    lane.durableCommit = Math.max(lane.durableCommit, lane.commitLog.position());
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
        spool.appended.add(placed.size());
        completer.execute(() -> {
            for (PendingAppend p : placed) {
                p.future.complete(p.sequence);
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
                                : new SpoolException.Full(p.sequence == -2
                                        ? "spool full: no room within " + options.blockTimeout() + " (when-full: block)"
                                        : "spool full (" + options.maxBytes() + " bytes, when-full: " + options.whenFull() + ")"));
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
            sync();
            publish(true);
        } catch (IOException e) {
            LOG.error("spool: final sync at close failed", e);
        }
    }
}
