package io.fogbridge.gateway.config;

/** One listener of the embedded broker ({@code mqtt.listeners[]}); port 0 = any free port. */
public record MqttListener(String host, int port) {
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
