package io.fogbridge.gateway.fake;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.adapter.AdapterContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Polls a counter as its "point" on the context's scheduler and sends each reading at least once, following the
 * poller's side of the {@link ProtocolAdapter} contract: a retriable refusal keeps the reading and sends it again on
 * the next tick, and the counter advances only after the reading was accepted.
 */
final class FakePoller implements ProtocolAdapter {

    private final FakePollerFactory.Settings settings;
    private final AdapterContext context;
    private final AtomicLong reading = new AtomicLong();
    private volatile boolean inFlight;
    private ScheduledFuture<?> polls;

    FakePoller(FakePollerFactory.Settings settings, AdapterContext context) {
        this.settings = settings;
        this.context = context;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public synchronized void start(Uplink uplink) {
        long millis = settings.interval().toMillis();
        polls = context.scheduler().scheduleWithFixedDelay(() -> poll(uplink), 0, millis, TimeUnit.MILLISECONDS);
    }

    private void poll(Uplink uplink) {
        if (inFlight) {
            return; // back-pressure: one unacknowledged reading at a time
        }
        inFlight = true;
        long value = reading.get();
        InboundMessage message = new InboundMessage(
                "telemetry",
                Long.toString(value).getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE,
                new DeviceRef("acme", settings.device(), "fake"),
                "text/plain",
                context.clock().millis());
        uplink.accept(message).whenComplete((outcome, failure) -> {
            if (outcome instanceof Outcome.Accepted
                    || outcome instanceof Outcome.Local
                    || outcome instanceof Outcome.Rejected rejected && !rejected.retriable()) {
                reading.compareAndSet(value, value + 1);
            } // retriable refusal or failure: keep the value, the next tick sends it again
            inFlight = false;
        });
    }

    @Override
    public boolean ready() {
        return polls != null && !polls.isDone();
    }

    @Override
    public synchronized void close() {
        if (polls != null) {
            polls.cancel(false);
        }
    }
}
