package io.fogbridge.gateway.fake;

import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.adapter.AdapterContext;
import io.fogbridge.api.adapter.AdapterFactory;
import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.ValueTypes;
import java.time.Duration;
import java.util.List;

/**
 * A protocol added the way the next one (Modbus) will be: one factory with its own section {@code adapters.fake},
 * registered in this test classpath's {@code META-INF/services}, and nothing else touched. Its adapter polls a made-up
 * point ({@link FakePoller}).
 */
public final class FakePollerFactory implements AdapterFactory<FakePollerFactory.Settings> {

    public record Settings(boolean enabled, String device, Duration interval) {}

    public static final ConfigKey<Boolean> ENABLED =
            ConfigKey.define("adapters.fake.enabled", ValueTypes.bool(), false, "Poll the fake point.");
    public static final ConfigKey<String> DEVICE = ConfigKey.define(
            "adapters.fake.device", ValueTypes.identifier(), "meter-1", "Device id the readings are sent for.");
    public static final ConfigKey<Duration> INTERVAL = ConfigKey.define(
            "adapters.fake.interval", ValueTypes.duration(false), Duration.ofSeconds(1), "Time between two polls.");

    private static final ConfigSection<Settings> SECTION = new ConfigSection<>() {
        @Override
        public String name() {
            return "adapters.fake";
        }

        @Override
        public List<ConfigKey<?>> keys() {
            return List.of(ENABLED, DEVICE, INTERVAL);
        }

        @Override
        public Settings build(SectionValues values, Problems problems) {
            if (values.get(ENABLED) == null) {
                return null; // invalid, reported already
            }
            return new Settings(values.get(ENABLED), values.get(DEVICE), values.get(INTERVAL));
        }
    };

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public ConfigSection<Settings> section() {
        return SECTION;
    }

    @Override
    public boolean enabled(Settings settings) {
        return settings.enabled();
    }

    @Override
    public ProtocolAdapter create(Settings settings, AdapterContext context) {
        return new FakePoller(settings, context);
    }
}
