package io.fogbridge.pipeline.reduction;

import io.fogbridge.api.pipeline.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One rule's counters, tagged {@code rule} (the rule's name) and, where it applies, {@code reason} ({@code deadband},
 * {@code minInterval}, {@code window}). In Prometheus:
 *
 * <ul>
 *   <li>{@code fogbridge_reduction_suppressed_total{rule,reason}} — records answered at once and not appended (each
 *       is also in {@code fogbridge_pipeline_suppressed_total{reason}})
 *   <li>{@code fogbridge_reduction_released_total{rule,reason}} — records the rule appended later on its own: a
 *       window's aggregate, a held record whose {@code minInterval} ended
 *   <li>{@code fogbridge_reduction_evicted_total{rule}} — streams dropped to stay within {@code maxStreams}
 *   <li>{@code fogbridge_reduction_unreduced_total{rule}} — records the rule selected but passed on untouched:
 *       not a JSON object, or none of the rule's fields in it
 * </ul>
 *
 * All are registered up front, so a scrape shows each rule at 0. Without a registry nothing is counted. Thread-safe.
 */
final class ReductionMeters {

    private final Counter deadband;
    private final Counter minInterval;
    private final Counter window;
    private final Counter releasedHeld;
    private final Counter releasedWindows;
    private final Counter evicted;
    private final Counter unreduced;

    /** @param registry may be null */
    ReductionMeters(MeterRegistry registry, String rule) {
        deadband = counter(registry, "fogbridge.reduction.suppressed", rule, "deadband");
        minInterval = counter(registry, "fogbridge.reduction.suppressed", rule, "minInterval");
        window = counter(registry, "fogbridge.reduction.suppressed", rule, "window");
        releasedHeld = counter(registry, "fogbridge.reduction.released", rule, "minInterval");
        releasedWindows = counter(registry, "fogbridge.reduction.released", rule, "window");
        evicted = registry == null ? null : registry.counter("fogbridge.reduction.evicted", "rule", rule);
        unreduced = registry == null ? null : registry.counter("fogbridge.reduction.unreduced", "rule", rule);
    }

    private static Counter counter(MeterRegistry registry, String name, String rule, String reason) {
        return registry == null ? null : registry.counter(name, "rule", rule, "reason", reason);
    }

    /** @param why one of the {@code Verdict.Suppress} constants of the streams */
    void suppressed(Verdict why) {
        increment(why == FilterStream.DEADBAND ? deadband : why == FilterStream.MIN_INTERVAL ? minInterval : window, 1);
    }

    void released(Verdict why) {
        increment(why == WindowStream.WINDOW ? releasedWindows : releasedHeld, 1);
    }

    void evicted(int streams) {
        increment(evicted, streams);
    }

    void unreduced() {
        increment(unreduced, 1);
    }

    private static void increment(Counter counter, int amount) {
        if (counter != null) {
            counter.increment(amount);
        }
    }
}
