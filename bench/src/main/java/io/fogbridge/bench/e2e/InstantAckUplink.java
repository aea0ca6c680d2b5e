package io.fogbridge.bench.e2e;

import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.Uplink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An {@link Uplink} that accepts every message at once, but completes the future on its own thread, as the gateway's
 * pipeline does (the spool's acknowledging thread completes it there): so the interceptor's async resume crosses a
 * thread exactly as in the gateway, and only the routing, the spool, the fsync and Kafka are left out. Used by the MQTT
 * ceiling's {@code instant-ack} broker; thread-safe; {@link #close()} stops the thread.
 */
final class InstantAckUplink implements Uplink, AutoCloseable {

    private static final Outcome ACCEPTED = new Outcome.Accepted(Lane.BULK, -1);

    private final ExecutorService acker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("instant-ack").factory());

    @Override
    public CompletableFuture<Outcome> accept(InboundMessage message) {
        return CompletableFuture.supplyAsync(() -> ACCEPTED, acker);
    }

    @Override
    public void close() {
        acker.shutdownNow();
    }
}
