package io.fogbridge.adapters.http;

import java.nio.file.Path;

/**
 * {@code adapters.http.*} as read from the configuration ({@link HttpAdapterSection}). Immutable.
 *
 * @param anonymous        null = only on a loopback host
 * @param keyStore         PKCS12 server key and chain; null = plain HTTP
 * @param clientCaFile     PEM CAs for device client certificates; null = no client certificates asked for
 * @param maxTtdWaiting    how many {@code ttd} requests may wait for a command at once
 * @param maxConnections   how many connections may be open at once
 */
public record HttpAdapterSettings(
        boolean enabled,
        String host,
        int port,
        Boolean anonymous,
        Path keyStore,
        String keyStorePassword,
        Path clientCaFile,
        int maxTtdWaiting,
        int maxConnections) {

    /** No secrets: the key store password never appears. */
    @Override
    public String toString() {
        return (keyStore == null ? "http://" : "https://")
                + host
                + ':'
                + port
                + (clientCaFile != null ? " (client certificates)" : "");
    }
}
