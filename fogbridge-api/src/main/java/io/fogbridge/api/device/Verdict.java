package io.fogbridge.api.device;

import java.time.Instant;

/** Whether a connection that authenticated earlier may stay open: the answer of {@link DeviceDirectory#review}. */
public sealed interface Verdict {

    /** May stay open; nothing changes before {@code until} unless the directory does ({@link Instant#MAX}: never). */
    record Stands(Instant until) implements Verdict {}

    /** Must be closed. {@code detail} names the device, never a secret. */
    record Revoked(Reason reason, String detail) implements Verdict {}

    /** Why a connection lost its right to stay open. A small fixed set: usable as a metric tag. */
    enum Reason {
        /** The device or its tenant is no longer in the directory. */
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
}
