package io.fogbridge.spool;

import io.fogbridge.api.Ticker;

/**
 * How long the spool has been waiting on its disk right now: since the writer's current turn began writing
 * (segments, commit log, deletions, the group fsync), or since the running background fsync began, whichever is
 * older. A turn takes microseconds to a few tens of milliseconds on a working disk; seconds mean a stalled one (a
 * dying SD card, a frozen or hung filesystem, a network volume gone away). The writer holds the spool's lock while it
 * writes, so anything that waits for that lock would hang with it: probes and scrapes read this instead, and {@link
 * SegmentedSpool#glance()}.
 *
 * <p><b>Threads.</b> {@link #writerBegins}/{@link #writerEnds} are for the writer thread, {@link #syncBegins}/{@link
 * #syncEnds} for the sync thread; {@link #nanos} for any thread.
 */
final class DiskWait {
    private static final long IDLE = Long.MIN_VALUE;

    private final Ticker ticker;
    private volatile long writerSince = IDLE;
    private volatile long syncSince = IDLE;

    DiskWait(Ticker ticker) {
        this.ticker = ticker;
    }

    void writerBegins() {
        writerSince = ticker.nanoTime();
    }

    void writerEnds() {
        writerSince = IDLE;
    }

    void syncBegins() {
        syncSince = ticker.nanoTime();
    }

    void syncEnds() {
        syncSince = IDLE;
    }

    /**
     * Nanoseconds the writer's current turn has taken so far; 0 between turns. Only the writer holds the spool's lock
     * while it waits on the disk (the background fsync never takes it).
     */
    long writerNanos() {
        long writer = writerSince;
        return writer == IDLE ? 0 : Math.max(0, ticker.nanoTime() - writer);
    }

    /** Nanoseconds the oldest disk operation running now has taken so far; 0 when none runs. */
    long nanos() {
        long writer = writerSince;
        long sync = syncSince;
        if (writer == IDLE && sync == IDLE) {
            return 0;
        }
        long since = writer == IDLE ? sync : sync == IDLE ? writer : Math.min(writer, sync);
        return Math.max(0, ticker.nanoTime() - since);
    }
}
