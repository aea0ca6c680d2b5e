package io.fogbridge.kafka;

/**
 * A snapshot of the forwarder, for {@code /readyz}, metrics and the demo's status line.
 *
 * @param connected    true while Kafka acknowledges: the producer holds a connection, no failure is
 *                     being backed off, and no record has waited longer than the request timeout
 * @param lastError    the last failure's class and message, or null if none since the last success
 * @param sentRecords  records handed to the producer since start (re-sends after a failure count again)
 * @param ackedRecords records Kafka acknowledged since start
 * @param inFlight     records read from the spool and not yet acknowledged
 * @param lagMillis    now minus the creation time of the oldest record the forwarder holds unacknowledged, or 0
 */
public record ForwarderState(
        boolean connected, String lastError, long sentRecords, long ackedRecords, int inFlight, long lagMillis) {}
