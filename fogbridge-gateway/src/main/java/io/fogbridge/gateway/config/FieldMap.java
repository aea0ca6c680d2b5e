package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ConfigNode;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.ValueType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A mapping from a payload field path ({@code temp}, {@code values.rpm}) to a setting for that field, as the
 * reduction keys take it. Each entry's problem names its own line and path ({@code reduction[0].deadband.temp}).
 *
 * @param <T> what a field's setting becomes
 */
final class FieldMap<T> implements ValueType<Map<String, T>> {

    private static final Pattern FIELD_PATH = Pattern.compile("[^.\\s]+(\\.[^.\\s]+)*");

    private final String describe;
    private final Function<ConfigNode, T> parser;

    /** @param parser reads one field's value; throws {@link IllegalArgumentException} with the problem text */
    FieldMap(String describe, Function<ConfigNode, T> parser) {
        this.describe = describe;
        this.parser = parser;
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public Map<String, T> read(ConfigNode node, String path, Problems problems) {
        if (!(node instanceof ConfigNode.Mapping mapping) || mapping.entries().isEmpty()) {
            problems.add(
                    node.origin(),
                    path,
                    "expected a mapping of field paths (" + describe + "), got " + ConfigNode.describe(node));
            return null;
        }
        Map<String, T> values = new LinkedHashMap<>();
        int before = problems.size();
        for (ConfigNode.Entry entry : mapping.entries()) {
            String fieldPath = path + "." + entry.key();
            if (!FIELD_PATH.matcher(entry.key()).matches()) {
                problems.add(
                        entry.keyOrigin(),
                        fieldPath,
                        "not a field path: object keys separated by '.' (temp, values.rpm), no spaces");
                continue;
            }
            try {
                values.put(entry.key(), parser.apply(entry.value()));
            } catch (IllegalArgumentException e) {
                problems.add(entry.value().origin(), fieldPath, e.getMessage());
            }
        }
        return problems.size() == before ? Collections.unmodifiableMap(values) : null;
    }

    @Override
    public String format(Map<String, T> value) {
        return value.isEmpty() ? "{}" : value.toString();
    }

    @Override
    public boolean structured() {
        return true;
    }

    /** A field's value as a scalar's text. */
    static String scalarText(ConfigNode node, String expected) {
        if (node instanceof ConfigNode.Scalar scalar && scalar.text() != null) {
            return scalar.text();
        }
        throw new IllegalArgumentException("expected " + expected + ", got " + ConfigNode.describe(node));
    }
}
