package io.fogbridge.api.device;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who the devices are, and what they may do: the one place transports and the command router ask. The edge feeds it
 * from a YAML file; in Kubernetes the operator feeds another implementation from custom resources. Transports see
 * only this contract.
 *
 * <p><b>Questions it answers.</b> Who is this device ({@link #device}, {@link #isKnown}); may it connect
 * ({@link #authenticate(String, byte[], Instant)} by password, {@link #authenticate(List, Instant)} by certificate);
 * may a connection it opened earlier stay open ({@link #review}); what are its roles, {@code via} and labels
 * ({@link RegisteredDevice}). Every answer is computed against one consistent version of the directory: a change is
 * atomic, readers see the old or the new content, never a mix. The caller passes the time, so validity windows follow
 * the caller's clock.
 *
 * <p><b>Changes and revocation.</b> {@link #version()} changes whenever the content does, so callers may cache an
 * answer for as long as the version stays the same. {@link #subscribe} tells listeners of each new version. A change
 * can take rights away from connections that are already open (device removed or disabled, credential changed or
 * expired, CA no longer trusted): a transport that keeps connections open must {@link #review} them after a change,
 * and again when the {@link Verdict.Stands#until()} it was given passes; authentication alone runs only at connect.
 *
 * <p><b>Threads.</b> Thread-safe. {@link #device}, {@link #isKnown}, {@link #review} and {@link #version} do not block
 * and may run on I/O threads. {@link #authenticate(String, byte[], Instant)} verifies a password hash (bcrypt: tens
 * of milliseconds of CPU): call it on a thread that may block. The order of checks never tells a client more than
 * "bad credentials" about a device it cannot prove to be: disabled and expired are reported only after the secret
 * matched.
 */
public interface DeviceDirectory {

    /** The device, enabled or not; empty when the directory does not know it. */
    Optional<RegisteredDevice> device(String tenant, String deviceId);

    /**
     * Whether commands may be addressed to the device: it is registered, or a registered device of its tenant acts for
     * it ({@code via}).
     */
    boolean isKnown(String tenant, String deviceId);

    /**
     * @param username {@code device@tenant}
     * @param password the password's UTF-8 bytes, as MQTT and HTTP Basic carry them; not kept
     */
    AuthResult authenticate(String username, byte[] password, Instant now);

    /**
     * @param chain the client's certificate chain as TLS verified it (leaf first); TLS has already checked it against
     *              the listener's trust store and its validity dates. The subject must be registered for a device
     *              whose tenant trusts the issuing CA.
     */
    AuthResult authenticate(List<X509Certificate> chain, Instant now);

    /**
     * Whether a connection that authenticated as {@code deviceId@tenant} with {@code proof} may stay open. A
     * certificate-authenticated connection does not depend on the device's passwords, and the other way round.
     */
    Verdict review(String tenant, String deviceId, Proof proof, Instant now);

    /** Changes with every change of content (not necessarily by one); equal versions mean equal answers. */
    long version();

    /**
     * Calls {@code listener} after each change, on the thread that made it (keep it short; hand work off). Listeners
     * registered while a change happens may or may not hear of it: read {@link #version()} after subscribing.
     *
     * @return closing it unsubscribes; idempotent
     */
    Subscription subscribe(Listener listener);

    /** Hears of changes; see {@link #subscribe}. */
    @FunctionalInterface
    interface Listener {
        void changed(long version);
    }

    /** A registration with {@link #subscribe}; closing it ends the registration. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** A directory without devices: every client is unknown; only anonymous access (where allowed) remains. */
    static DeviceDirectory empty() {
        return EmptyDirectory.INSTANCE;
    }
}
