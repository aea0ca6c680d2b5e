package io.fogbridge.operator.figures;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/**
 * Where the operator gets a running gateway's figures. Implementations are called from the reconciler's threads (one
 * Gateway at a time per implementation call, several Gateways in parallel) and must be thread-safe and bounded in time.
 */
public interface FigureSource {

    /**
     * The figures of {@code pod} in {@code namespace}; empty when the pod cannot be asked now (no address yet,
     * unreachable, an answer that is not a metrics page). Never throws for an unreachable gateway.
     */
    Optional<GatewayFigures> read(KubernetesClient client, String namespace, String pod);
}
