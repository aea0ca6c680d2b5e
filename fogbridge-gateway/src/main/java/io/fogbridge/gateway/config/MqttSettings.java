package io.fogbridge.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code mqtt.*}.
 *
 * @param listeners  the embedded broker's listeners (unused in external mode)
 * @param maxPayload bytes; larger publishes are refused
 * @param ackTimeout how long a device's PUBACK may wait for the spool before the publish fails
 * @param external   the external broker, or null: embedded mode
 * @param registry   the device registry file, or null: no devices (anonymous clients on the listeners that allow them)
 * @param roles      roles granting topics to devices (and to anonymous clients: the role named {@code anonymous})
 */
public record MqttSettings(
        List<MqttListener> listeners,
        long maxPayload,
        Duration ackTimeout,
        ExternalBroker external,
        Path registry,
        List<MqttRole> roles) {

    public MqttSettings {
        listeners = List.copyOf(listeners);
        roles = List.copyOf(roles);
    }

    public MqttSettings(List<MqttListener> listeners, long maxPayload, Duration ackTimeout, ExternalBroker external) {
        this(listeners, maxPayload, ackTimeout, external, null, List.of());
    }

    public boolean externalMode() {
        return external != null;
    }
}
