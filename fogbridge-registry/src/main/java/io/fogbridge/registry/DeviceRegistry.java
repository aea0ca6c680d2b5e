package io.fogbridge.registry;

import io.fogbridge.api.device.AuthResult;
import io.fogbridge.api.device.DeviceDirectory;
import io.fogbridge.api.device.Proof;
import io.fogbridge.api.device.RegisteredDevice;
import io.fogbridge.api.device.Verdict;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DeviceDirectory} of whole {@link Registry} snapshots. The edge feeds it from a YAML file
 * ({@link RegistryFileWatcher}); anything else that learns the full set of devices can feed it through
 * {@link #replaceAll}.
 *
 * <p>Thread-safe: every question reads the current snapshot once (a volatile read, never blocking), so an answer
 * always comes from one version. {@link #replaceAll} may be called from any thread; it is atomic, bumps
 * {@link #version()} and then tells the listeners on the calling thread. A listener that throws is logged and does
 * not keep the others from hearing of the change.
 */
public final class DeviceRegistry implements DeviceDirectory {

    private static final Logger log = LoggerFactory.getLogger(DeviceRegistry.class);

    private record Versioned(Registry registry, long version) {}

    private volatile Versioned current;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final OnboardingQueue onboarding = new OnboardingQueue();

    private DeviceRegistry(Registry initial) {
        this.current = new Versioned(Objects.requireNonNull(initial, "initial"), 0);
    }

    public static DeviceRegistry of(Registry initial) {
        return new DeviceRegistry(initial);
    }

    public Registry current() {
        return current.registry();
    }

    /** Makes {@code next} the registry from now on. */
    public void replaceAll(Registry next) {
        Objects.requireNonNull(next, "next");
        long version;
        synchronized (this) { // writers are rare; keeps versions increasing with the order of replacement
            version = current.version() + 1;
            current = new Versioned(next, version);
        }
        onboarding.forget(n -> next.device(n.tenant(), n.id()).isPresent());
        for (Listener listener : listeners) {
            try {
                listener.changed(version);
            } catch (RuntimeException e) {
                log.error("a device registry listener failed on version {}", version, e);
            }
        }
    }

    @Override
    public Optional<RegisteredDevice> device(String tenant, String deviceId) {
        Registry snapshot = current();
        boolean tenantEnabled = snapshot.tenant(tenant).map(Tenant::enabled).orElse(false);
        return snapshot.device(tenant, deviceId).map(device -> device.registered(tenantEnabled));
    }

    @Override
    public boolean isKnown(String tenant, String deviceId) {
        Registry snapshot = current();
        return snapshot.device(tenant, deviceId).isPresent()
                || snapshot.tenant(tenant)
                        .map(t -> t.devices().values().stream()
                                .anyMatch(d -> d.via().contains(deviceId)))
                        .orElse(false);
    }

    @Override
    public AuthResult authenticate(String username, byte[] password, Instant now) {
        return DeviceAuthenticator.password(current(), username, password, now);
    }

    @Override
    public AuthResult authenticate(List<X509Certificate> chain, Instant now) {
        Registry snapshot = current();
        AuthResult result = DeviceAuthenticator.certificate(snapshot, chain, now);
        onboarding.record(
                result, snapshot, chain.getFirst().getIssuerX500Principal().getName(), now);
        return result;
    }

    /** The certificates onboarding has seen that the registry does not hold yet. */
    public OnboardingQueue onboarding() {
        return onboarding;
    }

    @Override
    public Verdict review(String tenant, String deviceId, Proof proof, Instant now) {
        return CredentialReview.review(current(), now, tenant, deviceId, proof);
    }

    @Override
    public long version() {
        return current.version();
    }

    @Override
    public Subscription subscribe(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public String toString() {
        return "DeviceRegistry[" + current() + "]";
    }
}
