package io.fogbridge.registry;

import io.fogbridge.api.DeviceId;
import io.fogbridge.api.device.AuthResult;
import io.fogbridge.api.device.AuthResult.Reason;
import io.fogbridge.api.device.Proof;
import io.fogbridge.api.device.RegisteredDevice;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a connecting client's credentials against the {@link DeviceRegistry}'s current snapshot.
 *
 * <p>Thread-safe. {@link #password} runs bcrypt (tens of ms): call it on a thread that may block. The order of
 * checks never lets a client learn more than "bad credentials" about a device it cannot prove to be: disabled and
 * expired are only reported after the secret matched.
 */
public final class DeviceAuthenticator {

    private final DeviceRegistry registry;
    private final Clock clock;

    public DeviceAuthenticator(DeviceRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * @param username {@code device@tenant}
     * @param password the password's UTF-8 bytes, as MQTT carries them
     */
    public AuthResult password(String username, byte[] password) {
        return password(registry.current(), username, password, clock.instant());
    }

    /** {@link #password(String, byte[])} against one snapshot, at {@code now}. */
    static AuthResult password(Registry snapshot, String username, byte[] password, Instant now) {
        DeviceId login = DeviceId.parseLogin(username).orElse(null);
        if (login == null) {
            return new AuthResult.Refused(
                    Reason.MALFORMED_USERNAME, "user name '" + username + "' is not device@tenant");
        }
        Device device = snapshot.device(login.tenant(), login.device()).orElse(null);
        if (device == null) {
            return new AuthResult.Refused(Reason.BAD_CREDENTIALS, "unknown device " + username);
        }
        boolean matchedOutsideWindow = false;
        for (Credential credential : device.credentials()) {
            if (credential instanceof Credential.HashedPassword hashed
                    && PasswordHasher.verify(hashed.hash(), password)) {
                if (credential.validAt(now)) {
                    return enabled(snapshot, device, new Proof.Password(hashed.hash()));
                }
                matchedOutsideWindow = true;
            }
        }
        return matchedOutsideWindow
                ? new AuthResult.Refused(
                        Reason.CREDENTIAL_NOT_VALID_NOW,
                        "password of " + username + " is outside its notBefore/notAfter window")
                : new AuthResult.Refused(Reason.BAD_CREDENTIALS, "wrong password for " + username);
    }

    /**
     * @param chain the client's certificate chain as TLS verified it (leaf first); TLS has already checked it against
     *              the listener's trust store and its validity dates
     */
    public AuthResult certificate(List<X509Certificate> chain) {
        return certificate(registry.current(), chain, clock.instant());
    }

    /** {@link #certificate(List)} against one snapshot, at {@code now}. */
    static AuthResult certificate(Registry snapshot, List<X509Certificate> chain, Instant now) {
        X509Certificate leaf = chain.getFirst();
        List<Device> candidates = snapshot.devicesWithSubject(leaf.getSubjectX500Principal());
        AuthResult.Refused refusal = new AuthResult.Refused(
                Reason.BAD_CREDENTIALS,
                "no device registered for certificate subject '" + leaf.getSubjectX500Principal() + "' issued by '"
                        + leaf.getIssuerX500Principal() + "'");
        for (Device device : candidates) {
            Tenant tenant = snapshot.tenant(device.tenant()).orElseThrow();
            if (!issuedByOneOf(leaf, tenant.trustedCas())) {
                continue; // another tenant's CA cannot vouch for this tenant's devices
            }
            for (Credential credential : device.credentials()) {
                if (credential instanceof Credential.X509Cert cert
                        && cert.subject().equals(leaf.getSubjectX500Principal())) {
                    if (credential.validAt(now)) {
                        return enabled(snapshot, device, new Proof.Certificate(leaf));
                    }
                    refusal = new AuthResult.Refused(
                            Reason.CREDENTIAL_NOT_VALID_NOW,
                            "certificate credential of " + device.id() + "@" + device.tenant()
                                    + " is outside its notBefore/notAfter window");
                }
            }
        }
        if (refusal.reason() == Reason.BAD_CREDENTIALS) {
            AuthResult onboarded = onboard(snapshot, leaf);
            if (onboarded != null) {
                return onboarded;
            }
        }
        return refusal;
    }

    /**
     * Plug-and-play onboarding of a certificate no registered device claims: null when no tenant that onboards
     * trusts its issuer (the caller refuses it as unknown), else what the tenant's {@link Onboarding} decides for the
     * device its CN names. An id the tenant has registered is never taken over by a certificate of the CA alone.
     */
    static AuthResult onboard(Registry snapshot, X509Certificate leaf) {
        List<Tenant> tenants = snapshot.tenants().values().stream()
                .filter(t -> t.onboarding() != null && issuedByOneOf(leaf, t.trustedCas()))
                .sorted(Comparator.comparing(Tenant::id))
                .toList();
        if (tenants.isEmpty()) {
            return null;
        }
        String subject = leaf.getSubjectX500Principal().getName();
        if (tenants.size() > 1) {
            return new AuthResult.Refused(
                    Reason.BAD_CREDENTIALS,
                    "certificate '" + subject + "' was issued by a CA that tenants "
                            + String.join(", ", tenants.stream().map(Tenant::id).toList())
                            + " all trust and onboard from: not onboarded, the tenant is ambiguous");
        }
        Tenant tenant = tenants.getFirst();
        String id = CommonName.of(leaf.getSubjectX500Principal());
        if (id == null) {
            return new AuthResult.Refused(
                    Reason.BAD_CREDENTIALS,
                    "certificate '" + subject + "' of tenant " + tenant.id() + "'s CA has no CN usable as a device id ("
                            + DeviceId.ID_RULE + ")");
        }
        if (tenant.devices().containsKey(id)) {
            return new AuthResult.Refused(
                    Reason.BAD_CREDENTIALS,
                    "certificate '" + subject + "' names device " + id + "@" + tenant.id()
                            + ", which is registered without this subject: the CA alone does not take over a"
                            + " registered id");
        }
        if (!tenant.enabled()) {
            return new AuthResult.Refused(
                    Reason.DISABLED, "tenant of device " + id + "@" + tenant.id() + " is disabled");
        }
        RegisteredDevice device = new RegisteredDevice(tenant.id(), id, true, Set.of(), Set.of(), Map.of());
        Proof.Certificate proof = new Proof.Certificate(leaf);
        return switch (tenant.onboarding().decide(subject)) {
            case ADMIT -> new AuthResult.Authenticated(device, proof);
            case PENDING -> new AuthResult.Pending(device, proof, subject);
        };
    }

    private static AuthResult enabled(Registry snapshot, Device device, Proof proof) {
        boolean tenantEnabled =
                snapshot.tenant(device.tenant()).map(Tenant::enabled).orElse(false);
        if (!device.enabled() || !tenantEnabled) {
            return new AuthResult.Refused(
                    Reason.DISABLED,
                    (tenantEnabled ? "device " : "tenant of device ") + device.id() + "@" + device.tenant()
                            + " is disabled");
        }
        return new AuthResult.Authenticated(device.registered(true), proof);
    }

    static boolean issuedByOneOf(X509Certificate leaf, List<X509Certificate> cas) {
        for (X509Certificate ca : cas) {
            if (!ca.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
                continue;
            }
            try {
                leaf.verify(ca.getPublicKey());
                return true;
            } catch (GeneralSecurityException e) {
                // same name, different key: not this CA
            }
        }
        return false;
    }
}
