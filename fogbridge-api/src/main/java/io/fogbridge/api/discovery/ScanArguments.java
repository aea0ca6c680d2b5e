package io.fogbridge.api.discovery;

import io.fogbridge.api.config.Units;
import io.fogbridge.api.discovery.FieldScanner.UsageError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A scanner's command line: positional arguments and {@code --name value} options, each option one the scanner
 * declared, with typed readers whose errors name the option. Immutable once parsed.
 */
public final class ScanArguments {

    private final List<String> positional;
    private final Map<String, String> options;

    private ScanArguments(List<String> positional, Map<String, String> options) {
        this.positional = positional;
        this.options = options;
    }

    /** @param known the options the scanner takes, with their dashes: {@code --ports} */
    public static ScanArguments parse(List<String> args, Set<String> known) throws UsageError {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            if (!known.contains(arg)) {
                throw new UsageError("unknown option " + arg + " (known: "
                        + String.join(" ", known.stream().sorted().toList())
                        + ")");
            }
            if (i + 1 == args.size()) {
                throw new UsageError(arg + " needs a value");
            }
            options.put(arg, args.get(++i));
        }
        return new ScanArguments(List.copyOf(positional), Map.copyOf(options));
    }

    public List<String> positional() {
        return positional;
    }

    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    /** An integer option within [min, max]. */
    public int integer(String name, int fallback, int min, int max) throws UsageError {
        String text = options.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new UsageError(name + ": expected a number from " + min + " to " + max + ", got '" + text + "'");
    }

    /** A duration option ({@code 300ms}, {@code 2s}) within [min, max]. */
    public Duration duration(String name, Duration fallback, Duration min, Duration max) throws UsageError {
        String text = options.get(name);
        if (text == null) {
            return fallback;
        }
        Duration value;
        try {
            value = Units.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new UsageError(name + ": " + e.getMessage());
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new UsageError(name + ": expected from " + Units.formatDuration(min) + " to "
                    + Units.formatDuration(max) + ", got '" + text + "'");
        }
        return value;
    }

    /**
     * A set of integers option: a comma-separated list of numbers and {@code a-b} ranges ({@code 1-10,247}), each
     * within [min, max], at most {@code limit} in all; in ascending order.
     */
    public List<Integer> integers(String name, String fallback, int min, int max, int limit) throws UsageError {
        String text = options.getOrDefault(name, fallback);
        java.util.TreeSet<Integer> values = new java.util.TreeSet<>();
        for (String part : text.split(",")) {
            String[] ends = part.strip().split("-", 2);
            try {
                int first = Integer.parseInt(ends[0].strip());
                int last = ends.length == 2 ? Integer.parseInt(ends[1].strip()) : first;
                if (first < min || last > max || last < first) {
                    throw new NumberFormatException();
                }
                for (int v = first; v <= last && values.size() <= limit; v++) {
                    values.add(v);
                }
            } catch (NumberFormatException e) {
                throw new UsageError(name + ": expected numbers or ranges from " + min + " to " + max
                        + " such as 1-10,247, got '" + part.strip() + "'");
            }
            if (values.size() > limit) {
                throw new UsageError(name + ": at most " + limit + " values, got more in '" + text + "'");
            }
        }
        return List.copyOf(values);
    }
}
