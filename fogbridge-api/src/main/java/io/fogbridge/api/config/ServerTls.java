package io.fogbridge.api.config;

import java.nio.file.Path;

/**
 * A TLS server endpoint's key material, from a {@link ServerTlsKeys} group: PEM ({@code certFile} + {@code keyFile})
 * or PKCS12 ({@code keyStore}), and the CAs that client certificates must chain to.
 *
 * @param clientAuth null = the default: {@code optional} with a client CA file, else {@code none}
 */
public record ServerTls(
        Path certFile, Path keyFile, Path keyStore, String keyStorePassword, Path clientCaFile, ClientAuth clientAuth) {

    /** Whether a TLS client must, may or need not present a certificate. */
    public enum ClientAuth {
        NONE,
        OPTIONAL,
        REQUIRED;

        /** As written in the config: {@code none}, {@code optional}, {@code required}. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Key material stays out of logs: the record ends up in {@code config check} summaries. */
    @Override
    public String toString() {
        return "tls";
    }
}
