package io.fogbridge.registry;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

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

    /** What a connection showed when it authenticated. */
    public sealed interface Proof {

        /** @param hash the bcrypt hash of the registry credential its password matched */
        record Password(String hash) implements Proof {
            public Password {
                Objects.requireNonNull(hash, "hash");
            }

            @Override
            public String toString() {
                return "Password[…]";
            }
        }

        /** @param leaf the client certificate TLS verified at connect */
        record Certificate(X509Certificate leaf) implements Proof {
            public Certificate {
                Objects.requireNonNull(leaf, "leaf");
            }
        }
    }

    /** Why a connection lost its right to stay open. A small fixed set: usable as a metric tag. */
    public enum Reason {
        /** The device or its tenant is no longer in the registry. */
        REMOVED("removed"),
        /** The device or its tenant was disabled. */
        DISABLED("disabled"),
        /** The password or certificate credential it used was changed or removed, or its CA is no longer trusted. */
        CREDENTIAL_REVOKED("credential-revoked"),
        /** The credential's notAfter, or the certificate's own, has passed. */
        EXPIRED("expired");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    public sealed interface Verdict {

        /** May stay open; nothing changes before {@code until} unless the registry does ({@link Instant#MAX}: never). */
        record Stands(Instant until) implements Verdict {}

        /** Must be closed. {@code detail} names the device, never a secret. */
        record Revoked(Reason reason, String detail) implements Verdict {}
    }

    public static Verdict review(Registry snapshot, Instant now, String tenantId, String deviceId, Proof proof) {
        String name = deviceId + "@" + tenantId;
        Tenant tenant = snapshot.tenant(tenantId).orElse(null);
        Device device = tenant == null ? null : tenant.devices().get(deviceId);
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
