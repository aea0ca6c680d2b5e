package io.fogbridge.spool;

import io.fogbridge.api.SpoolException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool's single writer thread: group commit.
 *
 * <p>Each turn drains every pending append from the inbox (under {@code group}, first holding them a moment for
 * company when the load is moderate: {@link GroupCommitWindow}), admits each within the spool's bounds
 * ({@link SpoolBounds}), has the {@link SegmentAppender} assign sequences and write the records
 * with one {@code write} per lane, and then, under {@code group}, fsyncs every touched file once
 * for the whole batch. Only then does it publish the new records to the cursor and complete the
 * futures ({@link AppendAcks}) on this thread, the whole batch in its own turn; appending threads never run
 * completions. Under
 * {@code interval:<ms>} the futures complete right after the writes, and the
 * {@link BackgroundSyncer} fsyncs in the background. Before it publishes a sequence beyond the
 * lane's durable {@link SequenceReservation}, the writer extends and fsyncs the reservation (once
 * per {@link SequenceReservation#BLOCK} sequences).
 *
 * <p>It also applies commits: it appends them to the lane's commit log (page cache only) and lets
 * the {@link BackgroundSyncer} fsync that log off this thread, under {@code group} at most every
 * {@link #COMMIT_SYNC_MILLIS} ms; covered segments are deleted only once the commit is durable.
 * So a commit never adds an fsync in front of waiting appends.
 *
 * <p><b>Threads.</b> Runs on its own thread; every other class only talks to it via the inbox.
 * Holds the spool's state lock while it changes metadata and writes to the page cache, never
 * while it fsyncs.
 */
final class SpoolWriter implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolWriter.class);
    private static final int MAX_BATCH = 8192;
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /**
     * Under {@code group}: how often, at most, commits are fsynced in the background. Bounds how
     * much a crash re-delivers beyond what the forwarder committed, and how long committed
     * segments stay on disk.
     */
    static final long COMMIT_SYNC_MILLIS = 100;

    private final SegmentedSpool spool;
    private final BlockingQueue<PendingAppend> inbox;
    private final SegmentAppender appender;
    private final SpoolBounds bounds;
    private final AppendAcks acks;
    /** Under {@code group} the writer fsyncs each batch itself and this syncs only commit logs. */
    private final boolean group;

    private final BackgroundSyncer syncer;
    /** Under {@code group}: how long a batch waits for company before its fsync; off under {@code interval}. */
    private final GroupCommitWindow window;

    private final ArrayList<PendingAppend> batch = new ArrayList<>();
    /** The last commit-log append failed (logged once until one works). */
    private boolean commitFailing;
    /** This turn's records were published: a later failure in the turn cannot take them back. */
    private boolean revealed;

    SpoolWriter(SegmentedSpool spool, BlockingQueue<PendingAppend> inbox, Executor completer) {
        this.spool = spool;
        this.inbox = inbox;
        this.appender = new SegmentAppender(spool);
        this.bounds = new SpoolBounds(spool, appender);
        this.acks = new AppendAcks(spool, completer);
        Runnable wake = () -> inbox.offer(PendingAppend.WAKE);
        this.group = !(spool.options.fsync() instanceof FsyncPolicy.Interval);
        this.syncer = spool.options.fsync() instanceof FsyncPolicy.Interval interval
                ? new BackgroundSyncer(spool, interval.millis(), appender, wake)
                : new BackgroundSyncer(spool, COMMIT_SYNC_MILLIS, null, wake);
        this.window =
                new GroupCommitWindow(group ? spool.options.groupCommitDelay().toNanos() : 0);
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
                    gather();
                }
                running = !spool.closed || !inbox.isEmpty();
                turn();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } catch (RuntimeException | Error e) {
                // the writer must not die silently: fail what it holds and carry on
                LOG.error("spool writer: unexpected failure", e);
                acks.fail(batch, new SpoolException.Io("spool writer failed: " + e, e));
                batch.clear();
            }
        }
        shutdown();
    }

    /**
     * Under {@code group}: holds the batch for the {@link GroupCommitWindow}. A first short park of about two
     * expected arrival gaps tells an open load from a closed loop: when it brings no append, the appenders that will
     * come soon are all in (a few connections each waiting for its own acknowledgement), and more waiting only adds
     * latency. While parks bring company, the next one waits for the rest of the expected gathering time, not for
     * another two gaps: fewer wake-ups per group commit (BENCHMARKS.md, session 22). Only appends count as company;
     * a wake-up (a commit, a sync tick) arriving meanwhile ends the hold as an empty park does. The writer parks
     * instead of waiting on the inbox, so appends arriving meanwhile do not wake it one by one.
     */
    private void gather() {
        long now = spool.options.ticker().nanoTime();
        long hold = window.holdNanos(appends(batch));
        if (hold > 0) {
            long left = hold;
            int before = batch.size();
            long park = window.probeNanos();
            while (park > 0 && left > 0 && !spool.closed && batch.size() < MAX_BATCH) {
                long step = Math.min(park, left);
                LockSupport.parkNanos(step);
                left -= step;
                int drainedFrom = batch.size();
                inbox.drainTo(batch, MAX_BATCH - batch.size());
                park = window.nextParkNanos(appends(batch.subList(drainedFrom, batch.size())), appends(batch));
            }
            window.held(appends(batch.subList(before, batch.size())));
            now = spool.options.ticker().nanoTime();
        }
        window.arrived(appends(batch), now);
    }

    /** Real appends in {@code list}: wake-ups (commits, sync ticks) neither count for the rate nor wait. */
    private static int appends(List<PendingAppend> list) {
        int n = 0;
        for (PendingAppend p : list) {
            n += p == PendingAppend.WAKE ? 0 : 1;
        }
        return n;
    }

    /**
     * How long to wait for the next append: until the next sync tick, block timeout or expiry check, by the spool's
     * ticker. The wait itself is real time, at most {@link #IDLE_WAIT_NANOS}: a ticker moved by a test is seen within
     * that, or at once when an append or commit wakes the writer.
     */
    private long waitNanos() {
        long now = spool.options.ticker().nanoTime();
        long wait = IDLE_WAIT_NANOS;
        wait = syncer.waitNanos(now, wait);
        wait = bounds.waitNanos(now, wait);
        return Math.max(0, wait);
    }

    /**
     * One turn: place the batch, write, sync per policy, publish, complete. A failed write or fsync
     * fails the turn's appends and takes back what they wrote; commits still apply and committed
     * segments are still deleted, so a full disk gets space back while appends fail.
     */
    private void turn() {
        List<PendingAppend> placed = new ArrayList<>(batch.size());
        List<PendingAppend> refused = new ArrayList<>();
        revealed = false;
        spool.diskWait.writerBegins();
        try {
            turn(placed, refused);
        } catch (RuntimeException | Error e) {
            onUnexpectedFailure(placed, refused, e);
        } finally {
            spool.diskWait.writerEnds();
        }
    }

    /**
     * Something other than I/O failed in the turn (an OutOfMemoryError, a bug): every append the
     * turn holds is answered, none is left waiting forever. What the turn wrote is taken back unless
     * it was published already; appends waiting for room fail too, so that none is both failed and
     * appended later.
     */
    private void onUnexpectedFailure(List<PendingAppend> placed, List<PendingAppend> refused, Throwable e) {
        LOG.error("spool writer: unexpected failure; the turn's appends fail", e);
        if (spool.lock.isHeldByCurrentThread()) {
            spool.lock.unlock();
        }
        List<PendingAppend> failed = new ArrayList<>(placed);
        failed.addAll(batch);
        batch.clear();
        failed.addAll(bounds.takeWaiting());
        if (!revealed) {
            try {
                rollback();
            } catch (RuntimeException | Error again) {
                e.addSuppressed(again);
            }
        }
        acks.fail(failed, new SpoolException.Io("spool writer failed: " + e, e));
        acks.refuse(refused);
    }

    private void turn(List<PendingAppend> placed, List<PendingAppend> refused) {
        IOException failure = null;
        int next = 0; // batch entries before this one were placed, refused or are waiting for room
        spool.lock.lock();
        try {
            applyCommits();
            long now = spool.options.ticker().nanoTime();
            for (PendingAppend p; (p = bounds.nextWithRoom(now, refused)) != null; ) {
                append(p, placed);
            }
            for (; next < batch.size(); next++) {
                PendingAppend p = batch.get(next);
                if (p != PendingAppend.WAKE) {
                    place(p, placed, refused);
                }
            }
            bounds.expireIfDue();
            appender.flushAll();
        } catch (IOException e) {
            failure = e;
            // a roll can fail in the middle of the batch: the rest fails with the placed ones
            if (next < batch.size() && (placed.isEmpty() || placed.get(placed.size() - 1) != batch.get(next))) {
                placed.add(batch.get(next));
            }
            placed.addAll(batch.subList(Math.min(next + 1, batch.size()), batch.size()));
            // under the same lock hold: whenever the lock is free, spool.bytes and the files agree
            appender.rollback();
        } finally {
            spool.lock.unlock();
        }
        batch.clear();
        if (failure == null) {
            try {
                forceReservations();
                if (group) {
                    appender.forceUnsynced(spool.syncs);
                }
            } catch (IOException e) {
                failure = e;
                rollback();
            }
        }
        publish(syncer.tick(), failure == null);
        spool.diskWait.writerEnds(); // the disk work is done; completing the appends is not waiting on it
        if (failure != null) {
            onWriteFailure(placed, failure);
        } else {
            if (!placed.isEmpty()) {
                spool.outage.wrote();
            }
            acks.acknowledge(placed);
        }
        acks.refuse(refused);
    }

    private void rollback() {
        spool.lock.lock();
        try {
            appender.rollback();
        } finally {
            spool.lock.unlock();
        }
    }

    /** Appends the record now, holds it until there is room, or refuses it, per the bounds. Lock held. */
    private void place(PendingAppend p, List<PendingAppend> placed, List<PendingAppend> refused) throws IOException {
        switch (bounds.admit(p)) {
            case APPEND -> append(p, placed);
            case WAIT -> {}
            case REFUSE -> refused.add(p);
        }
    }

    private void append(PendingAppend p, List<PendingAppend> placed) throws IOException {
        placed.add(p); // first: if the write fails, the append fails with the others
        appender.append(p);
    }

    /**
     * Segments at or below this may be deleted: normally the durable commit. On a full disk the
     * commit log may not be able to grow, and nothing would ever free space again; then segments the
     * forwarder committed go anyway. That is safe for what was acknowledged: the forwarder commits only
     * what Kafka acknowledged, so a crash before the commit is recorded re-delivers less, not loses.
     */
    private long deletableThrough(LaneLog lane) {
        if (lane.commitLog.position() < lane.requestedCommit && spool.outage.failing(WriteOutage.DISK_FULL)) {
            return Math.max(lane.durableCommit, lane.requestedCommit);
        }
        return lane.durableCommit;
    }

    /**
     * Appends requested commits to the commit logs. A failure fails no append: the commit is tried
     * again next turn, and until then only the committed segments stay longer.
     */
    private void applyCommits() {
        for (LaneLog lane : spool.lanes) {
            if (lane.requestedCommit > lane.commitLog.position()) {
                try {
                    lane.commitLog.append(lane.requestedCommit);
                } catch (IOException e) {
                    LOG.warn(
                            "spool {}: cannot record commit {} ({}); trying again",
                            lane.lane.id(),
                            lane.requestedCommit,
                            e.toString());
                }
            }
        }
    }

    /** Every sequence about to be published lies below a durable reservation. Without the lock. */
    private void forceReservations() throws IOException {
        for (LaneLog lane : spool.lanes) {
            lane.reservation.force();
        }
    }

    /**
     * Close: fsyncs everything written (segments, directories, commit logs, reservations) on this
     * thread, after the background sync ended.
     *
     * @return the commit positions now durable, by lane ordinal
     */
    private long[] syncAll() throws IOException {
        forceReservations();
        appender.forceUnsynced(spool.syncs);
        long[] durable = new long[spool.lanes.length];
        for (LaneLog lane : spool.lanes) {
            lane.commitLog.force();
            durable[lane.lane.ordinal()] = lane.commitLog.durablePosition();
        }
        return durable;
    }

    /**
     * Makes the written records visible to the cursor and lets durable commits delete segments.
     *
     * @param durable commit positions known to be on disk, by lane ordinal, or null
     * @param reveal  false after a failed turn: only delete what durable commits cover
     */
    private void publish(long[] durable, boolean reveal) {
        spool.lock.lock();
        try {
            if (reveal) {
                appender.reveal();
                revealed = true;
            }
            for (LaneLog lane : spool.lanes) {
                long synced = durable != null ? durable[lane.lane.ordinal()] : -1;
                // a compaction makes the position durable on this thread, without a background sync
                lane.durableCommit = Math.max(lane.durableCommit, Math.max(synced, lane.commitLog.durablePosition()));
                spool.bytes -= lane.deleteCommitted(deletableThrough(lane));
            }
            spool.dataArrived.signalAll();
        } finally {
            spool.lock.unlock();
        }
    }

    /** A write or fsync failed: the batch is not acknowledged and what it wrote is taken back. */
    private void onWriteFailure(List<PendingAppend> placed, IOException e) {
        // logged once per episode with a count, never per append (a full disk refuses thousands a second)
        String text = spool.outage.failed(e, placed.size());
        acks.fail(placed, new SpoolException.Io("spool: " + text, e));
    }

    /** Close: waiting appends fail, everything written is fsynced and published. */
    private void shutdown() {
        List<PendingAppend> rest = bounds.takeWaiting();
        inbox.drainTo(rest);
        rest.removeIf(p -> p == PendingAppend.WAKE);
        for (PendingAppend p : rest) {
            p.sequence = PendingAppend.CLOSED;
        }
        acks.refuse(rest);
        spool.diskWait.writerBegins();
        try {
            spool.lock.lock();
            try {
                applyCommits();
            } finally {
                spool.lock.unlock();
            }
            syncer.close();
            publish(syncAll(), true);
        } catch (IOException e) {
            LOG.error("spool: final sync at close failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            spool.diskWait.writerEnds();
        }
    }
}
