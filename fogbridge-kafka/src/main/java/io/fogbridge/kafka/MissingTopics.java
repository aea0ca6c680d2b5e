package io.fogbridge.kafka;

import io.fogbridge.api.Ticker;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Topics Kafka said do not exist, so the forwarder parks their records at once instead of waiting
 * {@code max.block.ms} for each (which would stall every other topic as long). Each is asked for again at most every
 * {@link #RECHECK}: once an operator created it, new records flow again within that time. Bounded: at most
 * {@link #MAX_TOPICS} remembered (more are simply checked again).
 *
 * <p><b>Threads.</b> Not thread-safe: the forwarder thread owns it. Checks block that thread up to
 * {@link #CHECK_TIMEOUT}.
 */
final class MissingTopics implements AutoCloseable {
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);
    static final Duration RECHECK = Duration.ofSeconds(10);
    private static final int MAX_TOPICS = 1024;

    /** Why a record of a missing topic is parked; the part before the colon is the metric's reason tag. */
    static String reason(String topic) {
        return "UnknownTopic: topic " + topic + " does not exist in Kafka";
    }

    private final TopicCheck check;
    private final Ticker ticker;
    /** topic → ticker reading of the last check that found it missing. */
    private final Map<String, Long> missing = new HashMap<>();

    MissingTopics(TopicCheck check, Ticker ticker) {
        this.check = check;
        this.ticker = ticker;
    }

    /**
     * The producer could not find {@code topic}: asks Kafka. Returns the parking reason when Kafka says it does not
     * exist, null when it exists or Kafka did not answer (then the failure is an outage, retried as usual).
     */
    String confirmMissing(String topic) {
        if (check.exists(topic) != TopicCheck.Existence.MISSING) {
            missing.remove(topic);
            return null;
        }
        if (missing.size() < MAX_TOPICS || missing.containsKey(topic)) {
            missing.put(topic, ticker.nanoTime());
        }
        return reason(topic);
    }

    /** The parking reason if {@code topic} is known to be missing (asking Kafka again when due), else null. */
    String stillMissing(String topic) {
        if (missing.isEmpty()) {
            return null;
        }
        Long since = missing.get(topic);
        if (since == null) {
            return null;
        }
        if (ticker.nanoTime() - since < TimeUnit.MILLISECONDS.toNanos(RECHECK.toMillis())) {
            return reason(topic);
        }
        return switch (check.exists(topic)) {
            case MISSING -> {
                missing.put(topic, ticker.nanoTime());
                yield reason(topic);
            }
            case EXISTS -> {
                missing.remove(topic);
                yield null;
            }
            // Kafka away: keep the entry (checked again next time) and send; the send waits and fails like any other
            case UNKNOWN -> null;
        };
    }

    @Override
    public void close() {
        check.close();
    }
}
