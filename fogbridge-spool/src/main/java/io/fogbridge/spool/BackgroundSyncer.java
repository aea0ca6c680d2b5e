package io.fogbridge.spool;

import io.fogbridge.api.Ticker;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool's fsync timer off the writer thread: every period it hands the files to sync to its
 * own thread ({@code fogbridge-spool-sync}), so that appends keep flowing while the disk flushes.
 * The writer learns the outcome at a later {@link #tick} and only then lets the synced commit
 * positions delete segments.
 *
 * <ul>
 *   <li>{@code interval:<ms>}: every {@code <ms>} it syncs the segments written since the last
 *       tick, the lane directories if segments were created, and the commit logs.
 *   <li>{@code group}: the writer fsyncs segments itself before it acknowledges them; this syncs
 *       only the commit logs, at most every {@link SpoolWriter#COMMIT_SYNC_MILLIS} ms, so that a
 *       commit never puts an fsync in front of waiting appends (see {@link CommitLog} for why a
 *       commit needs no fsync of its own).
 * </ul>
 *
 * <p>At most one background sync runs at a time; the next tick is due one period after the
 * previous one started. A failed background sync is logged and not retried for those segments:
 * under {@code interval:<ms>} their appends were acknowledged already and a process crash does
 * not lose them, only a power cut might. The lane directories are synced again by the next one
 * (else no record ever written into a segment whose name is not durable would survive a power
 * cut). A failed commit-log sync only keeps segments longer.
 *
 * <p><b>Threads.</b> {@link #tick}, {@link #waitNanos} and {@link #close} are for the spool's
 * writer thread only. The sync job runs on the sync thread and touches nothing but the files it
 * was handed (fsync is safe concurrently with writes; a channel closed meanwhile is skipped), the
 * spool's sync counter and the volatile hand-back fields; when it ends it wakes the writer
 * through {@code wakeWriter}.
 */
final class BackgroundSyncer {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundSyncer.class);

    private final SegmentedSpool spool;
    /** Null under {@code group}: segments are the writer's own business there. */
    private final SegmentAppender appender;

    private final Runnable wakeWriter;
    private final long periodNanos;
    private final Ticker ticker;
    private final ExecutorService thread;

    private long nextSyncNanos;
    private boolean running;
    /** The running sync covers the lane directories (writer thread only). */
    private boolean syncingDirectories;
    /** Background syncs failed in a row (writer thread only). */
    private long failures;

    private volatile boolean done;
    private volatile long[] syncedCommit;
    private volatile Exception failure;

    /**
     * @param appender whose written segments to sync, or null to sync only the commit logs
     */
    BackgroundSyncer(SegmentedSpool spool, long periodMillis, SegmentAppender appender, Runnable wakeWriter) {
        this.spool = spool;
        this.appender = appender;
        this.wakeWriter = wakeWriter;
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
        this.ticker = spool.options.ticker();
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fogbridge-spool-sync");
            t.setDaemon(true);
            return t;
        });
        this.nextSyncNanos = ticker.nanoTime() + periodNanos;
    }

    /**
     * Collects a finished background sync and starts the next one if it is due.
     *
     * @return the commit positions the finished sync made durable, by lane ordinal, or null
     */
    long[] tick() {
        long[] durable = collect();
        if (ticker.nanoTime() - nextSyncNanos >= 0 && !running) {
            start();
        }
        return durable;
    }

    /** {@code wait} shortened to the next due tick, counted from {@code now}, if there is anything to sync. */
    long waitNanos(long now, long wait) {
        if (!running && ((appender != null && appender.hasUnsynced()) || anyCommitUnsynced())) {
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
        nextSyncNanos = ticker.nanoTime() + periodNanos;
        SegmentAppender.Unsynced written =
                appender != null ? appender.takeUnsynced() : new SegmentAppender.Unsynced(List.of(), false);
        FileChannel[] commitChannels = new FileChannel[spool.lanes.length];
        Path[] commitFiles = new Path[spool.lanes.length];
        long[] positions = new long[spool.lanes.length];
        boolean commitsDirty = false;
        for (LaneLog lane : spool.lanes) {
            int i = lane.lane.ordinal();
            commitsDirty |= lane.commitLog.dirty();
            commitChannels[i] = lane.commitLog.channel();
            commitFiles[i] = lane.dir.resolve(CommitLog.FILE);
            positions[i] = lane.commitLog.position();
            lane.commitLog.markSynced();
        }
        if (written.segments().isEmpty() && !written.directories() && !commitsDirty) {
            return;
        }
        running = true;
        syncingDirectories = written.directories();
        thread.execute(() -> syncInBackground(written, commitChannels, commitFiles, positions));
    }

    private void syncInBackground(
            SegmentAppender.Unsynced written, FileChannel[] commitChannels, Path[] commitFiles, long[] positions) {
        spool.diskWait.syncBegins();
        try {
            List<SegmentFile> segs = written.segments();
            if (!segs.isEmpty()) {
                spool.syncs.increment();
            }
            for (SegmentFile s : segs) {
                forceUnlessClosed(s.channel(), s.path);
            }
            if (written.directories()) {
                for (LaneLog lane : spool.lanes) {
                    spool.disk.forceDirectory(lane.dir);
                }
            }
            for (int i = 0; i < commitChannels.length; i++) {
                // closed: a compaction replaced it, and fsynced its successor
                forceUnlessClosed(commitChannels[i], commitFiles[i]);
            }
            syncedCommit = positions;
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            spool.diskWait.syncEnds();
        }
        done = true;
        wakeWriter.run();
    }

    private void forceUnlessClosed(FileChannel c, Path file) throws IOException {
        try {
            spool.disk.force(c, file);
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
            for (LaneLog lane : spool.lanes) {
                lane.commitLog.markUnsynced(); // not durable after all: the next sync covers it again
            }
            if (syncingDirectories) {
                // a new segment's name may not be durable: without a later directory fsync, nothing
                // ever written into that segment would survive a power cut
                appender.directoriesUnsynced();
            }
            if (failures++ > 0) {
                // a sick disk fails every tick (every few ms under interval): the first one was said, with its trace
                return null;
            }
            if (appender != null) {
                // acknowledged records survive a process crash (the OS has them) but maybe not a
                // power cut; nothing can be un-acknowledged, so say it loudly and keep syncing
                LOG.error(
                        "spool: background fsync failed; records of the last {} may not survive a power cut"
                                + " (said once until a sync works again)",
                        spool.options.fsync(),
                        e);
            } else {
                LOG.error("spool: commit log fsync failed; committed segments stay until a later one succeeds", e);
            }
            return null;
        }
        if (failures > 0) {
            LOG.warn("spool: background fsync works again after {} failed", failures);
            failures = 0;
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
