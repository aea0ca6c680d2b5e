package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.Uplink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A fake of our own {@link Uplink}: records every call and either answers at once ({@link #answerWith}) or holds the
 * future for the test to complete ({@link #hold()}).
 */
final class ControllableUplink implements Uplink {

    record Call(InboundMessage message, CompletableFuture<Outcome> future) {}

    private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    private volatile Function<InboundMessage, Outcome> answer =
            m -> new Outcome.Accepted(io.fogbridge.api.Lane.BULK, 1);

    @Override
    public CompletableFuture<Outcome> accept(InboundMessage message) {
        CompletableFuture<Outcome> future = new CompletableFuture<>();
        calls.add(new Call(message, future));
        Function<InboundMessage, Outcome> now = answer;
        Outcome outcome = now == null ? null : now.apply(message);
        if (outcome != null) {
            future.complete(outcome);
        }
        return future;
    }

    ControllableUplink answerWith(Outcome outcome) {
        answer = m -> outcome;
        return this;
    }

    /** Answers each call by a function of the message (may return null to hold that one). */
    ControllableUplink answering(Function<InboundMessage, Outcome> answer) {
        this.answer = answer;
        return this;
    }

    ControllableUplink hold() {
        answer = null;
        return this;
    }

    /** The next call, waiting up to 15 s; fails the test when none comes. */
    Call next() throws InterruptedException {
        Call call = calls.poll(15, TimeUnit.SECONDS);
        assertThat(call).as("a call to Uplink.accept").isNotNull();
        return call;
    }

    /** The next call within a short while, or null. */
    Call poll(long millis) throws InterruptedException {
        return calls.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The calls that come until {@code atMost} came or none came within {@code millis} of the one before. */
    List<Call> pollAll(int atMost, long millis) throws InterruptedException {
        List<Call> polled = new ArrayList<>();
        for (Call call; polled.size() < atMost && (call = poll(millis)) != null; ) {
            polled.add(call);
        }
        return polled;
    }

    void clear() {
        calls.clear();
    }
}
