package io.fogbridge.pipeline.reduction;

import java.util.Locale;

/** What a window reports for one field, over the numeric values it saw (see {@link WindowStream}). */
public enum Aggregate {
    MIN,
    MAX,
    AVG,
    COUNT,
    LAST;

    /** The name in config and in the window payload: {@code min}, {@code avg} … */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the choices */
    public static Aggregate parse(String text) {
        for (Aggregate aggregate : values()) {
            if (aggregate.id().equals(text.trim())) {
                return aggregate;
            }
        }
        throw new IllegalArgumentException(
                "unknown aggregate '" + text.trim() + "' (expected min, max, avg, count or last)");
    }
}
