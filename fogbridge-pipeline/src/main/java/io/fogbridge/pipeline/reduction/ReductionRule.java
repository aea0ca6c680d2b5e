package io.fogbridge.pipeline.reduction;

import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.pipeline.TopicFilter;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One configured reduction: which records it takes (route name, MQTT topic filter, device; each optional, all given
 * must match) and what it does to them. A rule either filters (a {@code deadband} per field, {@code minInterval},
 * {@code maxSilence}) or aggregates over a tumbling {@code window}; never both, because an aggregate of a filtered
 * stream would describe the filter, not the signal. Immutable.
 *
 * @param name        the {@code name} tag of the reduction metrics
 * @param route       the route name the record must have been routed by, or null for any
 * @param topic       a filter the MQTT topic as published must match, or null for any
 * @param device      the device id the record must be about, or null for any
 * @param deadbands   field path ({@code temp}, {@code values.rpm}) → band; a record is sent when any of these
 *                    fields left its band; empty: every record counts as changed
 * @param minInterval at most one record per stream per this interval, the latest wins; zero: off
 * @param maxSilence  send a record that changed nothing once this long passed since the last one sent; zero: off
 * @param window      the tumbling window length; zero: no window
 * @param aggregates  field path → what the window reports for it; empty unless {@code window} is set
 * @param maxStreams  the most streams (device and topic) this rule keeps state for (see {@link StreamTable})
 */
public record ReductionRule(
        String name,
        String route,
        TopicFilter topic,
        String device,
        Map<String, Deadband> deadbands,
        Duration minInterval,
        Duration maxSilence,
        Duration window,
        Map<String, Set<Aggregate>> aggregates,
        int maxStreams) {

    public ReductionRule {
        Objects.requireNonNull(name, "name");
        deadbands = Collections.unmodifiableMap(new LinkedHashMap<>(deadbands));
        aggregates = Collections.unmodifiableMap(new LinkedHashMap<>(aggregates));
        minInterval = minInterval == null ? Duration.ZERO : minInterval;
        maxSilence = maxSilence == null ? Duration.ZERO : maxSilence;
        window = window == null ? Duration.ZERO : window;
        boolean windowed = !window.isZero();
        if (windowed == aggregates.isEmpty()) {
            throw new IllegalArgumentException("a window needs aggregates, and aggregates need a window");
        }
        if (windowed && (!deadbands.isEmpty() || !minInterval.isZero() || !maxSilence.isZero())) {
            throw new IllegalArgumentException("a rule either aggregates over a window or filters, not both");
        }
        if (maxStreams < 1) {
            throw new IllegalArgumentException("maxStreams must be at least 1");
        }
    }

    public boolean windowed() {
        return !window.isZero();
    }

    /** Whether this rule takes the record: every selector given matches. The record is routed. */
    public boolean selects(UplinkRecord record) {
        return (route == null || route.equals(record.destination().route()))
                && (device == null || device.equals(record.destination().device()))
                && (topic == null || topic.matches(record.message().topic()));
    }

    /** The fields the rule reads from a payload, in a fixed order: the index of a field in a {@link Sample}. */
    public String[] fields() {
        return (windowed() ? aggregates.keySet() : deadbands.keySet()).toArray(String[]::new);
    }
}
