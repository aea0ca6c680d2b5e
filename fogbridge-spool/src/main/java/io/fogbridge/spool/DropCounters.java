package io.fogbridge.spool;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Dropped-record counts by reason. Thread-safe. */
final class DropCounters {
    static final String DROP_OLDEST = "drop-oldest";
    static final String DROP_NEWEST = "drop-newest";
    static final String MAX_AGE = "max-age";
    static final String CORRUPT = "corrupt";
    static final String BLOCK_TIMEOUT = "block-timeout";
    /** A truncated tail that was not a complete record: at most one record, usually never acknowledged. */
    static final String TORN_TAIL = "torn-tail";

    /** QoS 0 at a full spool: never held for room, never buffered in memory. */
    static final String FULL = "full";
    /** QoS 0 refused because the writer's queue is at its budget ({@link AppendBudget}). */
    static final String OVERLOAD = "overload";

    /** A record Kafka refused for good that found the parking area at its bound. */
    static final String PARKED_FULL = "parked-full";

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    DropCounters() {
        for (String r : new String[] {
            DROP_OLDEST, DROP_NEWEST, MAX_AGE, CORRUPT, BLOCK_TIMEOUT, TORN_TAIL, FULL, OVERLOAD, PARKED_FULL
        }) {
            counts.put(r, new LongAdder());
        }
    }

    /**
     * The {@code qos} tag of a reason's counter: {@code 0} for the QoS 0 drops, {@code 1} for refusals only QoS 1
     * appends meet ({@code whenFull}), {@code any} for whole segments lost (they hold both).
     */
    static String qosOf(String reason) {
        return switch (reason) {
            case FULL, OVERLOAD -> "0";
            case DROP_NEWEST, BLOCK_TIMEOUT -> "1";
            default -> "any";
        };
    }

    void add(String reason, long n) {
        if (n > 0) {
            counts.computeIfAbsent(reason, r -> new LongAdder()).add(n);
        }
    }

    long get(String reason) {
        LongAdder a = counts.get(reason);
        return a == null ? 0 : a.sum();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return Map.copyOf(m);
    }
}
