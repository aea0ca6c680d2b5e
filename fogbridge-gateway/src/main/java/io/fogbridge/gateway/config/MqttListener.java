package io.fogbridge.gateway.config;

import java.nio.file.Path;

/**
 * One listener of the embedded broker ({@code mqtt.listeners[]}); port 0 = any free port.
 *
 * @param tls       null = plain TCP
 * @param anonymous whether clients without credentials are accepted; null = only on a loopback address
 */
public record MqttListener(String host, int port, Tls tls, Boolean anonymous) {

    public MqttListener(String host, int port) {
        this(host, port, null, null);
    }

    /**
     * TLS of a listener: PEM ({@code certFile} + {@code keyFile}) or PKCS12 ({@code keyStore}); client certificates
     * checked against {@code clientCaFile}; {@code clientAuth} none, optional or required.
     */
    public record Tls(
            Path certFile, Path keyFile, Path keyStore, String keyStorePassword, Path clientCaFile, String clientAuth) {
        @Override
        public String toString() {
            return "tls";
        }
    }

    @Override
    public String toString() {
        return (tls == null ? "" : "tls://") + host + ":" + port;
    }
}
