package io.fogbridge.api.config;

import java.time.Duration;
import java.util.Locale;

/**
 * The two unit syntaxes of the config file.
 *
 * <ul>
 *   <li>sizes: a number of bytes ({@code 1000}), or a number with a unit: {@code B}, binary {@code KiB MiB GiB TiB}
 *       (powers of 1024) or decimal {@code KB MB GB TB} (powers of 1000); units are case-insensitive
 *   <li>durations: a number with a unit, {@code ms s m h d} ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 12h},
 *       {@code 7d}); {@code 0} alone is allowed, a bare non-zero number is not (seconds or milliseconds?)
 * </ul>
 */
public final class Units {

    public static final String SIZE_EXAMPLES = "a size such as 1000, 64KiB, 256MiB or 1GiB";
    public static final String DURATION_EXAMPLES = "a duration such as 500ms, 10s, 5m, 12h or 7d";

    private Units() {}

    /** @throws IllegalArgumentException with an "expected …, got …" message */
    public static long parseSize(String text) {
        String t = text.strip();
        int split = numberEnd(t);
        if (split == 0) {
            throw new IllegalArgumentException("expected " + SIZE_EXAMPLES + ", got '" + text + "'");
        }
        long multiplier =
                switch (t.substring(split).strip().toLowerCase(Locale.ROOT)) {
                    case "", "b" -> 1L;
                    case "kib" -> 1L << 10;
                    case "mib" -> 1L << 20;
                    case "gib" -> 1L << 30;
                    case "tib" -> 1L << 40;
                    case "kb" -> 1_000L;
                    case "mb" -> 1_000_000L;
                    case "gb" -> 1_000_000_000L;
                    case "tb" -> 1_000_000_000_000L;
                    default ->
                        throw new IllegalArgumentException("expected " + SIZE_EXAMPLES
                                + " (units B, KiB, MiB, GiB, TiB, KB, MB, GB, TB), got '" + text + "'");
                };
        try {
            return Math.multiplyExact(Long.parseLong(t.substring(0, split)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
    }

    /** @throws IllegalArgumentException with an "expected …, got …" message */
    public static Duration parseDuration(String text) {
        String t = text.strip();
        int split = numberEnd(t);
        if (split == 0) {
            throw new IllegalArgumentException("expected " + DURATION_EXAMPLES + ", got '" + text + "'");
        }
        String unit = t.substring(split).strip().toLowerCase(Locale.ROOT);
        long amount;
        try {
            amount = Long.parseLong(t.substring(0, split));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("duration '" + text + "' is too large");
        }
        if (unit.isEmpty()) {
            if (amount == 0) {
                return Duration.ZERO;
            }
            throw new IllegalArgumentException(
                    "expected " + DURATION_EXAMPLES + ", got '" + text + "' (a number needs a unit)");
        }
        try {
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default ->
                    throw new IllegalArgumentException(
                            "expected " + DURATION_EXAMPLES + " (units ms, s, m, h, d), got '" + text + "'");
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration '" + text + "' is too large");
        }
    }

    /** The shortest exact form: 1GiB, 256KiB, 1000. */
    public static String formatSize(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes != 0 && bytes % unit == 0) {
                return (bytes / unit) + units[i];
            }
        }
        return Long.toString(bytes);
    }

    /** The shortest exact form: 7d, 10s, 500ms, 0. */
    public static String formatDuration(Duration duration) {
        long ms = duration.toMillis();
        if (ms == 0) {
            return "0";
        }
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return (ms / sizes[i]) + units[i];
            }
        }
        return ms + "ms";
    }

    private static int numberEnd(String text) {
        int i = 0;
        while (i < text.length() && Character.isDigit(text.charAt(i)) && text.charAt(i) < 128) {
            i++;
        }
        return i;
    }
}
