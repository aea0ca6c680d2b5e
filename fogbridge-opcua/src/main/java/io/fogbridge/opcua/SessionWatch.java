package io.fogbridge.opcua;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What Milo's threads tell the endpoint's loop about one client's session and subscription, as a queue the loop
 * blocks on: the session went inactive (the connection is gone, Milo tries to reactivate it), came back, the
 * subscription spoke (data or keep-alive), or the client is done for good.
 *
 * <p>One per client: signals of a client thrown away never reach its successor. {@link #alive()} costs a volatile
 * read unless the loop waits for it, since it is called on every publish. Thread-safe.
 */
final class SessionWatch {

    /** One thing that happened. */
    sealed interface Signal {}

    /** The session is inactive: the connection is gone; Milo's client tries to reactivate it. */
    record Inactive(String reason) implements Signal {}

    /** The session is active again (reactivated, or a new one with the subscription transferred to it). */
    record Active() implements Signal {}

    /** A publish response of the subscription arrived: it lives. */
    record Alive() implements Signal {}

    /** This client is done: a new session and subscription are needed (or the endpoint is closing). */
    record Gone(String reason) implements Signal {}

    private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private volatile boolean awaitingAlive;
    private volatile boolean sessionActive = true;

    void inactive(String reason) {
        sessionActive = false;
        signals.add(new Inactive(reason));
    }

    void active() {
        sessionActive = true;
        signals.add(new Active());
    }

    void alive() {
        if (awaitingAlive) {
            awaitingAlive = false;
            signals.add(new Alive());
        }
    }

    void gone(String reason) {
        signals.add(new Gone(reason));
    }

    /** Whether the session is active: a subscription watchdog that elapses while it is not says nothing new. */
    boolean sessionActive() {
        return sessionActive;
    }

    /** The next signal, or null after {@code millis}. */
    Signal next(long millis) throws InterruptedException {
        return signals.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The next signal, waiting as long as it takes. */
    Signal next() throws InterruptedException {
        return signals.take();
    }

    /** Let the next publish response through as an {@link Alive} signal. */
    void awaitAlive() {
        awaitingAlive = true;
    }
}
