package io.fogbridge.api;

import java.util.List;

/**
 * The forwarder's view of the spool: read ahead, then commit what downstream acknowledged.
 *
 * <p>Reading starts after the committed position of each lane. {@link Lane#PRIORITY} records are
 * always returned before {@link Lane#BULK} ones that are available at the same time. Not
 * thread-safe: one forwarder thread owns the cursor.
 */
public interface SpoolCursor {

    /**
     * Returns up to {@code maxRecords} records after the read position, waiting up to
     * {@code maxWaitMillis} when none is available. Returns an empty list on timeout.
     *
     * @throws SpoolException.Closed the spool was closed and nothing is left to return
     */
    List<SpooledRecord> poll(int maxRecords, long maxWaitMillis) throws InterruptedException;

    /**
     * Marks every record of {@code lane} up to and including {@code sequence} as acknowledged
     * downstream. The commit is made durable before segments it frees are deleted; committing a
     * sequence lower than the current committed position is a no-op.
     */
    void commit(Lane lane, long sequence);

    /** Moves the read position back to just after the committed position of every lane (after a downstream failure). */
    void rewind();

    /**
     * Moves records that downstream refused for good (the topic does not exist, the record is too large, not
     * authorized) out of their lanes into the spool's parking area, so the lanes keep flowing; an operator sends them
     * again once the cause is fixed. The records are durable there when this returns, and only then may the caller
     * commit past them. Records refused because the parking area is full are dropped and counted by the spool.
     *
     * @param reason why downstream refused them, for operators (logged, shown by inspection tools)
     * @return how many of {@code records} were dropped because the parking area is full
     * @throws SpoolException.Io writing them failed: they stay in their lanes, do not commit past them
     * @throws UnsupportedOperationException the spool has no parking area (default)
     */
    default int park(List<SpooledRecord> records, String reason) {
        throw new UnsupportedOperationException("this spool has no parking area");
    }

    /** The committed position of a lane: the highest sequence acknowledged downstream, or -1. */
    long committed(Lane lane);
}
