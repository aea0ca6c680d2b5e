package io.fogbridge.mqtt;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.fogbridge.api.Uplink;
import io.fogbridge.certs.CertificateFactory;
import io.fogbridge.registry.DeviceRegistry;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.RegistryFileWatcher;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The embedded broker as the security ITs run it, in a test's temporary folder: tenant acme's device CA
 * ({@code acme-ca.pem}) and a server certificate for localhost/127.0.0.1 ({@code server.pem}, {@code server.key}), the
 * device registry read from {@code devices.yaml} by a {@link RegistryFileWatcher} as in the gateway, a password
 * listener and an mTLS listener (client certificate optional) on 127.0.0.1, then any listeners the test adds.
 *
 * <p>Lifecycle: construct (issues and writes the certificates), write {@link #registryFile()}, {@link #start}, and
 * {@link #close()} after the test class. Not thread-safe to start or close; the accessors may be read from any thread
 * once started.
 */
final class SecuredBroker implements AutoCloseable {

    private final Path dir;
    private final CertificateFactory.Issued acmeCa;
    private final CertificateFactory.Issued serverCa;
    private RegistryFileWatcher watcher;
    private EmbeddedMqttBroker broker;
    private final boolean pipelinedAcks;

    SecuredBroker(Path dir) throws Exception {
        this(dir, false);
    }

    /** @param pipelinedAcks devices connect through the {@link DeviceRelay} (decision 0001) */
    SecuredBroker(Path dir, boolean pipelinedAcks) throws Exception {
        this.dir = dir;
        this.pipelinedAcks = pipelinedAcks;
        acmeCa = CertificateFactory.ca("CN=Acme Devices CA");
        serverCa = CertificateFactory.ca("CN=Edge Server CA");
        acmeCa.writeCertificatePem(dir.resolve("acme-ca.pem"));
        CertificateFactory.server(serverCa, "localhost", "127.0.0.1")
                .writePem(dir.resolve("server.pem"), dir.resolve("server.key"));
    }

    /**
     * Starts watching the registry file, which must be written by now, and the broker over it.
     *
     * @param clientCaFile the file in the folder with the CAs the TLS listener takes client certificates from
     * @param security the broker's security over the watched registry
     * @param moreListeners bound after the password listener (index 0) and the TLS listener (index 1)
     */
    SecuredBroker start(
            String clientCaFile,
            Function<DeviceRegistry, MqttSecurity> security,
            List<ListenerAddress> moreListeners,
            Uplink uplink,
            MeterRegistry meters)
            throws Exception {
        DeviceRegistry registry = DeviceRegistry.of(Registry.EMPTY);
        watcher = RegistryFileWatcher.start(registryFile(), registry, Duration.ofMillis(200));
        ListenerTls tls = ListenerTls.pem(
                dir.resolve("server.pem"),
                dir.resolve("server.key"),
                dir.resolve(clientCaFile),
                ListenerTls.ClientAuth.OPTIONAL);
        List<ListenerAddress> listeners = new ArrayList<>(List.of(
                new ListenerAddress("127.0.0.1", 0, null, false), new ListenerAddress("127.0.0.1", 0, tls, false)));
        listeners.addAll(moreListeners);
        EmbeddedBrokerOptions options = EmbeddedBrokerOptions.builder(dir.resolve("broker"))
                .listeners(listeners)
                .security(security.apply(registry))
                .pipelinedAcks(pipelinedAcks)
                .build();
        broker = new EmbeddedMqttBroker(options, meters);
        broker.start(uplink);
        return this;
    }

    CertificateFactory.Issued acmeCa() {
        return acmeCa;
    }

    CertificateFactory.Issued serverCa() {
        return serverCa;
    }

    Path registryFile() {
        return dir.resolve("devices.yaml");
    }

    /** The port of the listener at {@code index} in the order given to {@link #start}. */
    int port(int index) {
        return broker.boundListeners().get(index).port();
    }

    int passwordPort() {
        return port(0);
    }

    int tlsPort() {
        return port(1);
    }

    /** A client of the password listener that logs in with {@code username} and {@code password}. */
    Mqtt5ClientBuilder passwordClient(String id, String username, String password) {
        return Mqtt5Client.builder()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(passwordPort())
                .simpleAuth()
                .username(username)
                .password(password.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth();
    }

    /** The CONNACK code a fresh client gets on the password listener; no username = no credentials at all. */
    Mqtt5ConnAckReasonCode connAckOf(String username, String password) throws Exception {
        String id = "probe-" + System.nanoTime();
        Mqtt5AsyncClient client = username == null
                ? Mqtt5Client.builder()
                        .identifier(id)
                        .serverHost("127.0.0.1")
                        .serverPort(passwordPort())
                        .buildAsync()
                : passwordClient(id, username, password).buildAsync();
        try {
            Mqtt5ConnAckReasonCode code =
                    client.connect().get(15, TimeUnit.SECONDS).getReasonCode();
            client.disconnect();
            return code;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Mqtt5ConnAckException connAck) {
                return connAck.getMqttMessage().getReasonCode();
            }
            throw e;
        }
    }

    /** TLS for a device client of the TLS listener: presents {@code cert}, trusts the server CA only. */
    MqttClientSslConfig deviceTls(String id, CertificateFactory.Issued cert) throws Exception {
        Path keyStore = cert.writePkcs12(dir.resolve(id + ".p12"), "pw", "device");
        Path trustStore = serverCa.writeTrustStore(dir.resolve("server-trust.p12"), "pw");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keyStore), "pw".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trustStore));
        return MqttClientSslConfig.builder()
                .keyManagerFactory(kmf)
                .trustManagerFactory(tmf)
                .build();
    }

    /** A PKCS12 store written with the password "pw". */
    static KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            store.load(in, "pw".toCharArray());
        }
        return store;
    }

    /** Stops the broker, then the watcher; either may not have started. */
    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
        if (watcher != null) {
            watcher.close();
        }
    }
}
