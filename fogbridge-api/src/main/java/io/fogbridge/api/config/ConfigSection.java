package io.fogbridge.api.config;

import java.util.List;

/**
 * One section of the gateway's configuration ({@code spool}, {@code mqtt}, {@code adapters.http} …): it owns its
 * keys, their typed values, the rules between them and the building of its settings record. The loader, the
 * environment overrides and the README's reference table are all derived from the sections; nothing else lists keys.
 *
 * <p>Contract: {@link #keys()} are the section's top-level keys (list items are reached through their list key's
 * {@link ItemSchema}); every path is {@link #name()} or starts with it and a dot. {@link #build} is called once per
 * load, and only when every key of the section parsed (what is wrong with a single key was reported already), with
 * each value parsed, checked and defaulted. It reports problems between keys to {@code problems}, naming the key and
 * its origin, and returns the settings, or null when it reported a problem. It must not do I/O beyond checking that
 * named files exist and must be stateless: the same section object serves every load, from any thread.
 *
 * @param <S> the settings record this section becomes
 */
public interface ConfigSection<S> {

    /** The dotted prefix of every key of this section: {@code spool}, {@code adapters.http}. */
    String name();

    /** The section's keys, in the order the reference lists them. */
    List<ConfigKey<?>> keys();

    /** Builds the settings from valid values; reports problems between keys and then returns null. */
    S build(SectionValues values, Problems problems);
}
