package io.fogbridge.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * The forwarder's meters ({@code fogbridge.forwarder.*}); every method is a no-op without a registry.
 * Gauges read the forwarder's state on scrape, so nothing is updated on the hot path but counters.
 */
final class ForwarderMetrics {

    private final MeterRegistry registry;
    private final Counter sent;
    private final Counter acked;

    ForwarderMetrics(MeterRegistry registry, Supplier<ForwarderState> state) {
        this.registry = registry;
        if (registry == null) {
            sent = null;
            acked = null;
            return;
        }
        sent = Counter.builder("fogbridge.forwarder.sent")
                .description("records handed to the Kafka producer, re-sends included")
                .register(registry);
        acked = Counter.builder("fogbridge.forwarder.acked")
                .description("records Kafka acknowledged")
                .register(registry);
        Gauge.builder("fogbridge.forwarder.lag.seconds", () -> state.get().lagMillis() / 1000.0)
                .description("age of the oldest record not yet acknowledged by Kafka")
                .register(registry);
        Gauge.builder("fogbridge.forwarder.connected", () -> state.get().connected() ? 1 : 0)
                .description("1 while Kafka acknowledges records, else 0")
                .register(registry);
        Gauge.builder("fogbridge.forwarder.inflight", () -> state.get().inFlight())
                .description("records read from the spool and not yet acknowledged")
                .register(registry);
    }

    void sent(int n) {
        if (sent != null) {
            sent.increment(n);
        }
    }

    void acked(int n) {
        if (acked != null) {
            acked.increment(n);
        }
    }

    /** Counts one record parked, by why Kafka refused it (the exception class, or {@code UnknownTopic}). */
    void parked(String reason) {
        if (registry != null) {
            registry.counter("fogbridge.forwarder.parked", "reason", reason).increment();
        }
    }

    /**
     * Counts one failure by its {@link KafkaFailure#reason()}: {@code dns} when the bootstrap names do not
     * resolve, else the class of its cause, e.g. {@code TimeoutException}.
     */
    void error(String reason) {
        if (registry != null) {
            registry.counter("fogbridge.forwarder.errors", "reason", reason).increment();
        }
    }
}
