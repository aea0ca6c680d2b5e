package io.fogbridge.operator.model;

/**
 * What a Gateway gets when its spec leaves it out, set where the operator is installed (the chart).
 *
 * @param image the gateway image
 * @param priorityClassName the chart's PriorityClass for edge-critical workloads
 * @param leaseImage the operator's image, whose {@code ActivePodLeaseMain} holds the active Lease beside a gateway
 *     with a backup
 */
public record OperatorDefaults(String image, String priorityClassName, String leaseImage) {

    public static final String DEFAULT_IMAGE = "ghcr.io/fogbridge/fogbridge-gateway:0.1.0";
    public static final String DEFAULT_PRIORITY_CLASS = "fogbridge-edge-critical";
    public static final String DEFAULT_LEASE_IMAGE = "ghcr.io/fogbridge/fogbridge-operator:0.1.0";

    public OperatorDefaults(String image, String priorityClassName) {
        this(image, priorityClassName, DEFAULT_LEASE_IMAGE);
    }

    /**
     * From {@code FOGBRIDGE_GATEWAY_IMAGE}, {@code FOGBRIDGE_PRIORITY_CLASS} and {@code FOGBRIDGE_OPERATOR_IMAGE}, else
     * the built-in names.
     */
    public static OperatorDefaults fromEnvironment(java.util.Map<String, String> env) {
        return new OperatorDefaults(
                env.getOrDefault("FOGBRIDGE_GATEWAY_IMAGE", DEFAULT_IMAGE),
                env.getOrDefault("FOGBRIDGE_PRIORITY_CLASS", DEFAULT_PRIORITY_CLASS),
                env.getOrDefault("FOGBRIDGE_OPERATOR_IMAGE", DEFAULT_LEASE_IMAGE));
    }
}
