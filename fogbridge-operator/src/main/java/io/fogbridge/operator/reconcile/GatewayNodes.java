package io.fogbridge.operator.reconcile;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.model.Backup;
import io.fogbridge.operator.model.StandbyPlacement;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The nodes of each site, for the placement of backups ({@link StandbyPlacement}): an informer on the nodes labelled
 * {@value StandbyPlacement#SITE_LABEL} (only those are cached), indexed by the label's value. A node that joins, leaves,
 * becomes Ready or not Ready, is cordoned, or changes its labels or taints wakes the Gateways with a backup at its
 * site, and those whose status places a pod on it (a node that lost the label is no longer in the cache, but its
 * Gateways must still hear of it); a node's other updates (its status heartbeats, its images) wake nobody, and
 * Gateways without a backup never hear of nodes.
 */
final class GatewayNodes {

    private static final String BY_SITE = "fogbridge.io/site-nodes";

    private GatewayNodes() {}

    static InformerEventSource<Node, Gateway> informer(EventSourceContext<Gateway> context) {
        InformerEventSource<Node, Gateway> informer = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Node.class, Gateway.class)
                        .withLabelSelector(StandbyPlacement.SITE_LABEL)
                        .withSecondaryToPrimaryMapper(node -> gatewaysAt(node, context))
                        .withOnUpdateFilter(GatewayNodes::placesDifferently)
                        .build(),
                context);
        Map<String, Function<Node, List<String>>> indexers = Map.of(BY_SITE, node -> List.of(site(node)));
        informer.addIndexers(indexers);
        return informer;
    }

    /** Every node labelled with the Gateway's site, whatever its state. */
    static List<Node> ofSite(Gateway gateway, Context<Gateway> context) {
        @SuppressWarnings("unchecked")
        var informer = (InformerEventSource<Node, Gateway>)
                context.eventSourceRetriever().getEventSourceFor(Node.class);
        return informer.byIndex(BY_SITE, gateway.getSpec().site);
    }

    static boolean placesDifferently(Node next, Node previous) {
        return !Objects.equals(
                        next.getMetadata().getLabels(), previous.getMetadata().getLabels())
                || !Objects.equals(unschedulable(next), unschedulable(previous))
                || !Objects.equals(taints(next), taints(previous))
                || !Objects.equals(ready(next), ready(previous));
    }

    private static Set<ResourceID> gatewaysAt(Node node, EventSourceContext<Gateway> context) {
        String site = site(node);
        String name = node.getMetadata().getName();
        return context.getPrimaryCache()
                .list(g -> Backup.of(g).enabled()
                        && (site.equals(g.getSpec().site)
                                || g.getStatus() != null
                                        && (name.equals(g.getStatus().activeNode)
                                                || name.equals(g.getStatus().standbyNode))))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    private static String site(Node node) {
        var labels = node.getMetadata().getLabels();
        String site = labels == null ? null : labels.get(StandbyPlacement.SITE_LABEL);
        return site == null ? "" : site;
    }

    private static Boolean unschedulable(Node node) {
        return node.getSpec() == null ? null : node.getSpec().getUnschedulable();
    }

    private static Object taints(Node node) {
        return node.getSpec() == null ? null : node.getSpec().getTaints();
    }

    private static String ready(Node node) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return null;
        }
        return node.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .map(NodeCondition::getStatus)
                .findFirst()
                .orElse(null);
    }
}
