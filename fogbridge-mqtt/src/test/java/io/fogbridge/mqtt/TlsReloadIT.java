package io.fogbridge.mqtt;

import static io.fogbridge.mqtt.MqttSecurityIT.publish;
import static io.fogbridge.mqtt.SecuredBroker.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.fogbridge.certs.CertificateFactory;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS listener's certificate files are replaced while the broker runs: new connections get the new certificate
 * without a restart, and a connection opened before keeps working.
 *
 * <p>The wait is bounded by HiveMQ CE itself: its {@code SslContextStore} re-hashes the key stores every 10 s (a
 * constant in 2025.5, not configurable), after our {@link TlsStores} regenerated them (2 s poll). So the test polls
 * for up to 30 s instead of sleeping, and usually sees the new certificate after 10-12 s.
 */
class TlsReloadIT {

    @TempDir
    static Path dir;

    static final ControllableUplink uplink = new ControllableUplink();
    static CertificateFactory.Issued caA;
    static CertificateFactory.Issued certA;
    static EmbeddedMqttBroker broker;
    static int port;

    @BeforeAll
    static void start(TestInfo test) throws Exception {
        start(ThroughDeviceRelay.class.isAssignableFrom(test.getTestClass().orElseThrow()));
    }

    /** Starts the broker; {@code pipelinedAcks}: the relay serves TLS ({@link TlsReloadRelayIT}). */
    static void start(boolean pipelinedAcks) throws Exception {
        caA = CertificateFactory.ca("CN=Edge Server CA A");
        certA = CertificateFactory.server(caA, "localhost", "127.0.0.1")
                .writePem(dir.resolve("server.pem"), dir.resolve("server.key"));
        ListenerTls tls = ListenerTls.pem(dir.resolve("server.pem"), dir.resolve("server.key"), null, null);
        EmbeddedBrokerOptions options = EmbeddedBrokerOptions.builder(dir.resolve("broker"))
                .listeners(List.of(new ListenerAddress("127.0.0.1", 0, tls, true)))
                .pipelinedAcks(pipelinedAcks)
                .build();
        broker = new EmbeddedMqttBroker(options, null);
        broker.start(uplink);
        port = broker.port();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void newConnectionsGetTheReplacedCertificateWhileAnOpenOneStaysUp() throws Exception {
        assertThat(serialServed()).isEqualTo(certA.certificate().getSerialNumber());
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        Mqtt5AsyncClient before = client("before-swap", caA, closed);
        assertThat(publish(before, "local/before")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);

        CertificateFactory.Issued caB = CertificateFactory.ca("CN=Edge Server CA B");
        CertificateFactory.Issued certB = CertificateFactory.server(caB, "localhost", "127.0.0.1")
                .writePem(dir.resolve("server.pem"), dir.resolve("server.key"));

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> serialServed().equals(certB.certificate().getSerialNumber()));
        X509Certificate served = chainServed().getFirst();
        assertThat(served.getIssuerX500Principal()).isEqualTo(caB.certificate().getSubjectX500Principal());
        served.verify(caB.certificate().getPublicKey());
        Mqtt5AsyncClient after = client("after-swap", caB, new CompletableFuture<>());
        assertThat(publish(after, "local/new")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        after.disconnect().get(15, TimeUnit.SECONDS);

        assertThat(closed).isNotDone();
        assertThat(before.getState().isConnected()).isTrue();
        assertThat(publish(before, "local/after")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        before.disconnect().get(15, TimeUnit.SECONDS);
    }

    /** The serial number of the certificate a fresh TLS handshake is served. */
    static BigInteger serialServed() throws Exception {
        return chainServed().getFirst().getSerialNumber();
    }

    /** A fresh handshake that trusts anything and records what the server presented. */
    static List<X509Certificate> chainServed() throws Exception {
        X509Certificate[][] seen = new X509Certificate[1][];
        TrustManager recorder = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain;
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {recorder}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
        }
        return List.of(seen[0]);
    }

    /** An MQTT client over TLS that trusts only {@code ca}, with hostname verification. */
    static Mqtt5AsyncClient client(String id, CertificateFactory.Issued ca, CompletableFuture<Throwable> closed)
            throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(ca.writeTrustStore(dir.resolve(id + "-trust.p12"), "pw")));
        Mqtt5AsyncClient client = Mqtt5Client.builder()
                .identifier(id)
                .serverHost("localhost")
                .serverPort(port)
                .sslConfig(
                        MqttClientSslConfig.builder().trustManagerFactory(tmf).build())
                .addDisconnectedListener(ctx -> closed.complete(ctx.getCause()))
                .buildAsync();
        client.connect().get(15, TimeUnit.SECONDS);
        return client;
    }
}
