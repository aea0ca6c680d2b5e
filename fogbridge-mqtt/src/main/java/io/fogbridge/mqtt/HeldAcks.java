package io.fogbridge.mqtt;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One device connection's acknowledgements in front of the embedded broker (decision 0001): the broker answers a
 * device's QoS 1 PUBLISH as soon as it has routed it, and this holds that answer until the record the interceptor
 * appended for it is durable, then releases it. Many PUBLISHes of a connection wait at once; their answers leave in
 * the order the PUBLISHes came.
 *
 * <p><b>Guarantee.</b> A success answer is released only after its append completed successfully, and only after
 * every earlier PUBLISH of the connection was answered. A refusal by the broker (a reason code ≥ 0x80) or a PUBLISH
 * the interceptor did not append is released as the broker said, in its place in the order. An append that fails is
 * answered 0x80 (unspecified error), one not complete within {@code ackTimeout} 0x83 (implementation-specific
 * error, what HiveMQ's timeout fallback answered before); a late completion is then ignored.
 *
 * <p><b>Threads.</b> Not thread-safe: every method runs on the connection's event loop. Appends complete on other
 * threads; their completions are handed to {@code loop}, so the queue is only touched there. The completions of one
 * group commit arrive together: they are handed over as one task, and what they release leaves in one flush. One
 * task and one write per answer cost a connection with 32 in flight a socket write per message (BENCHMARKS.md,
 * "Performance II", session 13).
 *
 * <p><b>Timeouts.</b> One timer per connection, not one per answer: it is armed for the oldest answer still waiting
 * and, when it fires on {@code loop}, answers everything overdue and re-arms for the next. A timer per answer
 * ({@code orTimeout}) handed a task to the JDK's delay-scheduler thread per PUBLISH and another to cancel it: 0.7 % of
 * the gateway's CPU samples in a relay run at 1,000 msg/s, start-up included (BENCHMARKS.md, "Performance II").
 *
 * @param <A> the broker's answer as the caller forwards it (the packet's bytes in the relay)
 */
final class HeldAcks<A> {

    static final int UNSPECIFIED_ERROR = 0x80;
    static final int IMPLEMENTATION_SPECIFIC_ERROR = 0x83;

    /** Where released answers go. */
    interface Sink<A> {
        /** The broker's own answer, now releasable, {@code heldNanos} after the device's PUBLISH was read. */
        void release(A brokerAnswer, long heldNanos);

        /**
         * The append behind a success answer failed: answer {@code packetId} with {@code reasonCode} instead of
         * {@code brokerAnswer} (which says whether it was a PUBACK or a PUBREC), {@code heldNanos} after the PUBLISH.
         */
        void fail(A brokerAnswer, int packetId, int reasonCode, String reason, long heldNanos);

        /** After a run of releases: one flush for all of them. */
        void flush();
    }

    /**
     * How an append's future fails when the uplink refused the record after the broker had let it through (spool
     * full, …): answered with {@code reasonCode} instead of 0x80. Carries no stack trace; it is an answer, not a bug.
     */
    static final class Refused extends RuntimeException {
        final int reasonCode;

        Refused(int reasonCode, String reason) {
            super(reason, null, false, false);
            this.reasonCode = reasonCode;
        }
    }

    private record Completion<A>(Held<A> held, Throwable failure) {}

    private static final class Held<A> {
        final int packetId;
        A brokerAnswer;
        final long publishedAt = System.nanoTime(); // when the device's PUBLISH was read
        boolean ready;
        int failure; // 0, or the reason code to answer instead of the broker's success
        String reason; // why, for the reason string; may be null

        Held(int packetId) {
            this.packetId = packetId;
        }
    }

    private final Executor loop;
    private final Duration ackTimeout;
    private final Sink<A> sink;
    private final ArrayDeque<Held<A>> queue = new ArrayDeque<>();
    /** Appends completed on other threads, not yet settled on {@code loop}. */
    private final ConcurrentLinkedQueue<Completion<A>> completed = new ConcurrentLinkedQueue<>();
    /** A task to settle {@link #completed} is on its way to {@code loop}. */
    private final AtomicBoolean settling = new AtomicBoolean();

    private boolean closed;
    private boolean timerArmed;
    /** Inside {@link #together}: answers are drained when it ends. */
    private boolean together;

    private boolean drainOwed;

    HeldAcks(Executor loop, Duration ackTimeout, Sink<A> sink) {
        this.loop = loop;
        this.ackTimeout = ackTimeout;
        this.sink = sink;
    }

    /** The device sent a QoS 1 or 2 PUBLISH with {@code packetId}; its answer will be released in this order. */
    void published(int packetId) {
        queue.add(new Held<>(packetId));
    }

