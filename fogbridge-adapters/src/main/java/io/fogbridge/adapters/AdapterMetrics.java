package io.fogbridge.adapters;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP or CoAP adapter's meters, named {@code fogbridge.<adapter>.*}. With a null registry every call is a no-op.
 *
 * <ul>
 *   <li>{@code fogbridge.<adapter>.requests} (tag {@code status}: the HTTP-like status answered: 200, 202, 400, 401,
 *       403, 404, 405, 413, 500, 503): device requests by how they were answered
 *   <li>{@code fogbridge.<adapter>.requests.unanswered}: complete requests whose client had gone when the answer was
 *       written (HTTP: an abandoned long poll, a client that timed out)
 *   <li>{@code fogbridge.<adapter>.auth.failed}: requests refused for missing or wrong credentials
 *   <li>{@code fogbridge.<adapter>.commands.delivered}: commands handed to a device in a {@code ttd} response
 *   <li>{@code fogbridge.<adapter>.ttd.waiting}: requests currently held open waiting for a command
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class AdapterMetrics {

    private final String prefix;
    private final MeterRegistry registry;
    private final Map<Integer, Counter> requests = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();

    public AdapterMetrics(String adapter, MeterRegistry registryOrNull) {
        this.prefix = "fogbridge." + adapter + ".";
        this.registry = registryOrNull;
        if (registry != null) {
            Gauge.builder(prefix + "ttd.waiting", waiting, AtomicInteger::get)
                    .description("requests held open waiting for a command (ttd)")
                    .register(registry);
        }
    }

    public void answered(int status) {
        if (registry != null) {
            requests.computeIfAbsent(status, s -> Counter.builder(prefix + "requests")
                            .description("device requests by the status they were answered with")
                            .tag("status", Integer.toString(s))
                            .register(registry))
                    .increment();
        }
    }

    public void unanswered() {
        if (registry != null) {
            registry.counter(prefix + "requests.unanswered").increment();
        }
    }

    public void authFailed() {
        if (registry != null) {
            registry.counter(prefix + "auth.failed").increment();
        }
    }

    public void commandDelivered() {
        if (registry != null) {
            registry.counter(prefix + "commands.delivered").increment();
        }
    }

    public void waitStarted() {
        waiting.incrementAndGet();
    }

    public void waitEnded() {
        waiting.decrementAndGet();
    }
}
