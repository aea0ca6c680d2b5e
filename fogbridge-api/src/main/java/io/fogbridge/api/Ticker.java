package io.fogbridge.api;

/**
 * Monotonic time for decisions about elapsed time: batching intervals, timeouts, periodic checks. Wall time (arrival
 * times, expiry dates, ages compared with timestamps) comes from a {@link java.time.Clock} or
 * {@link java.time.InstantSource} instead; a ticker never answers "what time is it", only "how much time passed".
 *
 * <p>Components that decide by elapsed time take a ticker as a parameter so that tests (and simulations) move time by
 * hand instead of sleeping; production passes {@link #system()}.
 *
 * <p>Contract: {@link #nanoTime()} never decreases; only differences between two readings of the same ticker mean
 * anything (the origin is arbitrary, like {@link System#nanoTime()}). Implementations are thread-safe and cheap enough
 * to call per record.
 */
@FunctionalInterface
public interface Ticker {

    /** Nanoseconds since an arbitrary, fixed origin; never decreases. */
    long nanoTime();

    /** {@link System#nanoTime()}: what production uses. */
    static Ticker system() {
        return System::nanoTime;
    }
}
