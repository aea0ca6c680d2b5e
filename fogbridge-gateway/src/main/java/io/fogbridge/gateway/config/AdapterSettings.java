package io.fogbridge.gateway.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code adapters.*}: the HTTP and CoAP device adapters. Both are off by default. They take credentials from
 * {@code mqtt.registry}, the size limit from {@code mqtt.maxPayload} and the durable-ack wait from
 * {@code mqtt.ackTimeout}, so a device is held to the same rules on every protocol.
 *
 * @param httpAnonymous   null = only on a loopback host
 * @param httpKeyStore    PKCS12 server key and chain; null = plain HTTP
 * @param httpClientCaFile PEM CAs for device client certificates; null = no client certificates asked for
 * @param coapAnonymous   null = only on a loopback host
 * @param coapPskFile     DTLS pre-shared keys; null = no DTLS endpoint
 */
public record AdapterSettings(
        boolean httpEnabled,
        String httpHost,
        int httpPort,
        Boolean httpAnonymous,
        Path httpKeyStore,
        String httpKeyStorePassword,
        Path httpClientCaFile,
        boolean coapEnabled,
        String coapHost,
        int coapPort,
        Boolean coapAnonymous,
        int coapDtlsPort,
        Path coapPskFile,
        Duration maxTtd) {

    public static final AdapterSettings DISABLED = new AdapterSettings(
            false,
            "0.0.0.0",
            8088,
            null,
            null,
            null,
            null,
            false,
            "0.0.0.0",
            5683,
            null,
            5684,
            null,
            Duration.ofSeconds(60));

    /** No secrets: the key store password and PSKs never appear. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        if (httpEnabled) {
            out.append(httpKeyStore == null ? "http://" : "https://")
                    .append(httpHost)
                    .append(':')
                    .append(httpPort);
            if (httpClientCaFile != null) {
                out.append(" (client certificates)");
            }
        }
        if (coapEnabled) {
            out.append(httpEnabled ? ", " : "")
                    .append("coap://")
                    .append(coapHost)
                    .append(':')
                    .append(coapPort);
            if (coapPskFile != null) {
                out.append(", coaps://")
                        .append(coapHost)
                        .append(':')
                        .append(coapDtlsPort)
                        .append(" (PSK from ")
                        .append(coapPskFile)
                        .append(')');
            }
        }
        return out.toString();
    }
}
