package io.fogbridge.gateway.ops;

/**
 * One component's contribution to {@code /readyz}. Implementations must be cheap and
 * non-blocking: they run on every probe.
 */
@FunctionalInterface
public interface ReadinessCheck {

    Status check();

    /** {@code detail} is shown to operators: say why when not ready (never a secret). */
    record Status(boolean ready, String detail) {
        public static Status ok(String detail) {
            return new Status(true, detail);
        }

        public static Status notReady(String detail) {
            return new Status(false, detail);
        }
    }
}
