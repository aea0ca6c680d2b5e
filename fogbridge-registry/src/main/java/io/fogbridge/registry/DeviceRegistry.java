package io.fogbridge.registry;

/**
 * Where the gateway looks devices up. The edge feeds it from a YAML file ({@link RegistryFileWatcher}); the
 * Kubernetes operator can feed it from custom resources through {@link #replaceAll}.
 *
 * <p>Thread-safe: {@link #current()} is called on every connect (and must not block), {@link #replaceAll} from
 * whichever thread learned of a change. A replacement is atomic: readers see the old or the new snapshot, never a
 * mix. A registry does not notify anyone: a transport that keeps connections open re-checks them against
 * {@link #current()} itself ({@link CredentialReview}; the embedded MQTT broker does so every second).
 */
public interface DeviceRegistry {

    Registry current();

    /** Makes {@code next} the registry from now on. */
    void replaceAll(Registry next);

    /** The plain implementation: a volatile snapshot. */
    static DeviceRegistry of(Registry initial) {
        return new DeviceRegistry() {
            private volatile Registry current = initial;

            @Override
            public Registry current() {
                return current;
            }

            @Override
            public void replaceAll(Registry next) {
                current = java.util.Objects.requireNonNull(next, "next");
            }
        };
    }
}
