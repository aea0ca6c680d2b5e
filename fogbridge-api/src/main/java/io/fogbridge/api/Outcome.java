package io.fogbridge.api;

/** What became of an inbound message; tells the adapter how to answer the sender. */
public sealed interface Outcome {

    /**
     * Durably spooled (or handed off, for at-most-once, or suppressed on purpose by a pipeline stage: taken, not
     * forwarded). {@code sequence} is -1 when not waited for.
     */
    record Accepted(Lane lane, long sequence) implements Outcome {}

    /** No route matched: the message stays on the local bus. Counted, not an error. */
    record Local() implements Outcome {}

    /**
     * Refused. {@code status} is HTTP-like: 400 malformed, 403 not allowed, 413 too large, 503 spool
     * full or unavailable. {@code retriable} says whether sending the same message later may work.
     */
    record Rejected(int status, String reason, boolean retriable) implements Outcome {}

    Local LOCAL = new Local();
}
