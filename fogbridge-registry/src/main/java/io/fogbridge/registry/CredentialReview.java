package io.fogbridge.registry;

import io.fogbridge.api.device.AuthResult;
import io.fogbridge.api.device.Proof;
import io.fogbridge.api.device.Verdict;
import io.fogbridge.api.device.Verdict.Reason;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * Decides whether a connection that authenticated earlier may stay open under a newer registry snapshot: transports
 * that keep connections (MQTT) call it when the registry changed and when a known expiry passed.
 *
 * <p>What the connection proved is kept as a {@link Proof}, never the secret: for a password the bcrypt hash that
 * matched (a {@code set-password} writes a new hash, so the old session no longer matches), for a certificate the
 * leaf TLS verified. A certificate-authenticated connection does not depend on the device's passwords: changing a
 * password revokes what that password opened, not a certificate the device still holds (remove its {@code x509-cert}
 * credential, stop trusting its CA, or disable the device for that).
 *
 * <p>Pure and thread-safe; the clock is the caller's.
 */
public final class CredentialReview {

    private CredentialReview() {}

    public static Verdict review(Registry snapshot, Instant now, String tenantId, String deviceId, Proof proof) {
        String name = deviceId + "@" + tenantId;
        Tenant tenant = snapshot.tenant(tenantId).orElse(null);
        Device device = tenant == null ? null : tenant.devices().get(deviceId);
        if (device == null && proof instanceof Proof.Certificate certificate) {
            // Admitted by its tenant's onboarding policy, not registered: it stands while the policy still admits it.
            AuthResult onboarded = DeviceAuthenticator.onboard(snapshot, certificate.leaf());
            if (onboarded instanceof AuthResult.Authenticated admitted
                    && admitted.device().tenant().equals(tenantId)
                    && admitted.device().id().equals(deviceId)) {
                Instant end = certificate.leaf().getNotAfter().toInstant();
                return now.isBefore(end)
                        ? new Verdict.Stands(end)
                        : new Verdict.Revoked(Reason.EXPIRED, "the certificate of " + name + " expired at " + end);
            }
        }
        if (device == null) {
            return new Verdict.Revoked(Reason.REMOVED, "device " + name + " is no longer in the registry");
        }
        if (!tenant.enabled() || !device.enabled()) {
            return new Verdict.Revoked(
                    Reason.DISABLED, (tenant.enabled() ? "device " : "tenant of device ") + name + " is disabled");
        }
        Instant certificateEnd = Instant.MAX;
        if (proof instanceof Proof.Certificate certificate) {
            X509Certificate leaf = certificate.leaf();
            if (!DeviceAuthenticator.issuedByOneOf(leaf, tenant.trustedCas())) {
                return new Verdict.Revoked(
                        Reason.CREDENTIAL_REVOKED,
                        "tenant " + tenantId + " no longer trusts the CA that issued the certificate of " + name);
            }
            certificateEnd = leaf.getNotAfter().toInstant();
            if (!now.isBefore(certificateEnd)) {
                return new Verdict.Revoked(
                        Reason.EXPIRED, "the certificate of " + name + " expired at " + certificateEnd);
            }
        }
        boolean matched = false;
        for (Credential credential : device.credentials()) {
            if (!matches(credential, proof)) {
                continue;
            }
            matched = true;
            if (credential.validAt(now)) {
                Instant end = credential.notAfter() == null ? Instant.MAX : credential.notAfter();
                return new Verdict.Stands(end.isBefore(certificateEnd) ? end : certificateEnd);
            }
        }
        return matched
                ? new Verdict.Revoked(
                        Reason.EXPIRED, "the credential " + name + " connected with is outside its notBefore/notAfter")
                : new Verdict.Revoked(
                        Reason.CREDENTIAL_REVOKED,
                        "the " + (proof instanceof Proof.Password ? "password" : "certificate credential") + " " + name
                                + " connected with was changed or removed");
    }

    private static boolean matches(Credential credential, Proof proof) {
        return switch (proof) {
            case Proof.Password password ->
                credential instanceof Credential.HashedPassword hashed
                        && hashed.hash().equals(password.hash());
            case Proof.Certificate certificate ->
                credential instanceof Credential.X509Cert cert
                        && cert.subject().equals(certificate.leaf().getSubjectX500Principal());
        };
    }
}
