package io.fogbridge.command;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * {@code fogbridge.command.*} meters: received, delivered, expired, failed{status}, ignored, pending.
 * A null registry records nothing. Thread-safe.
 */
final class CommandMetrics {

    private final MeterRegistry registry;
    private final Counter received;
    private final Counter delivered;
    private final Counter expired;
    private final Counter ignored;

    CommandMetrics(MeterRegistry registryOrNull) {
        this.registry = registryOrNull;
        received = counter("fogbridge.command.received", "commands taken from Kafka for this gateway");
        delivered = counter("fogbridge.command.delivered", "commands the device acknowledged");
        expired = counter("fogbridge.command.expired", "commands whose ttl passed before delivery (408)");
        ignored = counter("fogbridge.command.ignored", "commands for devices this gateway does not serve");
    }

    void pendingGauge(Supplier<Number> pending) {
        if (registry != null) {
            Gauge.builder("fogbridge.command.pending", pending)
                    .description("commands kept for devices that are not reachable yet")
                    .register(registry);
        }
    }

    void received() {
        increment(received);
    }

    void delivered() {
        increment(delivered);
    }

    void expired() {
        increment(expired);
    }

    void ignored() {
        increment(ignored);
    }

    void failed(int status) {
        if (registry != null) {
            Counter.builder("fogbridge.command.failed")
                    .description("commands answered with a gateway failure response")
                    .tag("status", Integer.toString(status))
                    .register(registry)
                    .increment();
        }
    }

    private Counter counter(String name, String description) {
        return registry == null
                ? null
                : Counter.builder(name).description(description).register(registry);
    }

    private static void increment(Counter counter) {
        if (counter != null) {
            counter.increment();
        }
    }
}
