package io.fogbridge.adapters.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies the HTTP adapter holds at once, all connections together: from the first byte read
 * until the request handler handed the body to the uplink (or answered without it). Bodies are read before the
 * request is authenticated, so without a bound on their sum any client that can open connections could fill the heap
 * with bodies it never finishes ({@code devices.maxPayload} each, on as many connections as it likes). At the bound
 * the request is answered 503 with {@code Retry-After} and its connection closed.
 *
 * <p>Thread-safe: event loops take, handlers' virtual threads give back.
 */
final class BodyBudget {

    private final long max;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long max) {
        this.max = max;
    }

    /** Takes {@code bytes}; false (and nothing taken) when they do not fit. */
    boolean take(long bytes) {
        long now = held.addAndGet(bytes);
        if (now > max) {
            held.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    void give(long bytes) {
        held.addAndGet(-bytes);
    }

    long held() {
        return held.get();
    }

    long max() {
        return max;
    }
}
