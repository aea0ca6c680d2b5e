package io.fogbridge.gateway.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;

/**
 * One run of a fault test: its seed, its mode, and the row it adds to the reliability table.
 *
 * <p><b>Seed.</b> {@code -Dfault.seed=N} reproduces a run; otherwise a fresh one is drawn. It is printed first, so a
 * failing run in a CI log can be replayed. Everything a test randomises (when, how long, which bytes) comes from
 * {@link #random()}; what the machine does meanwhile (scheduling, GC) is not under the seed's control, so a seed
 * replays the same faults, not the same interleaving.
 *
 * <p><b>Mode.</b> CI mode (the default) keeps the whole fault suite within a few minutes on two cores; long mode
 * ({@code -Dfault.long=true}, or the Maven profile {@code -Pfault-long}) runs the sizes RELIABILITY.md quotes.
 *
 * <p><b>Row.</b> {@link #record} prints the fault's row and writes it to {@code target/reliability/<test>.md}
 * (directory: {@code -Dfault.report.dir}), where RELIABILITY.md's figures come from.
 *
 * <p>Not thread-safe: the test thread uses it.
 */
public final class FaultRun {

    private final String test;
    private final long seed;
    private final boolean longMode;
    private final Random random;

    private FaultRun(String test, long seed, boolean longMode) {
        this.test = test;
        this.seed = seed;
        this.longMode = longMode;
        this.random = new Random(seed);
    }

    /** Starts a run of {@code test} and prints its seed and mode. */
    public static FaultRun begin(String test) {
        long seed = Long.getLong("fault.seed", System.nanoTime());
        boolean longMode = Boolean.getBoolean("fault.long");
        FaultRun run = new FaultRun(test, seed, longMode);
        System.out.println(test + " seed=" + seed + " mode=" + run.mode() + " (reproduce: -Dfault.seed=" + seed
                + (longMode ? " -Dfault.long=true" : "") + ")");
        return run;
    }

    public long seed() {
        return seed;
    }

    public Random random() {
        return random;
    }

    public boolean longMode() {
        return longMode;
    }

    public String mode() {
        return longMode ? "long" : "ci";
    }

    /** {@code ci} in CI mode, {@code long} in long mode. */
    public int size(int ci, int long_) {
        return longMode ? long_ : ci;
    }

    /** {@code ci} in CI mode, {@code long} in long mode. */
    public Duration size(Duration ci, Duration long_) {
        return longMode ? long_ : ci;
    }

    /** A uniformly drawn duration in {@code [min, max)}. */
    public Duration between(Duration min, Duration max) {
        long span = max.toMillis() - min.toMillis();
        return min.plusMillis(span <= 0 ? 0 : (long) (random.nextDouble() * span));
    }

    /** "seed N": what every assertion message starts with, so a failure names its seed. */
    public String tag() {
        return test + " seed " + seed;
    }

    /**
     * Records the fault's row of the reliability table: what it was, what devices saw, what was lost, how long the
     * gateway took to recover.
     */
    public void record(String fault, String deviceSaw, String lost, String recovery) {
        String row = "| " + fault + " | " + deviceSaw + " | " + lost + " | " + recovery + " | " + mode() + ", seed "
                + seed + " |";
        System.out.println(test + " RESULT " + row);
        Path dir = Path.of(System.getProperty("fault.report.dir", "target/reliability"));
        try {
            Files.createDirectories(dir);
            Files.writeString(
                    dir.resolve(test + ".md"),
                    row + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 1.23 s}: how recovery times read in the table. */
    public static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
