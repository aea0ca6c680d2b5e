package io.fogbridge.operator.model;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the standby of a Gateway with {@code placement.backup} can run, from the nodes labelled
 * {@value #SITE_LABEL}{@code =<spec.site>}. Pure: the reconciler hands in the site's nodes (from its Node informer) and
 * where the Gateway's pods run now.
 *
 * <p>The scheduler still places the pods: the pod template requires the site label and keeps the two pods apart
 * (anti-affinity by host name), so the only thing the operator changes as nodes come and go is the number of pods.
 * With one usable node it runs the active pod alone (no standby left Pending); when a second usable node of the site
 * joins or becomes Ready it asks for the standby, which can only go there. Changing the replica count leaves the pod
 * template, and so the running pods, as they are: adding a standby never restarts the active gateway. When the
 * standby's node leaves, the StatefulSet goes back to one pod, unless the surviving pod is the second one, which is
 * then the active one: scaling down would remove it, so the first pod waits Pending for a node instead.
 *
 * <p>A site none of whose nodes carries the label is placed as before the label existed: two pods, kept apart, on
 * any nodes the {@link Placement} allows, and the status says the operator does not know the site's nodes.
 *
 * @param siteNodesKnown whether any node carries the site's label: then the pod template requires it
 * @param replicas the StatefulSet's pods
 * @param activeNode the node of the active pod, when it is scheduled; else null
 * @param standbyNode the node of the standby, when it is scheduled or can only go to one node; else null
 * @param usableNodes the site's nodes that can hold a pod of this Gateway, by name
 * @param reason {@value #PLACED}, {@value #NO_STANDBY_NODE} or {@value #NO_SITE_NODES}
 * @param message what the reason means for this Gateway
 */
public record StandbyPlacement(
        boolean siteNodesKnown,
        int replicas,
        String activeNode,
        String standbyNode,
        List<String> usableNodes,
        String reason,
        String message) {

    /** The label by which a node says which site it serves. */
    public static final String SITE_LABEL = io.fogbridge.operator.crd.Gateway.GROUP + "/site";

    public static final String PLACED = "StandbyPlaced";
    public static final String NO_STANDBY_NODE = "NoStandbyNode";
    public static final String NO_SITE_NODES = "NoSiteNodes";

    /** Where a pod of the Gateway runs now. */
    public record PodOnNode(String pod, String node, boolean active) {}

    /**
     * @param siteNodes every node labelled with the Gateway's site, whatever its state
     * @param pods the Gateway's pods; a pod not scheduled yet has a null node
     */
    public static StandbyPlacement of(Gateway gateway, List<Node> siteNodes, List<PodOnNode> pods) {
        Backup backup = Backup.of(gateway);
        String active = pods.stream()
                .filter(PodOnNode::active)
                .map(PodOnNode::pod)
                .sorted()
                .findFirst()
                .orElse(null);
        String activeNode = nodeOf(pods, active);
        String standbyPod = active == null
                ? null
                : backup.podNames().stream()
                        .filter(p -> !p.equals(active))
                        .findFirst()
                        .orElse(null);
        String scheduledStandby = nodeOf(pods, standbyPod);
        String site = gateway.getSpec().site;
        if (siteNodes.isEmpty()) {
            return new StandbyPlacement(
                    false,
                    Backup.PODS,
                    activeNode,
                    scheduledStandby,
                    List.of(),
                    NO_SITE_NODES,
                    "no node is labelled " + SITE_LABEL + "=" + site + ": the scheduler places the standby on another"
                            + " node that spec.placement allows (label the site's nodes to let the operator place it)");
        }
        Placement placement = gateway.getSpec().placement;
        List<String> usable = siteNodes.stream()
                .filter(n -> usable(n, placement))
                .map(n -> n.getMetadata().getName())
                .sorted()
                .toList();
        List<String> forStandby = new ArrayList<>(usable);
        if (activeNode != null) {
            forStandby.remove(activeNode);
        }
        boolean room = activeNode != null ? !forStandby.isEmpty() : usable.size() >= Backup.PODS;
        if (room) {
            String standbyNode = scheduledStandby != null && forStandby.contains(scheduledStandby)
                    ? scheduledStandby
                    : activeNode != null && forStandby.size() == 1 ? forStandby.getFirst() : null;
            return new StandbyPlacement(
                    true,
                    Backup.PODS,
                    activeNode,
                    standbyNode,
                    usable,
                    PLACED,
                    standbyNode != null
                            ? "the standby runs on node " + standbyNode
                                    + (activeNode == null ? "" : ", the active pod on node " + activeNode)
                            : "the two pods go to two of the site's nodes " + usable);
        }
        // The second pod is the active one when the first one's node went: removing it would stop the gateway.
        boolean secondServes =
                active != null && !active.equals(backup.podNames().getFirst());
        return new StandbyPlacement(
                true,
                secondServes ? Backup.PODS : 1,
                activeNode,
                null,
                usable,
                NO_STANDBY_NODE,
                "no other Ready node labelled " + SITE_LABEL + "=" + site + " can hold the standby (usable: " + usable
                        + "); it is placed when one joins");
    }

    private static String nodeOf(List<PodOnNode> pods, String pod) {
        return pod == null
                ? null
                : pods.stream()
                        .filter(p -> p.pod().equals(pod))
                        .map(PodOnNode::node)
                        .filter(Objects::nonNull)
                        .findFirst()
                        .orElse(null);
    }

    /** Ready, not cordoned, matching the Gateway's node selector and affinity, its taints tolerated. */
    static boolean usable(Node node, Placement placement) {
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            return false;
        }
        boolean ready = node.getStatus() != null
                && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        if (!ready) {
            return false;
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null
                ? Map.of()
                : node.getMetadata().getLabels();
        if (placement != null && placement.nodeSelector != null) {
            for (var wanted : placement.nodeSelector.entrySet()) {
                if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
                    return false;
                }
            }
        }
        if (placement != null && placement.nodeAffinity != null) {
            for (Placement.NodeLabelRequirement requirement : placement.nodeAffinity) {
                if (!matches(requirement, labels)) {
                    return false;
                }
            }
        }
        List<Toleration> tolerations =
                placement == null || placement.tolerations == null ? List.of() : placement.tolerations;
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null
                ? List.of()
                : node.getSpec().getTaints();
        return taints.stream()
                .filter(t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()))
                .allMatch(t -> tolerations.stream().anyMatch(tol -> tolerates(tol, t)));
    }

    private static boolean matches(Placement.NodeLabelRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.key);
        List<String> values = requirement.values == null ? List.of() : requirement.values;
        return switch (requirement.operator) {
            case IN -> value != null && values.contains(value);
            case NOT_IN -> value == null || !values.contains(value);
            case EXISTS -> value != null;
            case DOES_NOT_EXIST -> value == null;
        };
    }

    /** Kubernetes' rule: an empty key with Exists tolerates every taint; an empty effect every effect. */
    private static boolean tolerates(Toleration toleration, Taint taint) {
        if (toleration.getEffect() != null
                && !toleration.getEffect().isEmpty()
                && !toleration.getEffect().equals(taint.getEffect())) {
            return false;
        }
        boolean exists = "Exists".equals(toleration.getOperator());
        if (toleration.getKey() == null || toleration.getKey().isEmpty()) {
            return exists;
        }
        return toleration.getKey().equals(taint.getKey())
                && (exists || Objects.equals(toleration.getValue(), taint.getValue()));
    }
}
