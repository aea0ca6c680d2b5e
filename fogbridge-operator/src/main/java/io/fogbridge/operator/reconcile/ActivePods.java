package io.fogbridge.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.model.Backup;
import io.fogbridge.operator.model.GatewayModel;
import io.fogbridge.operator.model.StandbyPlacement;
import java.util.List;

/**
 * Which pod of a Gateway with a backup serves devices: the one its lease container labelled {@value
 * Backup#ACTIVE_LABEL}, which is what the device Service selects (rather than the Lease's holder, which can be ahead
 * of the label by one patch); and the nodes its pods run on.
 */
final class ActivePods {

    private ActivePods() {}

    /** The Gateway's pods, where they run and which is labelled active: one list request. */
    static List<StandbyPlacement.PodOnNode> of(KubernetesClient client, Gateway gateway) {
        return client
                .pods()
                .inNamespace(gateway.getMetadata().getNamespace())
                .withLabel(GatewayModel.INSTANCE_LABEL, gateway.getMetadata().getName())
                .list()
                .getItems()
                .stream()
                .map(ActivePods::onNode)
                .toList();
    }

    private static StandbyPlacement.PodOnNode onNode(Pod pod) {
        var labels = pod.getMetadata().getLabels();
        return new StandbyPlacement.PodOnNode(
                pod.getMetadata().getName(),
                pod.getSpec() == null ? null : pod.getSpec().getNodeName(),
                labels != null && "true".equals(labels.get(Backup.ACTIVE_LABEL)));
    }

    /** The labelled pod's name; the first by name when a takeover briefly labels two; null when none is. */
    static String labelled(List<StandbyPlacement.PodOnNode> pods) {
        return pods.stream()
                .filter(StandbyPlacement.PodOnNode::active)
                .map(StandbyPlacement.PodOnNode::pod)
                .sorted()
                .findFirst()
                .orElse(null);
    }
}
