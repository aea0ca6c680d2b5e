package io.fogbridge.spool;

import java.util.Locale;

/** What an append does when the spool is at {@code maxBytes}. */
public enum FullPolicy {
    /**
     * Back-pressure: the append's future waits (the calling thread never does) until commits free
     * space, and fails with {@link io.fogbridge.api.SpoolException.Full} after {@code blockTimeout}.
     * Appends stay in order: a later append never overtakes a waiting one.
     */
    BLOCK,
    /**
     * Delete the oldest segment (BULK lane first, then PRIORITY) to make room; its uncommitted
     * records are counted as drops with reason {@code drop-oldest}.
     */
    DROP_OLDEST,
    /** Refuse the new record: its future fails with {@code Full}; counted as {@code drop-newest}. */
    DROP_NEWEST;

    /** The config form: {@code block}, {@code drop-oldest}, {@code drop-newest}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses the config form, case-insensitively; the one rule for it (the message fits a config error). */
    public static FullPolicy parse(String text) {
        for (FullPolicy p : values()) {
            if (p.id().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("expected one of block, drop-oldest, drop-newest, got '" + text + "'");
    }

    @Override
    public String toString() {
        return id();
    }
}
