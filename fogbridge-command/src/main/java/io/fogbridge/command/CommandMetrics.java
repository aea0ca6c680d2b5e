package io.fogbridge.command;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * {@code fogbridge.command.*} meters: received, delivered, expired, failed{status} (413: over a byte bound, 500:
 * a command that could not be stored or read back), ignored, pending, pending.bytes.
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

    void pendingGauges(Supplier<Number> pending, Supplier<Number> pendingBytes) {
        if (registry != null) {
            Gauge.builder("fogbridge.command.pending", pending)
                    .description("commands kept for devices that are not reachable yet")
                    .register(registry);
            Gauge.builder("fogbridge.command.pending.bytes", pendingBytes)
                    .description("bytes the pending commands take on disk (bounded by commands.maxPendingBytes)")
                    .baseUnit("bytes")
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
