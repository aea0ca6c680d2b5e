package io.fogbridge.gateway.console;

import io.fogbridge.spool.SpoolInspector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The text of {@code fogbridge spool inspect} for the live spool, for the spool page. The inspector reads every
 * segment (it checks each record's CRC), which on a large backlog takes long enough to hold up {@code /readyz} if it
 * ran on the ops server's thread: so it runs on {@code background}, at most once per {@link #MIN_INTERVAL_MILLIS}, and
 * the page shows the latest finished report with its age. Thread-safe.
 */
public final class SpoolReport {

    static final long MIN_INTERVAL_MILLIS = 10_000;

    /** A finished report; {@code atMillis} 0 = none yet. */
    public record Report(String text, boolean damaged, long atMillis) {}

    private final Path dir;
    private final Executor background;
    private final LongSupplier clockMillis;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Report latest = new Report("", false, 0);
    private volatile long startedAt;

    public SpoolReport(Path dir, Executor background, LongSupplier clockMillis) {
        this.dir = dir;
        this.background = background;
        this.clockMillis = clockMillis;
    }

    /** The latest report; starts a new one in the background when it is older than the interval. */
    Report latest() {
        long now = clockMillis.getAsLong();
        if (now - startedAt >= MIN_INTERVAL_MILLIS && running.compareAndSet(false, true)) {
            startedAt = now;
            background.execute(() -> {
                try {
                    latest = run();
                } finally {
                    running.set(false);
                }
            });
        }
        return latest;
    }

    private Report run() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            code = SpoolInspector.inspect(dir, out);
        }
        return new Report(text.toString(StandardCharsets.UTF_8), code != SpoolInspector.OK, clockMillis.getAsLong());
    }
}
