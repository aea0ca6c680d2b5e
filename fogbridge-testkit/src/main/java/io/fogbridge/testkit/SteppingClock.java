package io.fogbridge.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A wall clock that runs with the system clock but can be stepped, forwards or backwards, as an NTP correction
 * steps a real box's clock: {@code instant() = system time + offset}, and {@link #step} changes the offset at once.
 * For components under real load (a live Kafka, real devices), where {@link ManualClock} would stand still. It has no
 * ticker: a step moves wall time only, and elapsed-time decisions stay on {@link io.fogbridge.api.Ticker#system()}.
 *
 * <p>Thread-safe: the component reads it on its own threads while the test steps it.
 */
public final class SteppingClock extends Clock {

    private volatile long offsetMillis;

    /** Moves the clock by {@code step} (negative = backwards) from now on. */
    public void step(Duration step) {
        synchronized (this) {
            offsetMillis += step.toMillis();
        }
    }

    /** The sum of all steps so far. */
    public Duration offset() {
        return Duration.ofMillis(offsetMillis);
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offsetMillis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    /** Always UTC: the components under test work in instants and epoch milliseconds. */
    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** This clock itself: a copy in another zone would not follow its steps. */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public String toString() {
        return "SteppingClock[system " + (offsetMillis >= 0 ? "+" : "") + offsetMillis + " ms]";
    }
}
