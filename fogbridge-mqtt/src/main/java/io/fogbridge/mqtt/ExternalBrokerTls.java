package io.fogbridge.mqtt;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS of the {@link ExternalMqttBridge}'s connection ({@code ssl://} or {@code mqtts://} URIs), TLS 1.2 and 1.3 only.
 * The PEM files are read with the same loader as the embedded broker's listeners ({@link TlsStores}), once, when the
 * bridge starts: a renewed client certificate needs a restart of the gateway.
 *
 * @param caFile         PEM CA certificates the broker's certificate must chain to; null trusts the JVM's default
 *                       trust store (public CAs)
 * @param certFile       client certificate chain (PEM) for brokers that require one; null for none
 * @param keyFile        the client certificate's private key (PEM, unencrypted); given exactly when certFile is
 * @param verifyHostname check that the broker's certificate names the host of the URI. Turning it off lets anyone
 *                       holding a certificate of the trusted CA impersonate the broker
 */
public record ExternalBrokerTls(Path caFile, Path certFile, Path keyFile, boolean verifyHostname) {

    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** JVM trust store, no client certificate, hostname verified: what a bare {@code ssl://} URI means. */
    public static final ExternalBrokerTls DEFAULT = new ExternalBrokerTls(null, null, null, true);

    public ExternalBrokerTls {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException(
                    "mqtt.external.certFile and mqtt.external.keyFile go together: give both or neither");
        }
    }

    /**
     * The HiveMQ client's TLS settings, with the PEM material loaded now.
     *
     * @throws IllegalArgumentException a file cannot be read or holds no usable certificate/key; the message names the
     *     key
     */
    MqttClientSslConfig sslConfig() {
        MqttClientSslConfigBuilder builder = MqttClientSslConfig.builder().protocols(PROTOCOLS);
        if (caFile != null) {
            builder = builder.trustManagerFactory(trustManagers());
        }
        if (certFile != null) {
            builder = builder.keyManagerFactory(keyManagers());
        }
        if (!verifyHostname) {
            // Without a verifier the client sets the JDK's HTTPS endpoint identification on the engine; a verifier
            // that accepts everything replaces that check (the chain is still verified against the trust store).
            builder = builder.hostnameVerifier((host, session) -> true);
        }
        return builder.build();
    }

    private TrustManagerFactory trustManagers() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(TlsStores.trustStore(caFile));
            return factory;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("mqtt.external.caFile: cannot use " + caFile + ": " + e.getMessage(), e);
        }
    }

    private KeyManagerFactory keyManagers() {
        // The store lives only in memory; its password protects nothing on disk, a random one avoids a constant.
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        try {
            KeyStore store = TlsStores.keyStore(certFile, keyFile, password);
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password.toCharArray());
            return factory;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "mqtt.external.certFile/keyFile: cannot use " + certFile + " with " + keyFile + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
