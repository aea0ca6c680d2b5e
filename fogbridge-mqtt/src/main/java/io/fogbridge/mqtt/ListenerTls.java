package io.fogbridge.mqtt;

import java.nio.file.Path;

/**
 * TLS of a listener (TLS 1.2 and 1.3 only). The server key and certificate come either as PEM files
 * ({@code certFile} + {@code keyFile}, the chain in the certificate file) or as a PKCS12 key store
 * ({@code keyStore} + {@code keyStorePassword}). {@code clientCaFile} (PEM, one or more CA certificates) is what
 * client certificates are checked against; it must contain the CAs of every tenant whose devices use certificates.
 *
 * <p>Files are watched: a changed certificate, key or CA file is used for new connections within about 15 s, without
 * a restart (see {@link TlsStores}). Connections already open keep their session.
 *
 * @param clientAuth NONE: no client certificates; OPTIONAL: a certificate is asked for, clients without one use a
 *                   password; REQUIRED: the handshake fails without a certificate the {@code clientCaFile} vouches for
 */
public record ListenerTls(
        Path certFile, Path keyFile, Path keyStore, String keyStorePassword, Path clientCaFile, ClientAuth clientAuth) {

    public enum ClientAuth {
        NONE,
        OPTIONAL,
        REQUIRED
    }

    public ListenerTls {
        boolean pem = certFile != null || keyFile != null;
        if (pem == (keyStore != null)) {
            throw new IllegalArgumentException("mqtt.listeners[].tls: give certFile and keyFile (PEM) or keyStore"
                    + " (PKCS12), not both or neither");
        }
        if (pem && (certFile == null || keyFile == null)) {
            throw new IllegalArgumentException("mqtt.listeners[].tls: certFile and keyFile go together");
        }
        if (clientAuth == null) {
            clientAuth = clientCaFile == null ? ClientAuth.NONE : ClientAuth.OPTIONAL;
        }
        if (clientAuth != ClientAuth.NONE && clientCaFile == null) {
            throw new IllegalArgumentException(
                    "mqtt.listeners[].tls: clientAuth " + clientAuth + " needs clientCaFile");
        }
    }

    public static ListenerTls pem(Path certFile, Path keyFile, Path clientCaFile, ClientAuth clientAuth) {
        return new ListenerTls(certFile, keyFile, null, null, clientCaFile, clientAuth);
    }

    public static ListenerTls pkcs12(Path keyStore, String password, Path clientCaFile, ClientAuth clientAuth) {
        return new ListenerTls(null, null, keyStore, password, clientCaFile, clientAuth);
    }

    @Override
    public String toString() { // no password in logs
        return "ListenerTls[" + (keyStore != null ? "keyStore=" + keyStore : "cert=" + certFile) + ", clientAuth="
                + clientAuth + "]";
    }
}
