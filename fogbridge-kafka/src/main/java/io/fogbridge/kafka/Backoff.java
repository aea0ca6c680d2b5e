package io.fogbridge.kafka;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter between reconnect attempts: the n-th consecutive failure waits a
 * random time in [d/2, d] where d = min(max, min * 2^(n-1)). The jitter keeps a fleet of gateways
 * that lost Kafka together from reconnecting in lockstep. Not thread-safe. Shared by the forwarder and the
 * command consumer.
 */
public final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    private int failures;

    public Backoff(Duration min, Duration max) {
        this.minMillis = min.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** Registers one more failure and returns how long to wait before the next attempt. */
    public long nextDelayMillis() {
        failures++;
        long ceiling = minMillis << Math.min(failures - 1, 30);
        long delay = Math.min(maxMillis, ceiling < 0 ? maxMillis : ceiling);
        long half = delay / 2;
        return half + ThreadLocalRandom.current().nextLong(delay - half + 1);
    }

    public void reset() {
        failures = 0;
    }

    public int failures() {
        return failures;
    }
}
