package io.fogbridge.operator.model;

import io.fogbridge.operator.crd.Gateway;
import java.util.List;

/**
 * {@code placement.backup}: an active and a standby pod of one Gateway on two different nodes with the gateway's node
 * labels. The Lease {@link #leaseName()} decides which pod is active; its holder labels itself {@value #ACTIVE_LABEL}
 * and the device Service selects that label, so devices reach the active pod only. The standby runs a whole gateway
 * (its own spool on its own claim, its own {@code gateway.id}) that no device reaches until it takes the Lease.
 *
 * @param gatewayName the Gateway's name; the pods are its StatefulSet's, {@code <name>-0} and {@code <name>-1}
 * @param enabled whether the spec asks for a backup
 */
public record Backup(String gatewayName, boolean enabled) {

    /** On the active pod only, {@code "true"}; the device Service selects it when the Gateway has a backup. */
    public static final String ACTIVE_LABEL = Gateway.GROUP + "/active";

    /** The active pod and the standby. */
    public static final int PODS = 2;

    public static Backup of(Gateway gateway) {
        var placement = gateway.getSpec().placement;
        return new Backup(gateway.getMetadata().getName(), placement != null && Boolean.TRUE.equals(placement.backup));
    }

    public int replicas() {
        return enabled ? PODS : 1;
    }

    /** The Lease whose holder is the active pod. */
    public String leaseName() {
        return gatewayName + "-active";
    }

    /** The StatefulSet's pods by name: what the lease container may label, and nothing else. */
    public List<String> podNames() {
        return java.util.stream.IntStream.range(0, replicas())
                .mapToObj(i -> gatewayName + "-" + i)
                .toList();
    }
}
