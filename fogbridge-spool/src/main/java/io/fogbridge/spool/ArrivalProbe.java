package io.fogbridge.spool;

import java.io.IOException;

/**
 * Finds the arrival time of the first record at or above {@code target} in a partly committed
 * segment, for the age of the oldest uncommitted record. Taken from the segment's sparse index
 * (under the spool's state lock while the segment is live), then {@link #read} from disk outside
 * the lock: at most one index stride.
 *
 * <p>Immutable; {@link #read} may run on any thread. A segment deleted meanwhile yields the index
 * entry's time, a close lower bound.
 *
 * @param segment the segment holding {@code target}
 * @param position where the index entry at or before {@code target} points
 * @param indexSeq the sequence of that index entry
 * @param target the sequence whose arrival is wanted
 * @param limit the end of the bytes to scan (the visible size of a live segment)
 * @param indexArrival the arrival time of that index entry: the answer if the read fails
 */
record ArrivalProbe(SegmentFile segment, long position, long indexSeq, long target, long limit, long indexArrival) {

    /** A probe for {@code target} from the segment's index, scanning no further than {@code limit}. */
    static ArrivalProbe of(SegmentFile segment, long target, long limit) {
        long[] idx = segment.floor(target);
        return new ArrivalProbe(segment, idx[0], idx[1], target, limit, idx[2]);
    }

    /** The arrival time of the first record at or above {@code target}; the index entry's time if that fails. */
    long read() {
        long[] found = {indexArrival};
        try {
            new SegmentScanner(64 << 10)
                    .scan(
                            segment,
                            position,
                            limit,
                            indexSeq - 1,
                            (buf, off, len, pos) -> {
                                if (RecordFormat.sequence(buf, off) >= target) {
                                    found[0] = RecordFormat.arrival(buf, off);
                                    return false;
                                }
                                return true;
                            },
                            (from, to) -> {});
        } catch (IOException e) {
            // segment deleted under us: the index entry's time is a close lower bound
        }
        return found[0];
    }
}
