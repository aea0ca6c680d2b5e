package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.ValueTypes;
import java.time.Duration;
import java.util.List;

/**
 * {@code adapters.maxTtd}: what the polling device adapters share. Each adapter's own keys are in its factory's
 * section ({@code adapters.http}, {@code adapters.coap} …; see {@link AdapterFactories}).
 */
public final class AdaptersSection implements ConfigSection<Duration> {

    public static final ConfigKey<Duration> MAX_TTD = ConfigKey.define(
            "adapters.maxTtd",
            ValueTypes.duration(false),
            Duration.ofSeconds(60),
            "Longest `ttd` (seconds a device holds a request open for a command) the HTTP and CoAP adapters honour.");

    @Override
    public String name() {
        return "adapters";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(MAX_TTD);
    }

    @Override
    public Duration build(SectionValues values, Problems problems) {
        return values.get(MAX_TTD);
    }
}
