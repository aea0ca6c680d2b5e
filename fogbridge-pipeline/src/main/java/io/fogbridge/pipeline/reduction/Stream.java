package io.fogbridge.pipeline.reduction;

import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.api.pipeline.Verdict;
import java.util.function.Consumer;

/**
 * The state one rule keeps for one stream: the records of one device on one MQTT topic. Methods that read or change
 * the state are synchronized on the stream: connections call {@link #offer} concurrently and the sweeper calls
 * {@link #due}; each holds the lock for a few comparisons, never for I/O ({@code release} only hands a record to the
 * non-blocking append).
 */
abstract class Stream {

    private volatile long lastSeen;
    private boolean evicted; // guarded by this

    /** Arrival time of the latest record offered (ms since epoch); what eviction orders by. */
    final long lastSeen() {
        return lastSeen;
    }

    /**
     * Decides about one record of this stream.
     *
     * @param arrival the record's arrival time, ms since epoch: decisions use it, not a clock, so replays and tests
     *                decide the same way
     * @param release takes a record this stream lets go of now besides the verdict (a window that closed)
     * @return the verdict, or null when the stream was evicted meanwhile: the caller starts a new one
     */
    final synchronized Verdict offer(UplinkRecord record, Sample sample, long arrival, Consumer<UplinkRecord> release) {
        if (evicted) {
            return null;
        }
        lastSeen = arrival;
        return decide(record, sample, arrival, release);
    }

    /** Lets go of what is due by {@code now} (ms since epoch): a window that ended, a held record whose interval did. */
    final synchronized void due(long now, Consumer<UplinkRecord> release) {
        if (!evicted) {
            releaseDue(now, release);
        }
    }

    /** Ends the stream (evicted, or the stage closes): lets go of whatever it still holds. */
    final synchronized void end(Consumer<UplinkRecord> release) {
        if (!evicted) {
            evicted = true;
            releaseAll(release);
        }
    }

    abstract Verdict decide(UplinkRecord record, Sample sample, long arrival, Consumer<UplinkRecord> release);

    abstract void releaseDue(long now, Consumer<UplinkRecord> release);

    abstract void releaseAll(Consumer<UplinkRecord> release);
}
