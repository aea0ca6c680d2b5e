package io.fogbridge.spool;

/**
 * When an append counts as durable, i.e. when its future completes.
 *
 * <ul>
 *   <li>{@link Group} ({@code group}, the default): the future completes after the record's bytes
 *       were written <em>and</em> fsynced; appends that arrive together share one fsync (group
 *       commit). Survives power loss.
 *   <li>{@link Interval} ({@code interval:<ms>}): the future completes once {@code write()}
 *       returned, i.e. the OS page cache holds the record; a timer fsyncs every {@code <ms>}.
 *       Survives any process crash, SIGKILL included; a power cut may lose the last {@code <ms>}
 *       of acknowledged records.
 * </ul>
 *
 * Immutable, thread-safe.
 */
public sealed interface FsyncPolicy permits FsyncPolicy.Group, FsyncPolicy.Interval {

    /** fsync before completing; concurrent appends share one fsync. */
    record Group() implements FsyncPolicy {
        @Override
        public String toString() {
            return "group";
        }
    }

    /** Complete after write(); fsync every {@code millis}. */
    record Interval(long millis) implements FsyncPolicy {
        public Interval {
            if (millis < 1) {
                throw new IllegalArgumentException("spool.fsync interval must be >= 1 ms, got " + millis);
            }
        }

        @Override
        public String toString() {
            return "interval:" + millis;
        }
    }

    /** The default policy, {@code group}. */
    static FsyncPolicy group() {
        return new Group();
    }

    /**
     * Parses the config form: {@code group} or {@code interval:<ms>} (ms >= 1).
     *
     * @throws IllegalArgumentException naming the accepted forms when {@code text} is neither
     */
    static FsyncPolicy parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equalsIgnoreCase("group")) {
            return new Group();
        }
        if (t.regionMatches(true, 0, "interval:", 0, 9)) {
            try {
                return new Interval(Long.parseLong(t.substring(9).trim()));
            } catch (NumberFormatException e) {
                // fall through to the common message
            }
        }
        throw new IllegalArgumentException(
                "spool.fsync: expected 'group' or 'interval:<ms>' (e.g. interval:5), got '" + text + "'");
    }
}
