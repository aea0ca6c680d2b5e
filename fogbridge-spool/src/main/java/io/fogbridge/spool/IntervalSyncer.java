package io.fogbridge.spool;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fsync timer of {@link FsyncPolicy.Interval}: every {@code <ms>} it hands the files written
 * since the last tick to its own thread ({@code fogbridge-spool-sync}), so that appends keep
 * flowing while the disk flushes. The writer learns the outcome at a later {@link #tick} and only
 * then lets the synced commit positions delete segments.
 *
 * <p>At most one background sync runs at a time; the next tick is due {@code <ms>} after the
 * previous one started. A failed background sync is logged and not retried for those files:
 * their appends were acknowledged already and a process crash does not lose them, only a power
 * cut might.
 *
 * <p><b>Threads.</b> {@link #tick}, {@link #waitNanos} and {@link #close} are for the spool's
 * writer thread only. The sync job runs on the sync thread and touches nothing but the files it
 * was handed (fsync is safe concurrently with writes; a channel closed meanwhile is skipped), the
 * spool's sync counter and the volatile hand-back fields; when it ends it wakes the writer
 * through {@code wakeWriter}.
 */
final class IntervalSyncer {
    private static final Logger LOG = LoggerFactory.getLogger(IntervalSyncer.class);

    private final SegmentedSpool spool;
    private final SegmentAppender appender;
    private final Runnable wakeWriter;
    private final long intervalNanos;
    private final ExecutorService thread;

    private long nextSyncNanos;
    private boolean running;
    private volatile boolean done;
    private volatile long[] syncedCommit;
    private volatile Exception failure;

    IntervalSyncer(SegmentedSpool spool, FsyncPolicy.Interval policy, SegmentAppender appender, Runnable wakeWriter) {
        this.spool = spool;
        this.appender = appender;
        this.wakeWriter = wakeWriter;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(policy.millis());
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fogbridge-spool-sync");
            t.setDaemon(true);
            return t;
        });
        this.nextSyncNanos = System.nanoTime() + intervalNanos;
    }

    /**
     * Collects a finished background sync and starts the next one if it is due.
     *
     * @return the commit positions the finished sync made durable, by lane ordinal, or null
     */
    long[] tick() {
        long[] durable = collect();
        if (System.nanoTime() - nextSyncNanos >= 0 && !running) {
            start();
        }
        return durable;
    }

    /** {@code wait} shortened to the next due tick, counted from {@code now}, if there is anything to sync. */
    long waitNanos(long now, long wait) {
        if (!running && (appender.hasUnsynced() || anyCommitUnsynced())) {
            return Math.min(wait, nextSyncNanos - now);
        }
        return wait;
    }

    private boolean anyCommitUnsynced() {
        for (LaneLog l : spool.lanes) {
            if (l.commitLog.dirty() || l.requestedCommit > l.commitLog.position()) {
                return true;
            }
        }
        return false;
    }

    private void start() {
        nextSyncNanos = System.nanoTime() + intervalNanos;
        SegmentAppender.Unsynced written = appender.takeUnsynced();
        FileChannel[] commitChannels = new FileChannel[spool.lanes.length];
        long[] positions = new long[spool.lanes.length];
        boolean commitsDirty = false;
        for (LaneLog lane : spool.lanes) {
            commitsDirty |= lane.commitLog.dirty();
            commitChannels[lane.lane.ordinal()] = lane.commitLog.channel();
            positions[lane.lane.ordinal()] = lane.commitLog.position();
            lane.commitLog.markSynced();
        }
        if (written.segments().isEmpty() && !written.directories() && !commitsDirty) {
            return;
        }
        running = true;
        thread.execute(() -> syncInBackground(written, commitChannels, positions));
    }

    private void syncInBackground(SegmentAppender.Unsynced written, FileChannel[] commitChannels, long[] positions) {
        try {
            List<SegmentFile> segs = written.segments();
            if (!segs.isEmpty()) {
                spool.syncs.increment();
            }
            for (SegmentFile s : segs) {
                forceUnlessClosed(s.channel());
            }
            if (written.directories()) {
                for (LaneLog lane : spool.lanes) {
                    CommitLog.syncDirectory(lane.dir);
                }
            }
            for (FileChannel c : commitChannels) {
                forceUnlessClosed(c); // closed: a compaction replaced it, and fsynced its successor
            }
            syncedCommit = positions;
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        done = true;
        wakeWriter.run();
    }

    private static void forceUnlessClosed(FileChannel c) throws IOException {
        try {
            c.force(false);
        } catch (ClosedChannelException deletedOrReplaced) {
            // a deleted segment needs no sync; a replaced commit log was synced by its compaction
        }
    }

    /** The commit positions a finished background sync made durable, or null. */
    private long[] collect() {
        if (!done) {
            return null;
        }
        done = false;
        running = false;
        Exception e = failure;
        if (e != null) {
            failure = null;
            // acknowledged records survive a process crash (the OS has them) but maybe not a power
            // cut; nothing can be un-acknowledged, so say it loudly and keep syncing
            LOG.error(
                    "spool: background fsync failed; records of the last {} may not survive a power cut",
                    spool.options.fsync(),
                    e);
            return null;
        }
        return syncedCommit;
    }

    /** Waits for a running background sync to end and collects it; the writer then syncs the rest itself. */
    void close() throws InterruptedException {
        thread.shutdown();
        thread.awaitTermination(1, TimeUnit.MINUTES);
        collect();
    }
}
