package io.fogbridge.registry;

import java.time.Instant;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * One way a device proves who it is. Each credential has an optional validity window so a new one can be added before
 * the old one expires (rotation without a gap): outside {@code [notBefore, notAfter)} it does not authenticate.
 * Immutable.
 */
public sealed interface Credential {

    /** Not valid before this instant; null = no lower bound. */
    Instant notBefore();

    /** Not valid from this instant on; null = no upper bound. */
    Instant notAfter();

    /** Whether the window contains {@code now}. */
    default boolean validAt(Instant now) {
        return (notBefore() == null || !now.isBefore(notBefore())) && (notAfter() == null || now.isBefore(notAfter()));
    }

    /** Type name in the registry file. */
    String type();

    /**
     * A bcrypt hash of a password ({@code $2a$}, {@code $2b$} or {@code $2y$}). The password itself is never stored.
     */
    record HashedPassword(String hash, Instant notBefore, Instant notAfter) implements Credential {

        public static final String TYPE = "hashed-password";

        public HashedPassword {
            if (hash == null) {
                throw new IllegalArgumentException("hashed-password needs 'hash' (plain passwords are never stored;"
                        + " set one with `fogbridge device set-password`)");
            }
            if (!PasswordHasher.isBcryptHash(hash)) {
                throw new IllegalArgumentException("hash: not a bcrypt hash ($2a$/$2b$/$2y$, 60 characters);"
                        + " make one with `fogbridge device set-password`");
            }
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public String toString() { // the hash is not a secret in itself, but it has no business in logs
            return "HashedPassword[notBefore=" + notBefore + ", notAfter=" + notAfter + "]";
        }
    }

    /**
     * An X.509 client certificate with this subject, issued by the tenant's trusted CA. The certificate's own validity
     * is checked by TLS; this window limits it further.
     */
    record X509Cert(X500Principal subject, Instant notBefore, Instant notAfter) implements Credential {

        public static final String TYPE = "x509-cert";

        public X509Cert {
            Objects.requireNonNull(subject, "subject");
        }

        @Override
        public String type() {
            return TYPE;
        }
    }
}
