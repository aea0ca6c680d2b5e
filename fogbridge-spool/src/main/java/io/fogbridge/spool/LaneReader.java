package io.fogbridge.spool;

import io.fogbridge.api.SpoolException;
import io.fogbridge.api.SpooledRecord;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cursor's read position in one lane: a segment, a byte position in it, and the last
 * sequence handed out. Reads published bytes in positional reads outside the state lock: 64 KiB
 * while the forwarder keeps up, doubling to 1 MiB while a backlog waits ({@link SegmentScanner}).
 *
 * <p><b>Threads.</b> Not thread-safe: belongs to the cursor's one forwarder thread.
 */
final class LaneReader {
    private static final Logger LOG = LoggerFactory.getLogger(LaneReader.class);

    private final SegmentedSpool spool;
    private final LaneLog lane;
    private final SegmentScanner scanner = new SegmentScanner(64 << 10, 1 << 20);
    private final RecordFormat.Decoder decoder = new RecordFormat.Decoder();

    private SegmentFile segment;
    private long position;
    /** Sequence of the record just before {@link #position} (scans require increasing sequences). */
    private long scanSeq;
    /** Highest sequence handed out (or the committed position after a rewind). */
    private long lastSeq;

    LaneReader(SegmentedSpool spool, LaneLog lane) {
        this.spool = spool;
        this.lane = lane;
        this.lastSeq = lane.requestedCommit;
    }

    /** Moves back to just after {@code committed}. */
    void rewind(long committed) {
        lastSeq = committed;
        segment = null;
    }

    /** Whether published records may be waiting after the read position. Lock held. */
    boolean mayHaveMore() {
        if (segment == null || segment.deleted) {
            return !lane.segments.isEmpty();
        }
        return position < segment.visibleSize || (segment.sealed && lane.after(segment) != null);
    }

    /**
     * Appends up to {@code max} records to {@code out}; returns how many.
     *
     * @throws SpoolException.Closed the spool closed under the reader
     */
    int read(List<SpooledRecord> out, int max, long expiryCutoff) throws IOException {
        int taken = 0;
        while (taken < max) {
            SegmentFile seg;
            long visible;
            SegmentFile next = null;
            spool.lock.lock();
            try {
                if (segment == null || segment.deleted) {
                    if (lane.segments.isEmpty()) {
                        break; // a read-only spool whose lane has no segment
                    }
                    seek();
                }
                seg = segment;
                visible = seg.visibleSize;
                if (position >= visible && seg.sealed) {
                    next = lane.after(seg);
                    if (next == null) {
                        break;
                    }
                }
            } finally {
                spool.lock.unlock();
            }
            if (next != null) {
                segment = next;
                position = SegmentFile.HEADER;
                scanSeq = next.base - 1;
                continue;
            }
            if (position >= visible) {
                break;
            }
            int before = out.size();
            long[] expired = {0, -1};
            int room = max - taken;
            SegmentScanner.Result r;
            try {
                r = scanner.scan(
                        seg,
                        position,
                        visible,
                        scanSeq,
                        (buf, off, len, pos) -> {
                            long seq = RecordFormat.sequence(buf, off);
                            scanSeq = seq;
                            if (seq <= lastSeq) {
                                return true;
                            }
                            lastSeq = seq;
                            if (RecordFormat.arrival(buf, off) < expiryCutoff) {
                                expired[0]++;
                                expired[1] = seq;
                                return true;
                            }
                            out.add(decoder.decode(buf, off));
                            return out.size() - before < room;
                        },
                        (from, to) -> LOG.warn(
                                "spool {}: damaged bytes [{}, {}) in {} skipped while reading",
                                lane.lane.id(),
                                from,
                                to,
                                seg));
            } catch (ClosedChannelException e) {
                if (spool.closed) {
                    // the spool closed every segment: seeking again would find the same closed file forever
                    throw new SpoolException.Closed();
                }
                segment = null; // deleted under us (drop-oldest, max-age or commit): seek again
                continue;
            }
            position = r.tailStart() >= 0 ? visible : r.end();
            taken += out.size() - before;
            settle(seg, out, before, expired);
        }
        return taken;
    }

    /** Counts expired records once, and withdraws records of a segment dropped while we read it. */
    private void settle(SegmentFile seg, List<SpooledRecord> out, int from, long[] expired) {
        spool.lock.lock();
        try {
            if (expired[0] > 0) {
                long floor = lane.settledThrough();
                long counted = Math.min(expired[0], Math.max(0, expired[1] - floor));
                spool.drops.add(DropCounters.MAX_AGE, counted);
                lane.droppedThrough = Math.max(lane.droppedThrough, expired[1]);
            }
            if (seg.deleted) {
                long dropped = lane.droppedThrough;
                out.subList(from, out.size()).removeIf(r -> r.sequence() <= dropped);
            }
        } finally {
            spool.lock.unlock();
        }
    }

    /** Positions at the first record after {@link #lastSeq}, using the segment's sparse index. Lock held. */
    private void seek() {
        long want = lastSeq + 1;
        segment = lane.segmentFor(want);
        long[] idx = segment.floor(want);
        position = idx[0];
        scanSeq = idx[0] == SegmentFile.HEADER ? segment.base - 1 : idx[1] - 1;
    }
}
