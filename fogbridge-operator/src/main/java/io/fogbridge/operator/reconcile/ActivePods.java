package io.fogbridge.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.model.Backup;
import io.fogbridge.operator.model.GatewayModel;
import java.util.Comparator;

/**
 * Which pod of a Gateway with a backup serves devices: the one its lease container labelled {@value
 * Backup#ACTIVE_LABEL}, which is what the device Service selects (rather than the Lease's holder, which can be ahead
 * of the label by one patch).
 */
final class ActivePods {

    private ActivePods() {}

    /** The labelled pod's name; the first by name when a takeover briefly labels two; null when none is. */
    static String labelled(KubernetesClient client, Gateway gateway) {
        return client
                .pods()
                .inNamespace(gateway.getMetadata().getNamespace())
                .withLabel(GatewayModel.INSTANCE_LABEL, gateway.getMetadata().getName())
                .withLabel(Backup.ACTIVE_LABEL, "true")
                .list()
                .getItems()
                .stream()
                .map(Pod::getMetadata)
                .map(m -> m.getName())
                .min(Comparator.naturalOrder())
                .orElse(null);
    }
}
