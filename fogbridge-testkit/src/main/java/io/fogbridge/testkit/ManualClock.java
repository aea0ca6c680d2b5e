package io.fogbridge.testkit;

import io.fogbridge.api.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * Time that moves only when the test says so: a wall {@link Clock} and a monotonic {@link Ticker} in one object, so a
 * component that takes both sees them advance together. Pass it wherever production passes {@code Clock.systemUTC()}
 * and {@link Ticker#system()}.
 *
 * <p>{@link #advance} moves both; {@link #setInstant} moves only the wall clock (as an NTP step would, possibly
 * backwards), so tests can show that elapsed-time decisions ignore wall-clock jumps. Thread-safe: the component under
 * test reads it on its own threads while the test moves it.
 */
public final class ManualClock extends Clock implements Ticker {

    /** The default start: a fixed, recognisable instant (2023-11-14T22:13:20Z). */
    public static final Instant DEFAULT_START = Instant.ofEpochMilli(1_700_000_000_000L);

    private final Object lock = new Object();
    private Instant wall; // guarded by lock
    private long nanos; // guarded by lock

    private ManualClock(Instant start) {
        this.wall = Objects.requireNonNull(start, "start");
    }

    /** A clock standing at {@link #DEFAULT_START}. */
    public ManualClock() {
        this(DEFAULT_START);
    }

    /** A clock standing at {@code start}; its ticker reads 0. */
    public static ManualClock at(Instant start) {
        return new ManualClock(start);
    }

    /** Moves wall time and the ticker forward by {@code step} (not negative: a ticker never goes back). */
    public void advance(Duration step) {
        if (step.isNegative()) {
            throw new IllegalArgumentException("a ticker never goes back; use setInstant to step the wall clock");
        }
        synchronized (lock) {
            wall = wall.plus(step);
            nanos += step.toNanos();
        }
    }

    /** {@link #advance(Duration)} by {@code millis} milliseconds. */
    public void advanceMillis(long millis) {
        advance(Duration.ofMillis(millis));
    }

    /** Sets the wall clock only, forwards or backwards; the ticker does not move. */
    public void setInstant(Instant instant) {
        synchronized (lock) {
            wall = Objects.requireNonNull(instant, "instant");
        }
    }

    @Override
    public Instant instant() {
        synchronized (lock) {
            return wall;
        }
    }

    @Override
    public long nanoTime() {
        synchronized (lock) {
            return nanos;
        }
    }

    /** Always UTC: the components under test work in instants and epoch milliseconds. */
    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** This clock itself: a copy in another zone would stop moving with it. */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "ManualClock[" + wall + ", ticker " + nanos + " ns]";
        }
    }
}
