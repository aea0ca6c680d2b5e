package io.fogbridge.api.device;

/** What {@link DeviceDirectory#authenticate} decided about a connecting client. */
public sealed interface AuthResult {

    /**
     * The client is {@code device}; it may act for the devices in {@code device.via()}. {@code proof} is what it
     * showed, so a transport that keeps the connection open can later ask {@link DeviceDirectory#review} whether
     * this very credential still stands.
     */
    record Authenticated(RegisteredDevice device, Proof proof) implements AuthResult {}

    /**
     * Refused. {@code detail} is for the gateway's log (it names the device, never a secret); the client hears only
     * the {@link Reason}.
     */
    record Refused(Reason reason, String detail) implements AuthResult {}

    /**
     * Plug-and-play onboarding: a client certificate issued by the CA of a tenant that onboards devices, for an id
     * (the certificate's CN) that tenant has not registered. The client may connect, but nothing it sends leaves the
     * edge (a transport drops and counts it) until an administrator, or the tenant's policy, admits it; the device's
     * next connection after that authenticates as {@link Authenticated}. Transports without certificates never see
     * it.
     *
     * @param device  what the device would be: its tenant and id, no roles, no {@code via}
     * @param subject the certificate's subject DN (RFC 2253), what an approval registers
     */
    record Pending(RegisteredDevice device, Proof.Certificate proof, String subject) implements AuthResult {}

    enum Reason {
        /** Unknown device or tenant, wrong password, or a certificate not issued by the tenant's CA. */
        BAD_CREDENTIALS,
        /** The device or its tenant is disabled. */
        DISABLED,
        /** The credential matched but is outside its notBefore/notAfter window. */
        CREDENTIAL_NOT_VALID_NOW,
        /** The user name is not {@code device@tenant}. */
        MALFORMED_USERNAME
    }
}
