package io.fogbridge.api.config;

/**
 * How one kind of config value is read, checked and shown in the reference.
 *
 * @param <T> the Java type the value becomes
 */
public interface ValueType<T> {

    /** For the reference table and for "expected …" messages: {@code size}, {@code 'group' or 'interval:<ms>'}. */
    String describe();

    /**
     * Reads a set node. Reports what is wrong to {@code problems}, naming {@code path} (or a sub-path of it, for
     * maps and lists) and the node's line.
     *
     * @return the value, or null when it was not valid
     */
    T read(ConfigNode node, String path, Problems problems);

    /** The value as a user would write it (for defaults in the reference and the summary). */
    default String format(T value) {
        return String.valueOf(value);
    }

    /** Maps and lists: an environment override holds YAML flow syntax ({@code [{host: 0.0.0.0, port: 1884}]}). */
    default boolean structured() {
        return false;
    }

    /** A list of items: the keys of one item, for the reference ({@code routes[].from}); else none. */
    default java.util.List<ConfigKey<?>> itemKeys() {
        return java.util.List.of();
    }
}
