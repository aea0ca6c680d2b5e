package io.fogbridge.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.device.Proof;
import io.fogbridge.api.device.Verdict;
import io.fogbridge.api.device.Verdict.Reason;
import io.fogbridge.certs.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class CredentialReviewTest {

    static final Instant NOW = Instant.now();
    static final Instant LATER = NOW.plus(Duration.ofHours(2));
    static final String HASH = PasswordHasher.hash("old".toCharArray(), 4);
    static final String NEW_HASH = PasswordHasher.hash("new".toCharArray(), 4);
    static final CertificateFactory.Issued ACME_CA = CertificateFactory.ca("CN=Acme CA");
    static final CertificateFactory.Issued OTHER_CA = CertificateFactory.ca("CN=Other CA");
    static final CertificateFactory.Issued LATHE_CERT =
            CertificateFactory.client(ACME_CA, "CN=lathe-1,O=acme", NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1)));
    static final Proof PASSWORD = new Proof.Password(HASH);
    static final Proof CERT = new Proof.Certificate(LATHE_CERT.certificate());

    @Test
    void anUnchangedDeviceStandsUntilItsEarliestExpiry() {
        Registry registry = registry(true, true, List.of(ACME_CA), password(HASH, latheCertEnd()), cert(null));
        assertThat(review(registry, PASSWORD)).isEqualTo(new Verdict.Stands(latheCertEnd()));
        // the certificate's own notAfter bounds a credential without one
        assertThat(review(registry, CERT)).isEqualTo(new Verdict.Stands(latheCertEnd()));
        Registry open = registry(true, true, List.of(ACME_CA), password(HASH, null));
        assertThat(review(open, PASSWORD)).isEqualTo(new Verdict.Stands(Instant.MAX));
    }

    @Test
    void removedAndDisabledDevicesAndTenantsAreRevoked() {
        assertThat(reason(new Registry(Map.of()), PASSWORD)).isEqualTo(Reason.REMOVED);
        assertThat(reason(registry(true, true, List.of(ACME_CA)), PASSWORD)).isEqualTo(Reason.REMOVED);
        assertThat(reason(registry(false, true, List.of(ACME_CA), password(HASH, null)), PASSWORD))
                .isEqualTo(Reason.DISABLED);
        assertThat(reason(registry(true, false, List.of(ACME_CA), password(HASH, null)), CERT))
                .isEqualTo(Reason.DISABLED);
    }

    @Test
    void aChangedPasswordRevokesPasswordSessionsButNotCertificateSessions() {
        Registry changed = registry(true, true, List.of(ACME_CA), password(NEW_HASH, null), cert(null));
        assertThat(reason(changed, PASSWORD)).isEqualTo(Reason.CREDENTIAL_REVOKED);
        assertThat(review(changed, CERT)).isInstanceOf(Verdict.Stands.class);
    }

    @Test
    void aRemovedCertificateCredentialOrAnUntrustedCaRevokesCertificateSessions() {
        assertThat(reason(registry(true, true, List.of(ACME_CA), password(HASH, null)), CERT))
                .isEqualTo(Reason.CREDENTIAL_REVOKED);
        assertThat(reason(registry(true, true, List.of(OTHER_CA), cert(null)), CERT))
                .isEqualTo(Reason.CREDENTIAL_REVOKED);
    }

    @Test
    void aPassedNotAfterOrCertificateExpiryIsExpired() {
        Registry registry = registry(true, true, List.of(ACME_CA), password(HASH, LATER), cert(LATER));
        assertThat(CredentialReview.review(registry, LATER, "acme", "lathe-1", PASSWORD))
                .isInstanceOfSatisfying(
                        Verdict.Revoked.class, r -> assertThat(r.reason()).isEqualTo(Reason.EXPIRED));
        Instant afterCert = latheCertEnd().plusSeconds(1);
        Registry open = registry(true, true, List.of(ACME_CA), cert(null));
        assertThat(CredentialReview.review(open, afterCert, "acme", "lathe-1", CERT))
                .isInstanceOfSatisfying(
                        Verdict.Revoked.class, r -> assertThat(r.reason()).isEqualTo(Reason.EXPIRED));
    }

    @Test
    void extendingAWindowKeepsTheSession() {
        Registry extended = registry(true, true, List.of(ACME_CA), password(HASH, LATER.plus(Duration.ofDays(1))));
        assertThat(review(extended, PASSWORD)).isInstanceOf(Verdict.Stands.class);
    }

    // ---- helpers ----

    static Instant latheCertEnd() {
        return LATHE_CERT.certificate().getNotAfter().toInstant();
    }

    static Verdict review(Registry registry, Proof proof) {
        return CredentialReview.review(registry, NOW, "acme", "lathe-1", proof);
    }

    static Reason reason(Registry registry, Proof proof) {
        Verdict verdict = review(registry, proof);
        assertThat(verdict).isInstanceOf(Verdict.Revoked.class);
        return ((Verdict.Revoked) verdict).reason();
    }

    static Credential password(String hash, Instant notAfter) {
        return new Credential.HashedPassword(hash, null, notAfter);
    }

    static Credential cert(Instant notAfter) {
        return new Credential.X509Cert(new X500Principal("CN=lathe-1,O=acme"), null, notAfter);
    }

    /** Tenant acme with lathe-1 holding {@code credentials}, or without lathe-1 when none are given. */
    static Registry registry(
            boolean tenantEnabled,
            boolean deviceEnabled,
            List<CertificateFactory.Issued> cas,
            Credential... credentials) {
        Map<String, Device> devices = new HashMap<>();
        if (credentials.length > 0) {
            devices.put(
                    "lathe-1",
                    new Device("acme", "lathe-1", deviceEnabled, Arrays.asList(credentials), Set.of(), Set.of()));
        }
        devices.put("lathe-2", new Device("acme", "lathe-2", true, List.of(password(HASH, null)), Set.of(), Set.of()));
        return new Registry(Map.of(
                "acme",
                new Tenant(
                        "acme",
                        tenantEnabled,
                        cas.stream().map(CertificateFactory.Issued::certificate).toList(),
                        devices)));
    }
}
