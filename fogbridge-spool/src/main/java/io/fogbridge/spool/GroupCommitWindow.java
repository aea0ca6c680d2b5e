package io.fogbridge.spool;

/**
 * How long the writer lets appends gather before a group commit under {@code fsync: group}: adaptive,
 * from the rate appends arrive at, and never longer than the spool's latency budget ({@code maxDelayNanos}).
 *
 * <p>Why. Without a window the writer starts its fsync as soon as one append arrives. Under a heavy load
 * that is right (the fsync itself is the window: whatever arrives meanwhile shares the next one), but at
 * a moderate rate, e.g. 1,000 appends/s from 100 connections each waiting for its own acknowledgement,
 * almost every append pays its own fsync, its own writer wake-up and its own completion turn. Waiting a
 * little for the next few appends turns those into one fsync and one turn per batch.
 *
 * <p>Rule. The writer wants {@link #TARGET_BATCH} appends per fsync. Holding the first {@code n} appends
 * for {@code (TARGET_BATCH - n) / rate} gathers that many at the measured rate; the wait is capped at
 * {@code maxDelayNanos}, and skipped when fewer than one more append is expected within the cap (a
 * trickle gets its fsync at once: waiting would only add latency) or when the batch is already large
 * enough (a heavy load: the previous fsync gathered it). So an idle spool answers as fast as before, a
 * moderate load trades at most {@code maxDelayNanos} of acknowledgement latency for several times fewer
 * fsyncs and thread hand-offs, and a heavy load is unchanged.
 *
 * <p>Closed loops. Appenders that each wait for their own acknowledgement before the next append (one MQTT
 * connection, ten waiting threads) are all in the batch already: nothing arrives during a hold, and holding only
 * slows them down. The writer reports what each hold gathered ({@link #held}); after a hold that gathered
 * nothing the window stays shut for 1, 2, 4 … up to {@value #MAX_SHUT_TURNS} turns, and opens again for good at
 * the first hold that gathers something. So a closed loop loses at most one short hold in {@value
 * #MAX_SHUT_TURNS} turns.
 *
 * <p>The rate is an exponentially weighted average of appends per second between the writer's turns, on
 * the spool's ticker (so a test that stands the ticker still sees no rate and no wait). Not thread-safe:
 * the spool's writer thread owns it.
 */
final class GroupCommitWindow {

    /**
     * Appends per fsync worth gathering for: beyond this, an fsync's cost per append is small next to the rest.
     * With 32 the default 8 ms hold ran its course at 5,000 appends/s too (25 per fsync instead of 14) for no CPU
     * that showed, and the gateway's p99 latency there doubled in some runs (BENCHMARKS.md, session 15); with 16 a
     * load of 5,000/s is held about as long as before and 1,000/s still gets 9 appends per fsync instead of 3.
     */
    static final int TARGET_BATCH = 16;
    /** Weight of the newest rate sample: about the last ten turns count. */
    private static final double WEIGHT = 0.1;
    /** A gap this long between turns means the load stopped: the average starts over. */
    private static final long IDLE_NANOS = 1_000_000_000L;

    /** After fruitless holds the window stays shut for at most this many turns before it tries again. */
    static final int MAX_SHUT_TURNS = 64;

    /** Shortest park of a hold: below this a timed park costs about as much as a turn. */
    static final long MIN_PARK_NANOS = 100_000;

    private final long maxDelayNanos;
    private double perSecond;
    private int shutFor;
    private int shutLeft;
    private long lastTurnNanos = -1;

    /** @param maxDelayNanos the longest an append may be held for company; 0 turns the window off */
    GroupCommitWindow(long maxDelayNanos) {
        this.maxDelayNanos = maxDelayNanos;
    }

    /** The appends per second the window currently assumes (for tests and diagnostics). */
    double perSecond() {
        return perSecond;
    }

    /**
     * Records that a turn took {@code appends} appends from the inbox at {@code nowNanos}: the arrivals
     * since the previous turn.
     */
    void arrived(int appends, long nowNanos) {
        if (lastTurnNanos >= 0 && appends > 0) {
            long gap = nowNanos - lastTurnNanos;
            if (gap >= IDLE_NANOS) {
                perSecond = 0;
            } else if (gap > 0) {
                double sample = appends * 1e9 / gap;
                perSecond = perSecond == 0 ? sample : perSecond + WEIGHT * (sample - perSecond);
            }
        }
        if (appends > 0) {
            lastTurnNanos = nowNanos;
        }
    }

    /** A hold ended with {@code gathered} more appends: none shuts the window for a while (see the class javadoc). */
    void held(int gathered) {
        if (gathered > 0) {
            shutFor = 0;
        } else {
            shutFor = Math.min(MAX_SHUT_TURNS, Math.max(1, shutFor * 2));
            shutLeft = shutFor;
        }
    }

    /**
     * The first park of a hold: about two expected arrival gaps, long enough that an open load almost surely brings
     * company within it (nothing arrives with probability e<sup>-2</sup> ≈ 14 %), short enough that a closed loop,
     * where nothing can arrive, loses little.
     */
    long probeNanos() {
        return Math.max(MIN_PARK_NANOS, (long) (2e9 / Math.max(1, perSecond)));
    }

    /**
     * After a park of a hold that brought {@code gathered} appends, with {@code inHand} appends in the batch: how long
     * the next park is, 0 to end the hold. A park that brought none ends it (a closed loop, or the load stopped), and
     * so does a full batch; otherwise the next park is the rest of the time the target batch is expected to take at
     * the current rate, in one park rather than in more probes. The caller bounds it by what is left of the hold.
     */
    long nextParkNanos(int gathered, int inHand) {
        if (gathered <= 0 || inHand >= TARGET_BATCH) {
            return 0;
        }
        return Math.max(MIN_PARK_NANOS, (long) nanosToTarget(inHand));
    }

    /**
     * How long to hold a batch of {@code inHand} appends before writing and fsyncing it, in nanoseconds (0 = at
     * once).
     */
    long holdNanos(int inHand) {
        if (maxDelayNanos <= 0 || inHand <= 0 || inHand >= TARGET_BATCH || perSecond <= 0) {
            return 0;
        }
        if (shutLeft > 0) {
            shutLeft--;
            return 0;
        }
        double expectedWithinCap = perSecond * maxDelayNanos / 1e9;
        if (expectedWithinCap < 1) {
            return 0;
        }
        return (long) Math.min(maxDelayNanos, nanosToTarget(inHand));
    }

    /** How long the rest of the target batch takes to arrive at the current rate, with {@code inHand} in the batch. */
    private double nanosToTarget(int inHand) {
        return (TARGET_BATCH - inHand) * 1e9 / Math.max(1, perSecond);
    }
}
