package io.fogbridge.api;

/**
 * A record as read back from the spool.
 *
 * @param lane        the lane it was appended to
 * @param sequence    its position in that lane, strictly increasing, never reused
 * @param arrivalTime ms since epoch when the spool accepted it
 * @param envelope    the record itself
 */
public record SpooledRecord(Lane lane, long sequence, long arrivalTime, Envelope envelope) {}
