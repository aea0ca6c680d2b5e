package io.fogbridge.api.config;

import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

/** The value types config keys are made of. Each parses the text as written and says what it expected. */
public final class ValueTypes {

    private ValueTypes() {}

    /**
     * A scalar type. {@code parser} throws {@link IllegalArgumentException}: with a message, that message is the
     * problem; without one, the problem is "expected {describe}, got '{text}'".
     */
    public static <T> ValueType<T> scalar(String describe, Function<String, T> parser, Function<T, String> formatter) {
        return new ValueType<>() {
            @Override
            public String describe() {
                return describe;
            }

            @Override
            public T read(ConfigNode node, String path, Problems problems) {
                if (!(node instanceof ConfigNode.Scalar scalar)) {
                    problems.add(node.origin(), path, "expected " + describe + ", got " + ConfigNode.describe(node));
                    return null;
                }
                try {
                    return parser.apply(scalar.text());
                } catch (IllegalArgumentException e) {
                    problems.add(
                            node.origin(),
                            path,
                            e.getMessage() != null
                                    ? e.getMessage()
                                    : "expected " + describe + ", got '" + scalar.text() + "'");
                    return null;
                }
            }

            @Override
            public String format(T value) {
                return formatter.apply(value);
            }
        };
    }

    public static <T> ValueType<T> scalar(String describe, Function<String, T> parser) {
        return scalar(describe, parser, String::valueOf);
    }

    private static IllegalArgumentException expected() {
        return new IllegalArgumentException();
    }