    /**
     * The broker answered the device's PUBLISH {@code packetId}.
     *
     * @param refused the broker's reason code refused it (≥ 0x80): released as it is, in order
     * @param durable the append the interceptor started for it, or null if it started none
     * @return false if no PUBLISH of this connection awaits an answer with that id: the caller forwards it as it is
     */
    boolean brokerAnswered(int packetId, A brokerAnswer, boolean refused, CompletableFuture<?> durable) {
        Held<A> held = awaiting(packetId);
        if (held == null) {
            return false;
        }
        held.brokerAnswer = brokerAnswer;
        if (refused || durable == null) {
            held.ready = true;
            drainSoon();
            return true;
        }
        if (durable.isDone()) { // the relay routes a PUBLISH once it is durable: settled here, without a task
            settle(
                    held,
                    durable.isCompletedExceptionally()
                            ? durable.handle((r, e) -> e).join()
                            : null);
            drainSoon();
            return true;
        }
        // Only observed: the timeout answers the device, it never completes the uplink's own future.
        durable.whenComplete((ignored, failure) -> completed(held, failure));
        armTimer(ackTimeout.toNanos());
        return true;
    }

    /** Arms the connection's one timer, unless it is armed already (it re-arms itself while answers wait). */
    private void armTimer(long delayNanos) {
        if (timerArmed || closed) {
            return;
        }
        timerArmed = true;
        CompletableFuture.delayedExecutor(Math.max(delayNanos, 1), TimeUnit.NANOSECONDS, loop)
                .execute(this::timeOut);
    }

    /** The timer fired (on the loop): answers not durable within {@code ackTimeout} get 0x83, oldest first. */
    private void timeOut() {
        timerArmed = false;
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        long timeout = ackTimeout.toNanos();
        long nextDue = Long.MAX_VALUE;
        boolean overdue = false;
        for (Held<A> held : queue) {
            if (held.ready || held.brokerAnswer == null) {
                continue;
            }
            long due = held.publishedAt + timeout;
            if (due - now <= 0) {
                held.failure = IMPLEMENTATION_SPECIFIC_ERROR;
                held.ready = true;
                overdue = true;
            } else if (nextDue == Long.MAX_VALUE || due - nextDue < 0) {
                nextDue = due;
            }
        }
        if (overdue) {
            drain();
        }
        if (nextDue != Long.MAX_VALUE) {
            armTimer(nextDue - now);
        }
    }

    /**
     * Runs {@code answering} (on the loop); what the answers it gives release leaves in one flush when it ends: the
     * relay answers a whole group commit's PUBLISHes of a connection in one go.
     */
    void together(Runnable answering) {
        together = true;
        try {
            answering.run();
        } finally {
            together = false;
            if (drainOwed) {
                drainOwed = false;
                drain();
            }
        }
    }

    private void drainSoon() {
        if (together) {
            drainOwed = true;
        } else {
            drain();
        }
    }

    /** Answers not yet released. */
    int held() {
        return queue.size();
    }

    /**
     * The device connection is gone: nothing more is released; the device resends what it did not hear about.
     *
     * @return the broker answers that were held, for the caller to free
     */
    List<A> close() {
        closed = true;
        List<A> answers = new ArrayList<>();
        for (Held<A> held : queue) {
            if (held.brokerAnswer != null) {
                answers.add(held.brokerAnswer);
            }
        }
        queue.clear();
        return answers;
    }

    private Held<A> awaiting(int packetId) {
        for (Held<A> h : queue) {
            if (h.packetId == packetId && h.brokerAnswer == null) {
                return h;
            }
        }
        return null;
    }

    /** On any thread: an append completed. */
    private void completed(Held<A> held, Throwable failure) {
        completed.add(new Completion<>(held, failure));
        if (settling.compareAndSet(false, true)) {
            loop.execute(this::settleCompleted);
        }
    }

    private void settleCompleted() {
        settling.set(false); // a completion added from here on brings its own task
        boolean settled = false;
        for (Completion<A> c; (c = completed.poll()) != null; ) {
            settled |= settle(c.held(), c.failure());
        }
        if (settled) {
            drain();
        }
    }

    /** @return whether {@code held} became ready */
    private boolean settle(Held<A> held, Throwable failure) {
        if (closed || held.ready) {
            return false; // answered 0x83 by the timer already: the late completion is ignored
        }
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof Refused refused) {
            held.failure = refused.reasonCode;
            held.reason = refused.getMessage();
        } else if (cause != null) {
            held.failure = cause instanceof TimeoutException ? IMPLEMENTATION_SPECIFIC_ERROR : UNSPECIFIED_ERROR;
        }
        held.ready = true;
        return true;
    }

    private void drain() {
        boolean released = false;
        long now = 0;
        for (Held<A> head = queue.peek(); head != null && head.ready; head = queue.peek()) {
            queue.poll();
            if (now == 0) {
                now = System.nanoTime();
            }
            if (head.failure != 0) {
                sink.fail(head.brokerAnswer, head.packetId, head.failure, head.reason, now - head.publishedAt);
            } else {
                sink.release(head.brokerAnswer, now - head.publishedAt);
            }
            released = true;
        }
        if (released) {
            sink.flush();
        }
    }
}
