package io.fogbridge.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipeline's counters, named once: {@code fogbridge.pipeline.ingested} (tag {@code route}: records the spool
 * accepted), {@code fogbridge.pipeline.unrouted}, {@code fogbridge.pipeline.rejected} (tag {@code reason}) and
 * {@code fogbridge.pipeline.suppressed} (tag {@code reason}: messages a stage dropped on purpose). Without a registry
 * nothing is counted. Thread-safe.
 */
final class PipelineMeters {

    private final MeterRegistry registry;
    private final Counter unrouted;
    private final Map<String, Counter> ingested = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<String, Counter> suppressed = new ConcurrentHashMap<>();

    /**
     * @param registry may be null: no metrics
     * @param routes   route names, registered up front so that a scrape shows every route at 0
     */
    PipelineMeters(MeterRegistry registry, Iterable<String> routes) {
        this.registry = registry;
        this.unrouted = registry == null ? null : registry.counter("fogbridge.pipeline.unrouted");
        for (String route : routes) {
            counter(ingested, "fogbridge.pipeline.ingested", "route", route);
        }
    }

    void ingested(String route) {
        increment(counter(ingested, "fogbridge.pipeline.ingested", "route", route));
    }

    void unrouted() {
        increment(unrouted);
    }

    void rejected(String reason) {
        increment(counter(rejected, "fogbridge.pipeline.rejected", "reason", reason));
    }

    void suppressed(String reason) {
        increment(counter(suppressed, "fogbridge.pipeline.suppressed", "reason", reason));
    }

    private Counter counter(Map<String, Counter> counters, String name, String tag, String value) {
        if (registry == null) {
            return null;
        }
        Counter counter = counters.get(value); // present on every message but the first: no lambda on the hot path
        return counter != null ? counter : counters.computeIfAbsent(value, v -> registry.counter(name, tag, v));
    }

    private static void increment(Counter counter) {
        if (counter != null) {
            counter.increment();
        }
    }
}
