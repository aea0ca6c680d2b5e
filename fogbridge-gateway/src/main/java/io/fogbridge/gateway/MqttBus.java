package io.fogbridge.gateway;

import io.fogbridge.api.CommandTransport;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.device.DeviceDirectory;
import io.fogbridge.api.device.SessionListener;
import io.fogbridge.gateway.config.EdgeSecurity;
import io.fogbridge.gateway.config.ExternalBroker;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.gateway.ops.ReadinessCheck;
import io.fogbridge.mqtt.EmbeddedBrokerOptions;
import io.fogbridge.mqtt.EmbeddedMqttBroker;
import io.fogbridge.mqtt.ExternalBrokerOptions;
import io.fogbridge.mqtt.ExternalBrokerTls;
import io.fogbridge.mqtt.ExternalMqttBridge;
import io.fogbridge.mqtt.ListenerAddress;
import io.fogbridge.mqtt.MqttSecurity;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The local MQTT bus the devices publish to ({@code mqtt.*}): either the embedded HiveMQ broker, with the device
 * directory (the watched registry file) and roles that authenticate and authorize its clients, or a bridge subscribing to an
 * external broker ({@code mqtt.external}), where that broker does the authentication and the directory stays empty.
 *
 * @param adapter the broker or bridge, started and feeding the pipeline
 * @param devices the device directory the other device adapters and the command router share
 * @param directoryCheck the Kubernetes device directory's {@code /readyz} line; null for a registry file or none
 */
record MqttBus(ProtocolAdapter adapter, DeviceDirectory devices, ReadinessCheck directoryCheck) {

    /**
     * Builds the bus without starting it (the registry is loaded and its watcher runs; nothing listens yet). The bus
     * closes with the gateway, also when its start fails later. {@code sessions} hears the embedded broker's
     * connections open and close (an external broker's are not seen).
     */
    static MqttBus create(
            GatewayConfig config,
            Path dataDir,
            SessionListener sessions,
            Clock clock,
            MeterRegistry registry,
            StartedStages stages)
            throws Exception {
        // The bridge stamps arrival times with the system clock; only the embedded broker follows an injected one.
        MqttBus bus = config.mqtt().externalMode()
                ? externalBridge(config, registry)
                : embeddedBroker(config, dataDir, sessions, clock, registry, stages);
        stages.push(bus.adapter);
        return bus;
    }

    /**
     * Starts the bus on {@code pipeline}: returns once the broker listens (or the bridge subscribed). May run on a
     * thread of its own while the gateway builds the rest; it touches nothing but the adapter.
     */
    void start(Uplink pipeline) throws Exception {
        adapter.start(pipeline);
    }

    /** Ports the embedded broker listens on, as bound; empty in external mode. */
    List<Integer> ports() {
        return adapter instanceof EmbeddedMqttBroker broker
                ? broker.boundListeners().stream().map(ListenerAddress::port).toList()
                : List.of();
    }

    /**
     * Where commands are pushed to devices: the embedded broker's clients (delivered on the device's PUBACK), or the
     * external broker's command topics (delivered on the broker's PUBACK).
     */
    List<CommandTransport> commandTransports() {
        return switch (adapter) {
            case EmbeddedMqttBroker broker -> List.of(broker.commandTransport());
            case ExternalMqttBridge bridge -> List.of(bridge.commandTransport());
            default -> List.of();
        };
    }

    private static MqttBus embeddedBroker(
            GatewayConfig config,
            Path dataDir,
            SessionListener sessions,
            Clock clock,
            MeterRegistry registry,
            StartedStages stages)
            throws Exception {
        List<ListenerAddress> listeners = EdgeSecurity.listeners(config.mqtt());
        int maxPayload = Math.toIntExact(config.devices().maxPayload());
        List<ReadinessCheck> checks = new ArrayList<>(1);
        MqttSecurity security = EdgeSecurity.mqttSecurity(
                config.mqtt(), config.devices(), dataDir, registry, stages::push, checks::add);
        EmbeddedBrokerOptions options = EmbeddedBrokerOptions.builder(dataDir.resolve("broker"))
                .listeners(listeners)
                .maxPayloadBytes(maxPayload)
                .ackTimeout(config.devices().ackTimeout())
                .pipelinedAcks(config.devices().pipelinedAcks())
                .allowAnonymous(true)
                .security(security)
                .maxConnections(config.mqtt().maxConnections(), config.mqtt().maxConnectionsPerAddress())
                .sessions(sessions)
                .build();
        return new MqttBus(
                new EmbeddedMqttBroker(options, registry, clock),
                security.directory(),
                checks.isEmpty() ? null : checks.getFirst());
    }

    private static MqttBus externalBridge(GatewayConfig config, MeterRegistry registry) {
        ExternalBroker external = config.mqtt().external();
        ExternalBrokerOptions.Builder options = ExternalBrokerOptions.builder(
                        URI.create(external.uri()), config.gateway().id())
                .clientId(external.clientId())
                .filters(config.routeTable().subscriptionFilters())
                .sharedGroup(external.sharedGroup())
                .maxPayloadBytes(Math.toIntExact(config.devices().maxPayload()))
                .ackTimeout(config.devices().ackTimeout());
        if (external.username() != null) {
            options.credentials(external.username(), external.password());
        }
        if (external.tls()) {
            options.tls(new ExternalBrokerTls(
                    external.caFile(), external.certFile(), external.keyFile(), external.verifyHostname()));
        }
        return new MqttBus(new ExternalMqttBridge(options.build(), registry), DeviceDirectory.empty(), null);
    }
}
