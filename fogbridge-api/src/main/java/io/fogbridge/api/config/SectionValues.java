package io.fogbridge.api.config;

/**
 * The parsed values of one load, with where each came from, for {@link ConfigSection#build}. A section reads its own
 * keys; it may read another section's key only for a default derived from it (say so in the key's doc). Not
 * thread-safe; lives for one load.
 */
public interface SectionValues {

    /** The key's value: as given, else its default; null when unset without default or when it was invalid. */
    <T> T get(ConfigKey<T> key);

    /** True when the file or the environment gave the key (even if its value was invalid). */
    boolean isSet(ConfigKey<?> key);

    /** Where the key was given; for an unset key, the whole file (line 0), so a problem still names its source. */
    Origin origin(ConfigKey<?> key);
}
