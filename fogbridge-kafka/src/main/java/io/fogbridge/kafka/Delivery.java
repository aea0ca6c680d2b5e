package io.fogbridge.kafka;

import java.util.Locale;

/**
 * What a consumer of the gateway's topics may rely on.
 *
 * <p>{@link #AT_LEAST_ONCE} (the default): every acknowledged record reaches Kafka, and after an outage or a crash
 * some may arrive twice, with the same {@code fog-seq}; consumers deduplicate by it if they must. Cheapest: records
 * stream through an idempotent producer and the spool commits as acknowledgements come.
 *
 * <p>{@link #EXACTLY_ONCE}: the records and the spool position travel in one Kafka transaction (see
 * {@link TransactionalForwarder}), so a consumer with {@code isolation.level=read_committed} sees every record
 * once. It costs a transaction commit per batch (a few extra round trips to the transaction coordinator) and
 * records become visible to such consumers only when their transaction commits.
 */
public enum Delivery {
    AT_LEAST_ONCE("at-least-once"),
    EXACTLY_ONCE("exactly-once");

    private final String id;

    Delivery(String id) {
        this.id = id;
    }

    /** As written in config: {@code at-least-once} or {@code exactly-once}. */
    public String id() {
        return id;
    }

    public static Delivery ofId(String text) {
        String wanted = text.strip().toLowerCase(Locale.ROOT);
        for (Delivery d : values()) {
            if (d.id.equals(wanted)) {
                return d;
            }
        }
        throw new IllegalArgumentException("expected at-least-once or exactly-once, got '" + text + "'");
    }
}
