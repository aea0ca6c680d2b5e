package io.fogbridge.api.config;

import java.util.List;

/**
 * A YAML value with the line it was written on. Jackson's {@code JsonNode} forgets locations, and every config
 * error must name its line, so the loader reads YAML into this small tree instead.
 */
public sealed interface ConfigNode {

    Origin origin();

    /** A scalar; {@code text} is null for YAML null ({@code ~}, {@code null} or nothing), which means "not set". */
    record Scalar(String text, Origin origin) implements ConfigNode {}

    /** A mapping, entries in file order (duplicates are reported while reading and dropped). */
    record Mapping(List<Entry> entries, Origin origin) implements ConfigNode {}

    record Sequence(List<ConfigNode> items, Origin origin) implements ConfigNode {}

    /** @param keyOrigin where the key is written: unknown-key errors point there */
    record Entry(String key, Origin keyOrigin, ConfigNode value) {}

    static boolean isUnset(ConfigNode node) {
        return node == null || (node instanceof Scalar s && s.text() == null);
    }

    /** "a mapping", "a list", "'text'": for "expected X, got Y" messages. */
    static String describe(ConfigNode node) {
        return switch (node) {
            case Scalar s -> "'" + s.text() + "'";
            case Mapping m -> "a mapping";
            case Sequence s -> "a list";
        };
    }
}
