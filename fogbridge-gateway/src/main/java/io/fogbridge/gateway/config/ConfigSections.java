package io.fogbridge.gateway.config;

import io.fogbridge.api.adapter.AdapterFactory;
import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigSection;
import java.util.ArrayList;
import java.util.List;

/**
 * The sections of the gateway's configuration, in reference order. The loader, the environment overrides and the
 * reference table are built from this list; a section's keys are declared in the section alone.
 */
public final class ConfigSections {

    public static final GatewaySection GATEWAY = new GatewaySection();
    public static final MqttSection MQTT = new MqttSection();
    public static final DevicesSection DEVICES = new DevicesSection();
    public static final KafkaSection KAFKA = new KafkaSection();
    public static final SpoolSection SPOOL = new SpoolSection();
    public static final OpsHttpSection HTTP = new OpsHttpSection();
    public static final AdaptersSection ADAPTERS = new AdaptersSection();
    public static final CommandsSection COMMANDS = new CommandsSection();
    public static final RoutesSection ROUTES = new RoutesSection();
    public static final ReductionSection REDUCTION = new ReductionSection();
    public static final TwinSection TWIN = new TwinSection();
    public static final DiscoverySection DISCOVERY = new DiscoverySection();

    /** The device adapters' factories on the class path; each brings its section ({@code adapters.<name>}). */
    public static final List<AdapterFactory<?>> ADAPTER_FACTORIES = AdapterFactories.load();

    /** Every section, in reference order: the adapters' own sections before what they share. */
    public static final List<ConfigSection<?>> ALL = all();

    private static List<ConfigSection<?>> all() {
        List<ConfigSection<?>> all = new ArrayList<>(List.of(GATEWAY, MQTT, DEVICES, KAFKA, SPOOL, HTTP));
        ADAPTER_FACTORIES.forEach(factory -> all.add(factory.section()));
        all.addAll(List.of(ADAPTERS, COMMANDS, ROUTES, REDUCTION, TWIN, DISCOVERY));
        return List.copyOf(all);
    }

    private ConfigSections() {}

    /** Every top-level key of every section, in reference order. */
    public static List<ConfigKey<?>> keys() {
        List<ConfigKey<?>> keys = new ArrayList<>();
        ALL.forEach(section -> keys.addAll(section.keys()));
        return keys;
    }

    /**
     * Top-level keys, each list key followed by the keys of its items (and of lists within items: {@code
     * adapters.modbus.devices[].tags[].name}): the rows of the reference.
     */
    public static List<ConfigKey<?>> rows() {
        List<ConfigKey<?>> rows = new ArrayList<>();
        keys().forEach(key -> addRows(key, rows));
        return rows;
    }

    private static void addRows(ConfigKey<?> key, List<ConfigKey<?>> rows) {
        rows.add(key);
        key.type().itemKeys().forEach(item -> addRows(item, rows));
    }
}
