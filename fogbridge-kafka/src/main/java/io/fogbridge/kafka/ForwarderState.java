package io.fogbridge.kafka;

/**
 * A snapshot of the forwarder, for {@code /readyz}, metrics and the demo's status line.
 *
 * @param connected    true while Kafka acknowledges: the producer holds a connection, no failure is
 *                     being backed off, and no record has waited longer than the request timeout
 * @param lastError    the last failure in words (e.g. {@code bootstrap servers do not resolve (host:9092)} or
 *                     {@code TimeoutException: …}), or null if none since the last success
 * @param sentRecords  records handed to the producer since start (re-sends after a failure count again)
 * @param ackedRecords records Kafka acknowledged since start
 * @param inFlight     records read from the spool and not yet acknowledged
 * @param lagMillis    now minus the creation time of the oldest record the forwarder holds unacknowledged, or 0
 * @param phase        what the forwarder thread is doing about Kafka
 */
public record ForwarderState(
        boolean connected,
        String lastError,
        long sentRecords,
        long ackedRecords,
        int inFlight,
        long lagMillis,
        Phase phase) {

    /** What the forwarder thread is doing about Kafka. */
    public enum Phase {
        /** A producer exists; the Kafka client reconnects by itself while records wait in the spool. */
        SENDING,
        /** No producer could be made (e.g. the bootstrap names do not resolve); the next attempt is backed off. */
        RETRYING,
        /**
         * The thread has ended: closed, or killed by an {@link Error} (out of memory, a broken class path) that
         * retrying cannot cure. Nothing is forwarded until the process restarts, so {@code /readyz} fails.
         */
        STOPPED
    }
}
