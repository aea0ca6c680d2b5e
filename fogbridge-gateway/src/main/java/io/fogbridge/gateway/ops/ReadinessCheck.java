package io.fogbridge.gateway.ops;

/**
 * One component's contribution to {@code /readyz}. Implementations must be cheap and
 * non-blocking: they run on every probe.
 */
@FunctionalInterface
public interface ReadinessCheck {

    Status check();

    /**
     * {@code detail} is shown to operators: say why when not ready (never a secret). A degraded
     * component is still ready (the gateway keeps accepting traffic) but shows as a warning.
     */
    record Status(boolean ready, boolean degraded, String detail) {
        public static Status ok(String detail) {
            return new Status(true, false, detail);
        }

        public static Status degraded(String detail) {
            return new Status(true, true, detail);
        }

        public static Status notReady(String detail) {
            return new Status(false, false, detail);
        }

        String label() {
            return !ready ? "[FAIL] " : degraded ? "[WARN] " : "[ok]   ";
        }
    }
}
