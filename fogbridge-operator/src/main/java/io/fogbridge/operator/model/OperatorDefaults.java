package io.fogbridge.operator.model;

/**
 * What a Gateway gets when its spec leaves it out, set where the operator is installed (the chart).
 *
 * @param image the gateway image
 * @param priorityClassName the chart's PriorityClass for edge-critical workloads
 */
public record OperatorDefaults(String image, String priorityClassName) {

    public static final String DEFAULT_IMAGE = "ghcr.io/fogbridge/fogbridge-gateway:0.1.0";
    public static final String DEFAULT_PRIORITY_CLASS = "fogbridge-edge-critical";

    /** From {@code FOGBRIDGE_GATEWAY_IMAGE} and {@code FOGBRIDGE_PRIORITY_CLASS}, else the built-in names. */
    public static OperatorDefaults fromEnvironment(java.util.Map<String, String> env) {
        return new OperatorDefaults(
                env.getOrDefault("FOGBRIDGE_GATEWAY_IMAGE", DEFAULT_IMAGE),
                env.getOrDefault("FOGBRIDGE_PRIORITY_CLASS", DEFAULT_PRIORITY_CLASS));
    }
}
