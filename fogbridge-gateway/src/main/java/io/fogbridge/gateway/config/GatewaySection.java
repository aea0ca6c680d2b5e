package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.ValueTypes;
import io.fogbridge.pipeline.ContractHeaders;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code gateway.*}: who this gateway is and where it keeps its files. */
public final class GatewaySection implements ConfigSection<GatewaySettings> {

    public static final ConfigKey<String> ID = ConfigKey.define(
            "gateway.id",
            ValueTypes.identifier(),
            "edge-1",
            "This gateway's name in the `gateway_id` and `fog-seq` headers and in client ids. Keep it stable across"
                    + " restarts (consumers drop replayed duplicates by `fog-seq`) and unique per Kafka cluster.");

    public static final ConfigKey<Path> DATA_DIR = ConfigKey.define(
            "gateway.dataDir",
            ValueTypes.path(),
            Path.of("data"),
            "Where the spool and the broker keep their files. Relative paths start at the working directory; a"
                    + " packaged install uses `/var/lib/fogbridge`.");

    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    public static final ConfigKey<Map<String, String>> LABELS = ConfigKey.define(
            "gateway.labels",
            ValueTypes.stringMap("map of name → text", name -> {
                if (!LABEL_NAME.matcher(name).matches()) {
                    return "label names use letters, digits, '.', '_' and '-'";
                }
                if (ContractHeaders.isReserved(name)) {
                    return "collides with the contract header '" + name + "'; choose another label name";
                }
                return null;
            }),
            Map.of(),
            "Added to every record as headers named by the key (site, location, node labels …). Contract header"
                    + " names such as `device_id` are refused.");

    @Override
    public String name() {
        return "gateway";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(ID, DATA_DIR, LABELS);
    }

    @Override
    public GatewaySettings build(SectionValues values, Problems problems) {
        Map<String, String> labels = values.get(LABELS);
        return new GatewaySettings(values.get(ID), values.get(DATA_DIR), labels == null ? Map.of() : labels);
    }
}
