package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ServerTls;

/**
 * One listener of the embedded broker ({@code mqtt.listeners[]}); port 0 = any free port.
 *
 * @param tls       null = plain TCP
 * @param anonymous whether clients without credentials are accepted; null = only on a loopback address
 */
public record MqttListener(String host, int port, ServerTls tls, Boolean anonymous) {

    public MqttListener(String host, int port) {
        this(host, port, null, null);
    }

    @Override
    public String toString() {
        return (tls == null ? "" : "tls://") + host + ":" + port;
    }
}
