package io.fogbridge.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.adapters.TestDevices;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.certs.CertificateFactory;
import io.fogbridge.registry.Credential;
import io.fogbridge.registry.Device;
import io.fogbridge.registry.DeviceRegistry;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.Tenant;
import io.fogbridge.testkit.Curl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS adapter asking for client certificates, against the real curl ({@code --cacert --cert --key}): a device
 * certificate under its tenant's CA is accepted and its record appended; no certificate, another tenant's CA, a CA
 * the listener does not trust, an expired certificate and an expired registry credential are refused, and nothing is
 * appended.
 */
class HttpsClientCertIT {

    @TempDir
    static Path dir;

    static final TestDevices.RecordingUplink uplink = new TestDevices.RecordingUplink();
    static CertificateFactory.Issued acmeCa;
    static CertificateFactory.Issued globexCa;
    static CertificateFactory.Issued strangerCa;
    static HttpAdapter adapter;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        acmeCa = CertificateFactory.ca("CN=Acme Devices CA");
        globexCa = CertificateFactory.ca("CN=Globex Devices CA");
        strangerCa = CertificateFactory.ca("CN=Stranger CA");
        CertificateFactory.Issued serverCa = CertificateFactory.ca("CN=Edge Server CA");
        serverCa.writeCertificatePem(dir.resolve("server-ca.pem"));
        Path keyStore = CertificateFactory.server(serverCa, "localhost", "127.0.0.1")
                .writePkcs12(dir.resolve("server.p12"), "pw", "server");
        // One listener serves every tenant, so it trusts every tenant's CA; the registry decides which CA may vouch
        // for which tenant's devices.
        Path clientCas =
                Files.writeString(dir.resolve("client-cas.pem"), acmeCa.certificatePem() + globexCa.certificatePem());
        Instant past = Instant.now().minus(Duration.ofDays(1));
        Map<String, Device> acme = Map.of(
                "sensor-1", device("acme", "sensor-1", null),
                "lapsed-1", device("acme", "lapsed-1", past));
        Map<String, Device> globex = Map.of("press-1", device("globex", "press-1", null));
        DeviceRegistry registry = DeviceRegistry.of(new Registry(Map.of(
                "acme", new Tenant("acme", true, List.of(acmeCa.certificate()), acme),
                "globex", new Tenant("globex", true, List.of(globexCa.certificate()), globex))));
        HttpAdapterOptions options = new HttpAdapterOptions(
                        "127.0.0.1", 0, 1024, Duration.ofSeconds(5), Duration.ofSeconds(5), false, null, false)
                .withTls(HttpTls.context(keyStore, "pw".toCharArray(), clientCas), true);
        adapter = new HttpAdapter(options, registry, null, null);
        adapter.start(uplink);
        base = "https://localhost:" + adapter.port();
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    @BeforeEach
    void reset() {
        uplink.messages.clear();
    }

    @Test
    void aDeviceCertificateUnderItsTenantsCaIsAcceptedAndAppended() throws Exception {
        Curl.Result result = post("sensor-1-ok", CertificateFactory.client(acmeCa, "CN=sensor-1,O=acme"));
        assertThat(result.status()).as(result.body()).isEqualTo(202);
        assertThat(uplink.messages).hasSize(1);
        InboundMessage message = uplink.messages.getFirst();
        assertThat(message.topic()).isEqualTo("telemetry/acme/sensor-1");
        assertThat(message.sender().tenant()).isEqualTo("acme");
        assertThat(message.sender().device()).isEqualTo("sensor-1");
        assertThat(new String(message.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"t\":21}");
    }

    @Test
    void withoutACertificateOrCredentialsItIs401() throws Exception {
        Curl.Result result = Curl.post(
                base + "/telemetry",
                body(),
                "--cacert",
                dir.resolve("server-ca.pem").toString());
        assertThat(result.status()).isEqualTo(401);
        assertThat(uplink.messages).isEmpty();
    }

    @Test
    void anotherTenantsCaCannotVouchForThisTenantsDevice() throws Exception {
        // globex's CA is trusted by the listener (TLS passes) but not by tenant acme: the registry refuses
        Curl.Result result = post("sensor-1-globex", CertificateFactory.client(globexCa, "CN=sensor-1,O=acme"));
        assertThat(result.status()).isEqualTo(401);
        assertThat(uplink.messages).isEmpty();
    }

    @Test
    void aCertificateFromACaTheListenerDoesNotTrustFailsTheHandshake() {
        CertificateFactory.Issued stranger = CertificateFactory.client(strangerCa, "CN=sensor-1,O=acme");
        assertThatThrownBy(() -> post("sensor-1-stranger", stranger))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("alert certificate unknown");
        assertThat(uplink.messages).isEmpty();
    }

    @Test
    void anExpiredCertificateFailsTheHandshake() {
        Instant now = Instant.now();
        CertificateFactory.Issued expired = CertificateFactory.client(
                acmeCa, "CN=sensor-1,O=acme", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)));
        assertThatThrownBy(() -> post("sensor-1-expired", expired))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("alert certificate unknown");
        assertThat(uplink.messages).isEmpty();
    }

    @Test
    void aCertificateCredentialPastItsNotAfterInTheRegistryIs403() throws Exception {
        Curl.Result result = post("lapsed-1", CertificateFactory.client(acmeCa, "CN=lapsed-1,O=acme"));
        assertThat(result.status()).isEqualTo(403);
        assertThat(uplink.messages).isEmpty();
    }

    // ---- helpers ----

    static Curl.Result post(String name, CertificateFactory.Issued cert) throws Exception {
        cert.writePem(dir.resolve(name + ".pem"), dir.resolve(name + ".key"));
        return Curl.post(
                base + "/telemetry",
                body(),
                "--cacert",
                dir.resolve("server-ca.pem").toString(),
                "--cert",
                dir.resolve(name + ".pem").toString(),
                "--key",
                dir.resolve(name + ".key").toString(),
                "-H",
                "QoS-Level: 1");
    }

    static byte[] body() {
        return "{\"t\":21}".getBytes(StandardCharsets.UTF_8);
    }

    static Device device(String tenant, String id, Instant notAfter) {
        Credential cert = new Credential.X509Cert(new X500Principal("CN=" + id + ",O=" + tenant), null, notAfter);
        return new Device(tenant, id, true, List.of(cert), Set.of(), Set.of());
    }
}
