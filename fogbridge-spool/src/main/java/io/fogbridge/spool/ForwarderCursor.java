package io.fogbridge.spool;

import io.fogbridge.api.Lane;
import io.fogbridge.api.SpoolCursor;
import io.fogbridge.api.SpoolException;
import io.fogbridge.api.SpooledRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The spool's one cursor. Drains {@link Lane#PRIORITY} first: a poll fills its batch from the
 * priority lane and only then from bulk. Commits are recorded at once and made durable in the
 * background, off the append path (see {@link CommitLog}); segments they free are deleted only
 * after that. A crash before that only re-delivers records, with their sequences.
 *
 * <p>Once the spool is closed, a poll that has nothing to return throws {@link SpoolException.Closed}
 * (records it already read are returned first).
 *
 * <p><b>Threads.</b> Not thread-safe (one forwarder thread), except {@link #committed}, which
 * any thread may call.
 */
final class ForwarderCursor implements SpoolCursor {
    private final SegmentedSpool spool;
    private final LaneReader[] readers;

    ForwarderCursor(SegmentedSpool spool) {
        this.spool = spool;
        this.readers = new LaneReader[Lane.values().length];
        for (Lane l : Lane.values()) {
            readers[l.ordinal()] = new LaneReader(spool, spool.lanes[l.ordinal()]);
        }
    }

    @Override
    public List<SpooledRecord> poll(int maxRecords, long maxWaitMillis) throws InterruptedException {
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be >= 1, got " + maxRecords);
        }
        long nanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, maxWaitMillis));
        while (true) {
            List<SpooledRecord> out = new ArrayList<>(Math.min(maxRecords, 4096));
            long cutoff = spool.options.maxAge().isZero()
                    ? Long.MIN_VALUE
                    : spool.options.clock().millis() - spool.options.maxAge().toMillis();
            try {
                for (Lane l : Lane.values()) { // declaration order: PRIORITY before BULK
                    if (out.size() < maxRecords) {
                        readers[l.ordinal()].read(out, maxRecords - out.size(), cutoff);
                    }
                }
            } catch (IOException e) {
                throw new SpoolException.Io("spool read failed: " + e.getMessage(), e);
            }
            if (out.isEmpty() && spool.closed) {
                // an empty list would only make the forwarder poll again at once, forever
                throw new SpoolException.Closed();
            }
            if (!out.isEmpty() || nanos <= 0) {
                return out;
            }
            spool.lock.lock();
            try {
                boolean more = false;
                for (LaneReader r : readers) {
                    more |= r.mayHaveMore();
                }
                if (!more) {
                    nanos = spool.dataArrived.awaitNanos(nanos);
                }
            } finally {
                spool.lock.unlock();
            }
        }
    }

    @Override
    public void commit(Lane lane, long sequence) {
        spool.commit(lane, sequence);
    }

    @Override
    public int park(List<SpooledRecord> records, String reason) {
        ParkedRecords parked = spool.parked();
        if (parked == null) {
            throw new SpoolException.Io(SegmentedSpool.READ_ONLY + ": cannot park records", null);
        }
        try {
            int refused = parked.park(records, reason, spool.options.clock().millis());
            spool.drops.add(DropCounters.PARKED_FULL, refused);
            return refused;
        } catch (IOException e) {
            throw new SpoolException.Io("spool: parking records failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void rewind() {
        spool.lock.lock();
        try {
            for (Lane l : Lane.values()) {
                readers[l.ordinal()].rewind(spool.lanes[l.ordinal()].requestedCommit);
            }
        } finally {
            spool.lock.unlock();
        }
    }

    @Override
    public long committed(Lane lane) {
        spool.lock.lock();
        try {
            return spool.lanes[lane.ordinal()].requestedCommit;
        } finally {
            spool.lock.unlock();
        }
    }
}
