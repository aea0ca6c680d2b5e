package io.fogbridge.api.adapter;

import io.fogbridge.api.ProtocolAdapter;
import java.util.Objects;

/**
 * One adapter kind with the settings its section read from this configuration: what the gateway starts. Immutable.
 *
 * @param <S> the factory's settings type; pairing them here keeps the two from being mixed up across adapters
 */
public record ConfiguredAdapter<S>(AdapterFactory<S> factory, S settings) {

    public ConfiguredAdapter {
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(settings, "settings");
    }

    public String name() {
        return factory.name();
    }

    /** Whether the configuration asks for this adapter to run. */
    public boolean enabled() {
        return factory.enabled(settings);
    }

    /** A new, not yet started adapter; see {@link AdapterFactory#create}. */
    public ProtocolAdapter create(AdapterContext context) throws Exception {
        return factory.create(settings, context);
    }

    /** The factory's named report on these settings ({@link AdapterFactory#report}); empty when it has none. */
    public java.util.Optional<String> report(String report) {
        return factory.report(report, settings);
    }

    /** The settings as the factory describes them for {@code fogbridge config check}: never secrets. */
    public String describe() {
        return factory.describe(settings);
    }
}
