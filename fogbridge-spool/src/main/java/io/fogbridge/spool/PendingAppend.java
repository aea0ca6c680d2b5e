package io.fogbridge.spool;

import io.fogbridge.api.Lane;
import java.util.concurrent.CompletableFuture;

/** An append handed from a caller to the writer thread; the writer alone touches {@link #sequence}. */
final class PendingAppend {
    /** Wakes the writer without an append (a commit, or close). */
    static final PendingAppend WAKE = new PendingAppend(null, null, 0, null, 0, false);
    /** {@link #sequence} of an append refused because its block timeout passed without room. */
    static final long TIMED_OUT = -2;
    /** {@link #sequence} of an append refused because the spool closed while it waited. */
    static final long CLOSED = -3;

    final byte[] record;
    final Lane lane;
    final long arrival;
    final CompletableFuture<Long> future;
    /** The spool's ticker reading after which a waiting append (block policy) fails. */
    final long deadlineNanos;
    /** QoS 0: never waits for room, never displaces older records; dropped and counted at a full spool. */
    final boolean atMostOnce;

    /** The assigned sequence; -1 until then, or {@link #TIMED_OUT} or {@link #CLOSED}. */
    long sequence = -1;

    PendingAppend(
            byte[] record,
            Lane lane,
            long arrival,
            CompletableFuture<Long> future,
            long deadlineNanos,
            boolean atMostOnce) {
        this.record = record;
        this.atMostOnce = atMostOnce;
        this.lane = lane;
        this.arrival = arrival;
        this.future = future;
        this.deadlineNanos = deadlineNanos;
    }
}
