package io.fogbridge.mqtt;

import java.util.Objects;

/**
 * A TCP address the embedded broker listens on. Port 0 asks for a free port; the broker reports the
 * one it bound through {@link EmbeddedMqttBroker#boundListeners()}.
 */
public record ListenerAddress(String host, int port) {

    public ListenerAddress {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("mqtt.listeners: host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("mqtt.listeners: port " + port + " is outside 0..65535");
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
