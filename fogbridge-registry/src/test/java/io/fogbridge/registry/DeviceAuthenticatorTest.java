package io.fogbridge.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.device.AuthResult;
import io.fogbridge.api.device.AuthResult.Reason;
import io.fogbridge.certs.CertificateFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class DeviceAuthenticatorTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final String HASH = PasswordHasher.hash("s3cret-ü".toCharArray(), 4);
    static final CertificateFactory.Issued ACME_CA = CertificateFactory.ca("CN=Acme CA");
    static final CertificateFactory.Issued GLOBEX_CA = CertificateFactory.ca("CN=Globex CA");

    final DeviceRegistry registry = DeviceRegistry.of(new Registry(Map.of(
            "acme",
            new Tenant(
                    "acme",
                    true,
                    List.of(ACME_CA.certificate()),
                    Map.of(
                            "lathe-1", device("acme", "lathe-1", true, password(null, null), cert("CN=lathe-1,O=acme")),
                            "old", device("acme", "old", true, password(null, Instant.parse("2026-01-01T00:00:00Z"))),
                            "off", device("acme", "off", false, password(null, null)))),
            "globex",
            new Tenant(
                    "globex",
                    true,
                    List.of(GLOBEX_CA.certificate()),
                    Map.of("press-1", device("globex", "press-1", true, cert("CN=press-1,O=globex")))))));
    final DeviceAuthenticator authenticator = new DeviceAuthenticator(registry, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void theRightPasswordAuthenticatesTheDevice() {
        AuthResult result = authenticator.password("lathe-1@acme", bytes("s3cret-ü"));
        assertThat(result).isInstanceOfSatisfying(AuthResult.Authenticated.class, a -> assertThat(
                        a.device().id())
                .isEqualTo("lathe-1"));
    }

    @Test
    void wrongPasswordUnknownDeviceAndOtherTenantAreBadCredentials() {
        assertThat(reason(authenticator.password("lathe-1@acme", bytes("wrong"))))
                .isEqualTo(Reason.BAD_CREDENTIALS);
        assertThat(reason(authenticator.password("ghost@acme", bytes("s3cret-ü"))))
                .isEqualTo(Reason.BAD_CREDENTIALS);
        assertThat(reason(authenticator.password("lathe-1@globex", bytes("s3cret-ü"))))
                .isEqualTo(Reason.BAD_CREDENTIALS);
        assertThat(reason(authenticator.password("lathe-1", bytes("s3cret-ü")))).isEqualTo(Reason.MALFORMED_USERNAME);
    }

    @Test
    void disabledAndExpiredAreToldOnlyAfterThePasswordMatched() {
        assertThat(reason(authenticator.password("off@acme", bytes("s3cret-ü"))))
                .isEqualTo(Reason.DISABLED);
        assertThat(reason(authenticator.password("off@acme", bytes("x")))).isEqualTo(Reason.BAD_CREDENTIALS);
        assertThat(reason(authenticator.password("old@acme", bytes("s3cret-ü"))))
                .isEqualTo(Reason.CREDENTIAL_NOT_VALID_NOW);
    }

    @Test
    void aCertificateFromTheTenantsCaAuthenticatesBySubject() {
        var cert = CertificateFactory.client(ACME_CA, "CN=lathe-1,O=acme");
        assertThat(authenticator.certificate(List.of(cert.certificate())))
                .isInstanceOfSatisfying(
                        AuthResult.Authenticated.class,
                        a -> assertThat(a.device().tenant()).isEqualTo("acme"));
    }

    @Test
    void anotherTenantsCaCannotVouchForThisTenantsDevice() {
        var forged = CertificateFactory.client(GLOBEX_CA, "CN=lathe-1,O=acme");
        assertThat(reason(authenticator.certificate(List.of(forged.certificate()))))
                .isEqualTo(Reason.BAD_CREDENTIALS);
        // A CA with the same name but another key does not pass either.
        var impostorCa = CertificateFactory.ca("CN=Acme CA");
        var impostor = CertificateFactory.client(impostorCa, "CN=lathe-1,O=acme");
        assertThat(reason(authenticator.certificate(List.of(impostor.certificate()))))
                .isEqualTo(Reason.BAD_CREDENTIALS);
    }

    @Test
    void registryChangesApplyToTheNextAttempt() {
        registry.replaceAll(Registry.EMPTY);
        assertThat(reason(authenticator.password("lathe-1@acme", bytes("s3cret-ü"))))
                .isEqualTo(Reason.BAD_CREDENTIALS);
    }

    static Device device(String tenant, String id, boolean enabled, Credential... credentials) {
        return new Device(tenant, id, enabled, List.of(credentials), Set.of(), Set.of());
    }

    static Credential password(Instant notBefore, Instant notAfter) {
        return new Credential.HashedPassword(HASH, notBefore, notAfter);
    }

    static Credential cert(String dn) {
        return new Credential.X509Cert(new X500Principal(dn), null, null);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static Reason reason(AuthResult result) {
        return result instanceof AuthResult.Refused refused ? refused.reason() : null;
    }
}
