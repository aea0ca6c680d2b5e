package io.fogbridge.gateway.config;

import java.util.List;

/**
 * {@code mqtt.*}. The device limits and the registry that used to live here are {@link DeviceSettings}.
 *
 * @param listeners the embedded broker's listeners (unused in external mode)
 * @param external  the external broker, or null: embedded mode
 * @param roles     roles granting topics to devices (and to anonymous clients: the role named {@code anonymous})
 * @param maxConnections           connections the embedded broker holds at most
 * @param maxConnectionsPerAddress the same per source address; 0: no such bound
 */
public record MqttSettings(
        List<MqttListener> listeners,
        ExternalBroker external,
        List<MqttRole> roles,
        int maxConnections,
        int maxConnectionsPerAddress) {

    public MqttSettings {
        listeners = List.copyOf(listeners);
        roles = List.copyOf(roles);
    }

    public boolean externalMode() {
        return external != null;
    }
}
