package io.fogbridge.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code mqtt.*}.
 *
 * @param listeners  the embedded broker's listeners (unused in external mode)
 * @param maxPayload bytes; larger publishes are refused
 * @param ackTimeout how long a device's PUBACK may wait for the spool before the publish fails
 * @param external   the external broker, or null: embedded mode
 */
public record MqttSettings(
        List<MqttListener> listeners, long maxPayload, Duration ackTimeout, ExternalBroker external) {

    public MqttSettings {
        listeners = List.copyOf(listeners);
    }

    public boolean externalMode() {
        return external != null;
    }
}
