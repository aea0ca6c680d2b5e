package io.fogbridge.gateway.config;

import java.nio.file.Path;

/**
 * {@code mqtt.external.*}: use an existing broker instead of the embedded one.
 *
 * @param uri            normalized {@code tcp://host:port} or {@code ssl://host:port}
 * @param clientId       fixed client id of the persistent session
 * @param username       null when not set
 * @param password       null when not set (read from {@code passwordFile} when that is given); never printed
 *                       ({@link #toString()} masks it)
 * @param sharedGroup    the shared-subscription group ({@code $share/<group>/<filter>})
 * @param caFile         TLS: CA certificates (PEM) to trust; null = the JVM's trust store
 * @param certFile       TLS: client certificate (PEM), or null
 * @param keyFile        TLS: its private key (PEM); set exactly when certFile is
 * @param verifyHostname TLS: check the broker's certificate against the host of the URI
 */
public record ExternalBroker(
        String uri,
        String host,
        int port,
        String clientId,
        String username,
        String password,
        String sharedGroup,
        Path caFile,
        Path certFile,
        Path keyFile,
        boolean verifyHostname) {

    /** Whether the URI is {@code ssl://}. */
    public boolean tls() {
        return uri.startsWith("ssl://");
    }

    @Override
    public String toString() {
        return "ExternalBroker[uri=" + uri + ", clientId=" + clientId + ", username=" + username + ", password="
                + (password == null ? "null" : "****") + ", sharedGroup=" + sharedGroup + ", caFile=" + caFile
                + ", certFile=" + certFile + ", verifyHostname=" + verifyHostname + "]";
    }
}
