package io.fogbridge.gateway.config;

import io.fogbridge.api.adapter.ConfiguredAdapter;
import io.fogbridge.api.config.Units;
import io.fogbridge.pipeline.Enricher;
import io.fogbridge.pipeline.Route;
import io.fogbridge.pipeline.RouteTable;
import io.fogbridge.pipeline.reduction.ReductionRule;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The whole, validated gateway configuration. Immutable. Made by {@link ConfigLoader}.
 *
 * @param routes the configured routes, parsed, in order (the built-in device routes are not listed: the
 *               {@link RouteTable} adds them)
 */
public record GatewayConfig(
        GatewaySettings gateway,
        MqttSettings mqtt,
        DeviceSettings devices,
        KafkaSettings kafka,
        SpoolSettings spool,
        HttpSettings http,
        List<Route> routes,
        CommandSettings commands,
        List<ConfiguredAdapter<?>> adapters,
        Duration adapterMaxTtd,
        List<String> warnings,
        List<ReductionRule> reduction,
        TwinSettings twin,
        List<DiscoveryScan> discovery) {

    /**
     * @param adapters      every adapter kind found with its settings, enabled or not (see
     *                      {@link io.fogbridge.api.adapter.AdapterFactory})
     * @param adapterMaxTtd {@code adapters.maxTtd}: the longest {@code ttd} any polling adapter honours
     * @param warnings what the loader tells the user without refusing the file (a key used by its former name), as
     *                 {@code file:line: key: text}; the caller logs them or prints them with {@code config check}
     * @param reduction the {@code reduction} rules, in order; empty: no reduction stage
     * @param twin      {@code twin.*}; null: disabled
     * @param discovery the scheduled field scans ({@code discovery}); null: none
     */
    public GatewayConfig {
        routes = List.copyOf(routes);
        devices = devices == null ? DeviceSettings.DEFAULTS : devices;
        commands = commands == null ? CommandSettings.DISABLED : commands;
        adapters = adapters == null ? List.of() : List.copyOf(adapters);
        adapterMaxTtd = adapterMaxTtd == null ? AdaptersSection.MAX_TTD.defaultValue() : adapterMaxTtd;
        warnings = List.copyOf(warnings);
        reduction = reduction == null ? List.of() : List.copyOf(reduction);
        twin = twin == null ? TwinSettings.DISABLED : twin;
        discovery = discovery == null ? List.of() : List.copyOf(discovery);
    }

    /** Built-in device routes, then {@link #routes()}. */
    public RouteTable routeTable() {
        return new RouteTable(routes);
    }

    /** Headers from {@code gateway.id} and {@code gateway.labels}. */
    public Enricher enricher() {
        return new Enricher(gateway.id(), gateway.labels());
    }

    public GatewayConfig withKafka(KafkaSettings kafka) {
        return new GatewayConfig(
                gateway,
                mqtt,
                devices,
                kafka,
                spool,
                http,
                routes,
                commands,
                adapters,
                adapterMaxTtd,
                warnings,
                reduction,
                twin,
                discovery);
    }

    /** A few lines for {@code fogbridge config check}: what this config will do. No secrets. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append("gateway ").append(gateway.id()).append(", data in ").append(gateway.dataDir());
        if (!gateway.labels().isEmpty()) {
            out.append(", labels ").append(gateway.labels());
        }
        out.append('\n');
        if (mqtt.externalMode()) {
            out.append("mqtt: external broker ")
                    .append(mqtt.external().uri())
                    .append(" as ")
                    .append(mqtt.external().clientId());
        } else {
            out.append("mqtt: embedded broker on ").append(mqtt.listeners());
        }
        out.append('\n');
        out.append("devices: ")
                .append(
                        devices.kubernetes() != null
                                ? "Secret " + devices.kubernetes().secret() + " watched on "
                                        + devices.kubernetes().apiServer()
                                : devices.registry() == null
                                        ? "no registry (anonymous only)"
                                        : "registry " + devices.registry())
                .append(", max payload ")
                .append(Units.formatSize(devices.maxPayload()))
                .append(", ack timeout ")
                .append(Units.formatDuration(devices.ackTimeout()))
                .append('\n');
        out.append("kafka: ").append(kafka.bootstrapServers() == null ? "(demo broker)" : kafka.bootstrapServers());
        if (!kafka.properties().isEmpty()) {
            out.append(", properties ").append(kafka.properties().keySet());
        }
        out.append('\n');
        out.append("spool: max ")
                .append(Units.formatSize(spool.maxBytes()))
                .append(", max age ")
                .append(spool.maxAge().isZero() ? "unlimited" : Units.formatDuration(spool.maxAge()))
                .append(", fsync ")
                .append(spool.fsync())
                .append(", when full ")
                .append(spool.whenFull())
                .append('\n');
        out.append("http: ").append(http).append('\n');
        if (commands.enabled()) {
            out.append("commands: tenants ")
                    .append(commands.tenants())
                    .append(", max pending ")
                    .append(commands.maxPending())
                    .append(", unknown devices ")
                    .append(commands.unknownDevices())
                    .append('\n');
        }
        String enabledAdapters = adapters.stream()
                .filter(ConfiguredAdapter::enabled)
                .map(ConfiguredAdapter::describe)
                .collect(Collectors.joining(", "));
        if (!enabledAdapters.isEmpty()) {
            out.append("adapters: ").append(enabledAdapters).append('\n');
        }
        out.append("routes: ").append(routes.size()).append(" configured (after the built-in device routes)");
        for (Route route : routes) {
            out.append("\n  ")
                    .append(route.name())
                    .append(": ")
                    .append(route.from().text())
                    .append(" -> ")
                    .append(route.to().text());
            if (route.key() != null) {
                out.append(" key ").append(route.key().text());
            }
            out.append(" (").append(route.lane().id());
            if (route.qos() != null) {
                out.append(", qos ").append(route.qos().mqttLevel());
            }
            out.append(')');
        }
        if (!reduction.isEmpty()) {
            out.append("\nreduction: ").append(reduction.size()).append(" rules");
            for (ReductionRule rule : reduction) {
                out.append("\n  ").append(rule.name()).append(": ").append(describe(rule));
            }
        }
        return out.toString();
    }

    private static String describe(ReductionRule rule) {
        StringBuilder out = new StringBuilder();
        out.append(rule.route() == null ? "any route" : "route " + rule.route());
        if (rule.topic() != null) {
            out.append(", topic ").append(rule.topic().text());
        }
        if (rule.device() != null) {
            out.append(", device ").append(rule.device());
        }
        if (rule.windowed()) {
            out.append(", window ")
                    .append(Units.formatDuration(rule.window()))
                    .append(' ')
                    .append(rule.aggregates());
        } else {
            if (!rule.deadbands().isEmpty()) {
                out.append(", deadband ").append(rule.deadbands());
            }
            if (!rule.minInterval().isZero()) {
                out.append(", minInterval ").append(Units.formatDuration(rule.minInterval()));
            }
            if (!rule.maxSilence().isZero()) {
                out.append(", maxSilence ").append(Units.formatDuration(rule.maxSilence()));
            }
        }
        return out.toString();
    }
}
