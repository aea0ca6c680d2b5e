package io.fogbridge.api.config;

import java.util.Locale;

/**
 * One config key, defined once: its path, type, default, whether it is required, and its documentation. Parsing,
 * validation, defaults, environment overrides and the reference table all come from these definitions
 * (the gateway's config sections, {@link ConfigSection}).
 *
 * <p>Keys of list items ({@code routes[].from}) have a path with {@code []} and no environment variable.
 *
 * @param <T> the type of the value
 */
public final class ConfigKey<T> {

    private final String path;
    private final ValueType<T> type;
    private final T defaultValue;
    private final String defaultDoc;
    private final boolean required;
    private final String doc;
    private final String formerPath;

    private ConfigKey(
            String path,
            ValueType<T> type,
            T defaultValue,
            String defaultDoc,
            boolean required,
            String doc,
            String formerPath) {
        this.path = path;
        this.type = type;
        this.defaultValue = defaultValue;
        this.defaultDoc = defaultDoc;
        this.required = required;
        this.doc = doc;
        this.formerPath = formerPath;
    }

    /** A key with a default ({@code null}: optional, unset unless given). */
    public static <T> ConfigKey<T> define(String path, ValueType<T> type, T defaultValue, String doc) {
        String shown = defaultValue == null ? "—" : "`" + type.format(defaultValue) + "`";
        return new ConfigKey<>(path, type, defaultValue, shown, false, doc, null);
    }

    /** A key that must be set. */
    public static <T> ConfigKey<T> required(String path, ValueType<T> type, String doc) {
        return new ConfigKey<>(path, type, null, "required", true, doc, null);
    }

    /** The same key, with the default described in words, as Markdown (when it is derived from other keys). */
    public ConfigKey<T> defaultDescribedAs(String text) {
        return new ConfigKey<>(path, type, defaultValue, text, required, doc, formerPath);
    }

    /**
     * The same key, still read under the name it had before ({@code mqtt.registry} for {@code devices.registry}): a
     * file or variable that uses the old name keeps working, with a warning that names the new key.
     */
    public ConfigKey<T> formerly(String oldPath) {
        return new ConfigKey<>(path, type, defaultValue, defaultDoc, required, doc, oldPath);
    }

    /** The key's former path, or null. */
    public String formerPath() {
        return formerPath;
    }

    /** {@code FOGBRIDGE_} + the former path, or null. */
    public String formerEnvName() {
        return formerPath == null ? null : envNameOf(formerPath);
    }

    /** Dotted path, such as {@code spool.fsync}. */
    public String path() {
        return path;
    }

    /** The last path segment: the key as written inside its mapping. */
    public String name() {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /** {@code FOGBRIDGE_} + path upper-cased, dots as underscores; null for list item keys. */
    public String envName() {
        return path.contains("[]") ? null : envNameOf(path);
    }

    private static String envNameOf(String path) {
        return "FOGBRIDGE_" + path.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    public String doc() {
        return doc;
    }

    /** The default for the reference, as Markdown: {@code `1GiB`}, or words such as "required". */
    public String defaultDoc() {
        return defaultDoc;
    }

    public String typeDoc() {
        return type.describe();
    }

    public boolean isRequired() {
        return required;
    }

    public ValueType<T> type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    @Override
    public String toString() {
        return path;
    }
}
