package io.fogbridge.api.device;

import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * What a connection showed when it authenticated, kept by the transport for {@link DeviceDirectory#review}. Never
 * the secret: for a password the stored hash it matched (a new password means a new hash, so the old session no
 * longer matches), for a certificate the leaf TLS verified. Immutable.
 */
public sealed interface Proof {

    /** @param hash the stored hash of the directory credential the password matched */
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
