package io.fogbridge.spool;

import io.fogbridge.api.Lane;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records into the lanes' active segments, and remembers what the next fsync must cover
 * and what the next publish must reveal.
 *
 * <p>Records are assigned their sequence and copied into one direct buffer per lane; a buffer goes
 * to its segment with one {@code write} when it is full, when the lane rolls, or at the end of the
 * writer's turn ({@link #flushAll}). A lane rolls to a new segment, named by the sequence of its
 * first record, when the next record would not fit {@code segmentBytes}.
 *
 * <p><b>Threads.</b> Not thread-safe: the spool's writer thread alone uses it. Every method that
 * changes segments or {@code spool.bytes} is called with the spool's state lock held, except
 * {@link #forceUnsynced} and {@link #takeUnsynced}, which only touch this object's own sets and
 * run without the lock so that the fsync does not block the cursor.
 */
final class SegmentAppender {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentAppender.class);
    private static final int LANE_BUFFER = 1 << 20;

    private final SegmentedSpool spool;
    private final long segmentBytes;
    private final ByteBuffer[] buffers = new ByteBuffer[Lane.values().length];
    /** Segments written since their last fsync. */
    private final Set<SegmentFile> unsynced = new LinkedHashSet<>();
    /** Segments written since the last publish; rolled ones get sealed at publish. */
    private final Set<SegmentFile> unpublished = new LinkedHashSet<>();

    private final List<SegmentFile> rolled = new ArrayList<>();
    /** Segments created since the last publish: a failed turn deletes them again. */
    private final List<SegmentFile> created = new ArrayList<>();
    /** A segment was created since the last fsync of the lane directories. */
    private boolean dirUnsynced;

    /** Files a background sync takes over: the segments written and whether directories changed. */
    record Unsynced(List<SegmentFile> segments, boolean directories) {}

    SegmentAppender(SegmentedSpool spool) {
        this.spool = spool;
        this.segmentBytes = spool.options.segmentBytes();
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = ByteBuffer.allocateDirect(LANE_BUFFER);
        }
    }

    /** Assigns the next sequence of the record's lane, seals the record with it and buffers it. Lock held. */
    void append(PendingAppend p) throws IOException {
        int len = p.record.length;
        LaneLog lane = spool.lanes[p.lane.ordinal()];
        ByteBuffer buf = buffers[p.lane.ordinal()];
        SegmentFile active = lane.active();
        if (active.count > 0 && active.size + buf.position() + len > segmentBytes) {
            active = roll(lane);
        }
        lane.reservation.cover(lane.nextSeq);
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
    }

    /** Starts a new active segment for the lane; the old one is sealed at the next publish. Lock held. */
    SegmentFile roll(LaneLog lane) throws IOException {
        flush(lane);
        SegmentFile old = lane.active();
        SegmentFile next = SegmentFile.create(spool.disk, lane.dir, lane.lane, lane.nextSeq);
        lane.segments.add(next);
        spool.bytes += SegmentFile.HEADER;
        rolled.add(old);
        created.add(next);
        unpublished.add(old);
        unsynced.add(next);
        dirUnsynced = true;
        return next;
    }

    /** Writes every lane's buffered records to its active segment. Lock held. */
    void flushAll() throws IOException {
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

    /** Whether the lane has records buffered that its active segment does not have yet. */
    boolean hasBuffered(LaneLog lane) {
        return buffers[lane.lane.ordinal()].position() > 0;
    }

    /** Whether {@code s} of {@code lane} holds records of this turn, written or still buffered. */
    boolean holdsUnpublished(LaneLog lane, SegmentFile s) {
        return s.size > s.visibleSize || (s == lane.active() && hasBuffered(lane));
    }

    /**
     * Publishes this turn's records now, before the turn ends: writes them, fsyncs them under {@code
     * group} (with the lock held: only drop-oldest and max-age need this, when they would otherwise
     * drop records of the turn) and reveals them. Lock held.
     */
    void publishEarly() throws IOException {
        flushAll();
        for (LaneLog lane : spool.lanes) {
            lane.reservation.force();
        }
        if (!(spool.options.fsync() instanceof FsyncPolicy.Interval)) {
            forceUnsynced(spool.syncs);
        }
        reveal();
    }

    /** A segment was removed from its lane (drop-oldest, max-age): it needs no sync and no publish. */
    void forget(SegmentFile s) {
        unsynced.remove(s);
        unpublished.remove(s);
        rolled.remove(s);
        created.remove(s);
    }

    /** Whether anything was written or created since its last fsync. */
    boolean hasUnsynced() {
        return !unsynced.isEmpty() || dirUnsynced;
    }

    /** fsyncs every segment written since its last fsync, then the lane directories if they changed. */
    void forceUnsynced(LongAdder syncs) throws IOException {
        if (!unsynced.isEmpty()) {
            syncs.increment();
        }
        for (SegmentFile s : unsynced) {
            if (!s.deleted) {
                s.force();
            }
        }
        unsynced.clear();
        if (dirUnsynced) {
            for (LaneLog lane : spool.lanes) {
                spool.disk.forceDirectory(lane.dir);
            }
            // only now: after a failed directory fsync a new segment's name may not be durable, and
            // records a later turn writes into it must not be acknowledged on a file fsync alone
            dirUnsynced = false;
        }
    }

    /** A background fsync of the lane directories failed: the next sync does them again. */
    void directoriesUnsynced() {
        dirUnsynced = true;
    }

    /** Hands what {@link #forceUnsynced} would fsync to a caller that fsyncs it elsewhere. */
    Unsynced takeUnsynced() {
        List<SegmentFile> segs = new ArrayList<>(unsynced);
        unsynced.clear();
        boolean dirs = dirUnsynced;
        dirUnsynced = false;
        return new Unsynced(segs, dirs);
    }

    /** Makes the records written since the last publish visible to the cursor; seals rolled segments. Lock held. */
    void reveal() {
        for (SegmentFile s : unpublished) {
            s.markPublished();
        }
        for (SegmentFile s : created) {
            s.markPublished();
        }
        for (SegmentFile s : rolled) {
            s.sealed = true;
        }
        unpublished.clear();
        rolled.clear();
        created.clear();
    }

    /**
     * After a failed turn: takes back everything written since the last publish, as if the turn's
     * appends had never come. Segments created in the turn go, the others shrink to what was
     * published, and each lane hands out the sequences of the failed records again: nobody saw
     * them (their appends failed, the cursor reads only published bytes), and no gap opens in a
     * segment. No new segment is created, so an idle lane keeps its file. Lock held.
     */
    void rollback() {
        for (ByteBuffer b : buffers) {
            b.clear();
        }
        for (LaneLog lane : spool.lanes) {
            while (lane.segments.size() > 1 && created.contains(lane.active())) {
                SegmentFile s = lane.active();
                try {
                    s.delete();
                } catch (IOException e) {
                    // it stays as the (empty) active segment; a gap between segments is fine. Its
                    // name may not be durable yet: the next fsync must cover the directory too
                    LOG.warn("spool: cannot delete segment {} of a failed write", s, e);
                    dirUnsynced = true;
                    break;
                }
                lane.segments.remove(lane.segments.size() - 1);
                forget(s);
                dirUnsynced = true;
            }
            for (SegmentFile s : lane.segments) {
                if (unpublished.contains(s) || created.contains(s)) {
                    s.rollback();
                    if (!s.tryCutStaleTail()) {
                        LOG.warn("spool: cannot cut the bytes of a failed write from {}; trying again", s);
                    }
                }
            }
            lane.nextSeq = lane.active().nextSequence();
        }
        unpublished.clear();
        rolled.clear();
        created.clear();
        // the failed records were counted as they were placed: count again what the files now hold
        long bytes = 0;
        for (LaneLog lane : spool.lanes) {
            bytes += lane.bytes();
        }
        spool.bytes = bytes;
    }
}
