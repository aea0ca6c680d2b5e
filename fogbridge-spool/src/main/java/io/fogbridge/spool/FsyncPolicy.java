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

    /** The longest {@code interval:<ms>} accepted from a config: a minute of acknowledged data at risk is plenty. */
    long MAX_INTERVAL_MILLIS = 60_000;

    /**
     * Parses the config form, the one rule for it: {@code group} or {@code interval:<ms>} with 1 to
     * {@value #MAX_INTERVAL_MILLIS} ms, case-insensitive, spaces ignored.
     *
     * @throws IllegalArgumentException with a message fit for a config error ("expected …, got '…'")
     */
    static FsyncPolicy parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("group")) {
            return new Group();
        }
        if (t.startsWith("interval:")) {
            try {
                long ms = Long.parseLong(t.substring("interval:".length()).strip());
                if (ms >= 1 && ms <= MAX_INTERVAL_MILLIS) {
                    return new Interval(ms);
                }
            } catch (NumberFormatException e) {
                // reported below, with the accepted range
            }
            throw new IllegalArgumentException(
                    "expected 'interval:<ms>' with 1 to " + MAX_INTERVAL_MILLIS + " ms, got '" + text + "'");
        }
        throw new IllegalArgumentException("expected 'group' or 'interval:<ms>', got '" + text + "'");
    }
}
