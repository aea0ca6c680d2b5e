package io.fogbridge.spool;

import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool's failing writes, as episodes: from the first failed write to the next one that works.
 * A full disk refuses every append for as long as it lasts; logging each would bury the log (and
 * fill the disk further), so an episode is logged when it starts (with the one stack trace), at
 * most once a minute while it lasts, and when it ends, each time with a count:
 *
 * <pre>
 * spool: disk full since 12:01:02Z (1,234 appends refused so far): java.io.IOException: No space left on device
 * spool: writing again after 35 s, disk full since 12:01:02Z, 4,567 appends refused
 * </pre>
 *
 * <p>The reason is {@link #DISK_FULL} (ENOSPC, quota) or {@link #IO_ERROR} (anything else).
 *
 * <p><b>Threads.</b> {@link #failed} and {@link #wrote} are for the spool's writer thread; the
 * readers ({@link #describe}, {@link #failing}, {@link #errors}) may run on any thread.
 */
final class WriteOutage {
    static final String DISK_FULL = "disk-full";
    static final String IO_ERROR = "io-error";
    private static final Logger LOG = LoggerFactory.getLogger(WriteOutage.class);
    private static final long REMIND_EVERY_MILLIS = 60_000;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final InstantSource clock;
    private final LongAdder diskFullErrors = new LongAdder();
    private final LongAdder ioErrors = new LongAdder();
    /** Null while writes work. */
    private volatile String reason;

    private volatile long sinceMillis;
    private volatile long refused;
    private long remindedMillis;

    WriteOutage(InstantSource clock) {
        this.clock = clock;
    }

    static String reasonOf(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("No space left on device") || m.contains("Disk quota exceeded") ? DISK_FULL : IO_ERROR;
    }

    /** A write or fsync failed and {@code appends} appends fail with it; returns the text to fail them with. */
    String failed(IOException e, int appends) {
        String r = reasonOf(e);
        (r.equals(DISK_FULL) ? diskFullErrors : ioErrors).add(appends);
        long now = clock.millis();
        if (reason == null) {
            sinceMillis = now;
            refused = appends;
            remindedMillis = now;
            reason = r;
            LOG.error("spool: {} ({} appends refused so far): {}", describe(), String.format("%,d", refused), e, e);
        } else {
            refused += appends;
            reason = r;
            if (now - remindedMillis >= REMIND_EVERY_MILLIS) {
                remindedMillis = now;
                LOG.error("spool: {} ({} appends refused so far): {}", describe(), String.format("%,d", refused), e);
            }
        }
        return describe() + ": " + e.getMessage();
    }

    /** A turn wrote and synced appends: an episode, if any, is over. */
    void wrote() {
        if (reason != null) {
            String was = describe();
            long seconds = Math.max(0, clock.millis() - sinceMillis) / 1000;
            reason = null;
            LOG.warn(
                    "spool: writing again after {} s, {}, {} appends refused",
                    seconds,
                    was,
                    String.format("%,d", refused));
        }
    }

    /** "disk full since 12:01:02Z", or null while writes work. */
    String describe() {
        String r = reason;
        if (r == null) {
            return null;
        }
        return (r.equals(DISK_FULL) ? "disk full" : "write errors") + " since "
                + TIME.format(Instant.ofEpochMilli(sinceMillis));
    }

    /** Appends refused in the current episode; 0 when there is none. */
    long refused() {
        return reason == null ? 0 : refused;
    }

    boolean failing(String r) {
        return r.equals(reason);
    }

    /** Appends failed by write errors of this reason since open. */
    long errors(String r) {
        return (r.equals(DISK_FULL) ? diskFullErrors : ioErrors).sum();
    }
}