    /** {@code true} or {@code false}, nothing else (YAML's yes/no/on/off are errors, not guesses). */
    public static ValueType<Boolean> bool() {
        return scalar("true or false", text -> switch (text) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("expected true or false");
        });
    }

    public static ValueType<String> string() {
        return scalar("string", text -> {
            if (text.isBlank()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return text;
        });
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Names that travel in headers, client ids and file names: letters, digits, '.', '_', '-', up to 64. */
    public static ValueType<String> identifier() {
        return scalar("name of [A-Za-z0-9._-], up to 64 characters", text -> {
            if (!IDENTIFIER.matcher(text).matches()) {
                throw new IllegalArgumentException(
                        "expected letters, digits, '.', '_' or '-' (up to 64, starting with a letter or digit), got '"
                                + text + "'");
            }
            return text;
        });
    }

    public static ValueType<String> host() {
        return scalar("host name or IP address", text -> {
            if (text.isBlank() || text.chars().anyMatch(Character::isWhitespace)) {
                throw expected();
            }
            return text;
        });
    }

    public static ValueType<Integer> intRange(int min, int max, String describe) {
        return scalar(describe, text -> {
            try {
                int value = Integer.parseInt(text.strip());
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("expected " + describe + ", got '" + text + "'");
        });
    }

    public static ValueType<Integer> port() {
        return intRange(0, 65535, "a port 0-65535 (0 = any free port)");
    }

    public static ValueType<Long> size(long min, long max) {
        return scalar(
                "size (1000, 64KiB, 256MiB, 1GiB)",
                text -> {
                    long bytes = Units.parseSize(text);
                    if (bytes < min || bytes > max) {
                        throw new IllegalArgumentException("expected a size between " + Units.formatSize(min) + " and "
                                + Units.formatSize(max) + ", got '" + text + "'");
                    }
                    return bytes;
                },
                Units::formatSize);
    }

    public static ValueType<Duration> duration(boolean zeroAllowed) {
        return scalar(
                "duration (500ms, 10s, 5m, 12h, 7d)",
                text -> {
                    Duration duration = Units.parseDuration(text);
                    if (duration.isZero() && !zeroAllowed) {
                        throw new IllegalArgumentException("must be longer than 0, got '" + text + "'");
                    }
                    return duration;
                },
                Units::formatDuration);
    }

    public static ValueType<Path> path() {
        return scalar("path", text -> {
            if (text.isBlank()) {
                throw new IllegalArgumentException("must not be empty");
            }
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("not a valid path: " + e.getReason());
            }
        });
    }

    public static ValueType<String> oneOf(String... choices) {
        String describe = String.join(" | ", choices);
        return scalar(describe, text -> {
            for (String choice : choices) {
                if (choice.equalsIgnoreCase(text.strip())) {
                    return choice;
                }
            }
            throw new IllegalArgumentException(
                    "expected one of " + String.join(", ", choices) + ", got '" + text + "'");
        });
    }

    public static ValueType<Lane> lane() {
        return scalar(
                "priority | bulk",
                text -> {
                    try {
                        return Lane.ofId(text.strip());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("expected priority or bulk, got '" + text + "'");
                    }
                },
                Lane::id);
    }

    /** {@code 0}/{@code at-most-once} or {@code 1}/{@code at-least-once}. */
    public static ValueType<QoS> qos() {
        return scalar(
                "0 | 1 | at-most-once | at-least-once",
                text -> switch (text.strip().toLowerCase(Locale.ROOT)) {
                    case "0", "at-most-once" -> QoS.AT_MOST_ONCE;
                    case "1", "at-least-once" -> QoS.AT_LEAST_ONCE;
                    default ->
                        throw new IllegalArgumentException(
                                "expected 0 (at-most-once) or 1 (at-least-once), got '" + text + "'");
                },
                q -> Integer.toString(q.mqttLevel()));
    }

    /** {@code host:port[,host:port…]}; IPv6 hosts in brackets. */
    public static ValueType<String> bootstrapServers() {
        return scalar("host:port[,host:port…]", text -> {
            List<String> servers = new ArrayList<>();
            for (String server : text.split(",", -1)) {
                String s = server.strip();
                int colon = s.lastIndexOf(':');
                boolean valid = colon > 0
                        && colon < s.length() - 1
                        && !s.substring(0, colon).isBlank();
                if (valid) {
                    try {
                        int port = Integer.parseInt(s.substring(colon + 1));
                        valid = port > 0 && port <= 65535;
                    } catch (NumberFormatException e) {
                        valid = false;
                    }
                }
                if (!valid) {
                    throw new IllegalArgumentException(
                            "expected host:port[,host:port…] such as 127.0.0.1:9092, got '" + text + "'");
                }
                servers.add(s);
            }
            return String.join(",", servers);
        });
    }

    /** {@code tcp://host[:port]}, port 1883 when left out; normalized to carry the port. */
    /** {@code tcp://host:port} or, with TLS, {@code ssl://host:port}; {@code mqtt://}/{@code mqtts://} are aliases. */
    public static ValueType<String> mqttUri() {
        return scalar("tcp://host:port or ssl://host:port", text -> {
            String problem =
                    "expected tcp://host:port or ssl://host:port such as tcp://127.0.0.1:1883, got '" + text + "'";
            try {
                URI uri = new URI(text.strip());
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                boolean tls = scheme.equals("ssl") || scheme.equals("mqtts");
                if (!(tls || scheme.equals("tcp") || scheme.equals("mqtt")) || uri.getHost() == null) {
                    throw new IllegalArgumentException(problem);
                }
                if ((uri.getPath() != null && !uri.getPath().isEmpty()) || uri.getQuery() != null) {
                    throw new IllegalArgumentException(problem);
                }
                int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 8883 : 1883;
                return (tls ? "ssl://" : "tcp://") + uri.getHost() + ":" + port;
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(problem);
            }
        });
    }

    /**
     * A mapping of string to string; {@code checkKey} returns a problem text for a key it refuses, or null.
     * Values must be scalars.
     */
    public static ValueType<Map<String, String>> stringMap(String describe, Function<String, String> checkKey) {
        return new ValueType<>() {
            @Override
            public String describe() {
                return describe;
            }

            @Override
            public Map<String, String> read(ConfigNode node, String path, Problems problems) {
                if (!(node instanceof ConfigNode.Mapping mapping)) {
                    problems.add(
                            node.origin(),
                            path,
                            "expected a mapping (" + describe + "), got " + ConfigNode.describe(node));
                    return null;
                }
                Map<String, String> values = new LinkedHashMap<>();
                int before = problems.size();
                for (ConfigNode.Entry entry : mapping.entries()) {
                    String keyPath = path + "." + entry.key();
                    String refusal = checkKey.apply(entry.key());
                    if (refusal != null) {
                        problems.add(entry.keyOrigin(), keyPath, refusal);
                    } else if (!(entry.value() instanceof ConfigNode.Scalar scalar) || scalar.text() == null) {
                        problems.add(
                                entry.value().origin(),
                                keyPath,
                                "expected a text value, got " + ConfigNode.describe(entry.value()));
                    } else {
                        values.put(entry.key(), scalar.text());
                    }
                }
                return problems.size() == before ? Collections.unmodifiableMap(values) : null;
            }

            @Override
            public String format(Map<String, String> value) {
                return value.isEmpty() ? "{}" : value.toString();
            }

            @Override
            public boolean structured() {
                return true;
            }
        };
    }

    /**
     * A list of items with their own keys. {@code checkList} runs when every item was valid, for checks across
     * items (duplicates, shadowing); it reports problems itself.
     */
    public static <T> ValueType<List<T>> listOf(
            String describe, ItemSchema<T> schema, BiFunction<List<T>, List<ConfigNode>, List<Problem>> checkList) {
        return new ValueType<>() {
            @Override
            public String describe() {
                return describe;
            }

            @Override
            public List<T> read(ConfigNode node, String path, Problems problems) {
                if (!(node instanceof ConfigNode.Sequence sequence)) {
                    problems.add(
                            node.origin(),
                            path,
                            "expected a list (" + describe + "), got " + ConfigNode.describe(node));
                    return null;
                }
                List<T> items = new ArrayList<>();
                int before = problems.size();
                for (int i = 0; i < sequence.items().size(); i++) {
                    items.add(schema.read(sequence.items().get(i), path + "[" + i + "]", problems));
                }
                if (problems.size() != before) {
                    return null;
                }
                for (Problem problem : checkList.apply(items, sequence.items())) {
                    problems.add(problem.origin(), problem.path(), problem.message());
                }
                return problems.size() == before ? List.copyOf(items) : null;
            }

            @Override
            public String format(List<T> value) {
                return value.isEmpty() ? "[]" : value.toString();
            }

            @Override
            public List<ConfigKey<?>> itemKeys() {
                return schema.keys();
            }

            @Override
            public boolean structured() {
                return true;
            }
        };
    }

    /** A problem found by a cross-item check. */
    public record Problem(Origin origin, String path, String message) {}
}
