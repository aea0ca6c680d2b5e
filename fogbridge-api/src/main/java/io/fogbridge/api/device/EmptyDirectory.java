package io.fogbridge.api.device;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link DeviceDirectory#empty()}: answers as a registry without tenants would. Stateless. */
final class EmptyDirectory implements DeviceDirectory {

    static final EmptyDirectory INSTANCE = new EmptyDirectory();

    private EmptyDirectory() {}

    @Override
    public Optional<RegisteredDevice> device(String tenant, String deviceId) {
        return Optional.empty();
    }

    @Override
    public boolean isKnown(String tenant, String deviceId) {
        return false;
    }

    @Override
    public AuthResult authenticate(String username, byte[] password, Instant now) {
        int at = username == null ? -1 : username.lastIndexOf('@');
        if (at <= 0 || at == username.length() - 1) {
            return new AuthResult.Refused(
                    AuthResult.Reason.MALFORMED_USERNAME, "user name '" + username + "' is not device@tenant");
        }
        return new AuthResult.Refused(AuthResult.Reason.BAD_CREDENTIALS, "unknown device " + username);
    }

    @Override
    public AuthResult authenticate(List<X509Certificate> chain, Instant now) {
        X509Certificate leaf = chain.getFirst();
        return new AuthResult.Refused(
                AuthResult.Reason.BAD_CREDENTIALS,
                "no device registered for certificate subject '" + leaf.getSubjectX500Principal() + "' issued by '"
                        + leaf.getIssuerX500Principal() + "'");
    }

    @Override
    public Verdict review(String tenant, String deviceId, Proof proof, Instant now) {
        return new Verdict.Revoked(
                Verdict.Reason.REMOVED, "device " + deviceId + "@" + tenant + " is no longer in the registry");
    }

    @Override
    public long version() {
        return 0;
    }

    @Override
    public Subscription subscribe(Listener listener) {
        return () -> {}; // never changes
    }
}
