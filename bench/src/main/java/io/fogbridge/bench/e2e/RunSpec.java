package io.fogbridge.bench.e2e;

/**
 * One measured run: a fresh gateway with this fsync policy, {@code clients} devices publishing
 * {@code size}-byte QoS 1 messages at {@code rate} msg/s in total (0 = as fast as the PUBACKs allow, with
 * {@code window} publishes in flight per client), for {@code durationSeconds} of which the first
 * {@code warmupSeconds} are not measured; or exactly {@code messages} messages if that is above 0.
 * With {@code outageSeconds} above 0, Kafka is stopped {@code outageAtSeconds} into the run for that long.
 */
record RunSpec(
        String name,
        int clients,
        int size,
        double rate,
        int window,
        String fsync,
        int durationSeconds,
        int warmupSeconds,
        long messages,
        int outageAtSeconds,
        int outageSeconds) {

    boolean asFastAsPossible() {
        return rate <= 0;
    }

    /** Kafka topic tenant: one per run, so runs sharing a broker never read each other's records. */
    String tenant() {
        return name.replaceAll("[^A-Za-z0-9-]", "-");
    }

    String offered() {
        return asFastAsPossible() ? "max" + (window > 1 ? " w" + window : "") : String.format("%,.0f/s", rate);
    }
}
