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

    /** The committed position of a lane: the highest sequence acknowledged downstream, or -1. */
    long committed(Lane lane);
}
