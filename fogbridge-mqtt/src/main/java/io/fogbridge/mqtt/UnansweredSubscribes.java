package io.fogbridge.mqtt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The relayed SUBSCRIBEs the embedded broker has not answered yet, numbered in the order the relay read them, across
 * all devices. HiveMQ writes a SUBACK only once its topic tree has the subscription, and routes a relayed PUBLISH
 * faster than it takes a subscription in; so a PUBLISH the relay reads while SUBSCRIBEs are unanswered waits for the
 * ones read before it ({@link #whenAnswered}), and reaches those subscriptions. SUBSCRIBEs read after it do not hold
 * it up: under a storm of reconnecting devices that subscribe, every PUBLISH waits only for the SUBACKs it needs,
 * never for the storm to end.
 *
 * <p>Thread-safe. {@link #any} is the check on every PUBLISH (one volatile read); the rest runs per SUBSCRIBE, under a
 * lock.
 */
final class UnansweredSubscribes {

    private record Waiter(long upTo, Runnable then) {}

    private final Runnable onAnswered;
    private final AtomicInteger count = new AtomicInteger();
    private final Object lock = new Object();
    private final TreeSet<Long> unanswered = new TreeSet<>(); // guarded by lock
    private final PriorityQueue<Waiter> waiters =
            new PriorityQueue<>(Comparator.comparingLong(Waiter::upTo)); // guarded by lock
    private long issued; // guarded by lock
    /** When the last SUBSCRIBE was sent (System.nanoTime()); 0: none yet. */
    private volatile long lastSentAt;

    /** @param onAnswered runs before each SUBACK counts, on the thread that saw it (the broker's tree may have changed) */
    UnansweredSubscribes(Runnable onAnswered) {
        this.onAnswered = onAnswered;
    }

    /** A relayed SUBSCRIBE went to the broker: its number, to hand back to {@link #answered}. */
    long sent() {
        synchronized (lock) {
            long number = ++issued;
            lastSentAt = System.nanoTime() | 1; // never 0
            unanswered.add(number);
            count.incrementAndGet();
            return number;
        }
    }

    /** The broker answered SUBSCRIBE {@code number}, or never will (its connection closed). */
    void answered(long number) {
        onAnswered.run();
        List<Runnable> ready = new ArrayList<>();
        synchronized (lock) {
            if (!unanswered.remove(number)) {
                return;
            }
            count.decrementAndGet();
            long oldest = unanswered.isEmpty() ? Long.MAX_VALUE : unanswered.first();
            while (!waiters.isEmpty() && waiters.peek().upTo() < oldest) {
                ready.add(waiters.poll().then());
            }
        }
        ready.forEach(Runnable::run);
    }

    /** Whether a relayed SUBSCRIBE was sent within {@code nanos} before {@code now} (System.nanoTime()). */
    boolean sentWithin(long nanos, long now) {
        long at = lastSentAt;
        return at != 0 && now - at < nanos;
    }

    /** Whether any relayed SUBSCRIBE is unanswered. */
    boolean any() {
        return count.get() > 0;
    }

    /** The number of the last SUBSCRIBE sent: a PUBLISH read now waits for it and every one before it. */
    long lastSent() {
        synchronized (lock) {
            return issued;
        }
    }

    /** Runs {@code then} once every SUBSCRIBE up to number {@code upTo} is answered: at once if they are. */
    void whenAnswered(long upTo, Runnable then) {
        synchronized (lock) {
            if (!unanswered.isEmpty() && unanswered.first() <= upTo) {
                waiters.add(new Waiter(upTo, then));
                return;
            }
        }
        then.run();
    }
}
