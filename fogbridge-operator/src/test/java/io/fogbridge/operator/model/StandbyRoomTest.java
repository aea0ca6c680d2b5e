package io.fogbridge.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fogbridge.operator.Gateways;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.Placement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link StandbyPlacement}'s rules: which of a site's nodes can hold the standby, and how many pods to run. */
class StandbyRoomTest {

    @Test
    void aCordonedOrNotReadyOrUntoleratedOrUnselectedNodeHoldsNoStandby() {
        Gateway gateway = backup();
        gateway.getSpec().placement.nodeSelector = Map.of("fogbridge.io/role", "lathe");
        var active = List.of(new StandbyPlacement.PodOnNode("lathe-0", "pi-1", true));
        Node cordoned = node("pi-2", true, "lathe");
        cordoned.getSpec().setUnschedulable(true);
        Node tainted = node("pi-3", true, "lathe");
        tainted.getSpec().setTaints(List.of(new io.fabric8.kubernetes.api.model.Taint("NoSchedule", "edge", null, "")));
        List<Node> nodes = List.of(
                node("pi-1", true, "lathe"),
                cordoned,
                tainted,
                node("pi-4", false, "lathe"),
                node("pi-5", true, "tank"));

        StandbyPlacement none = StandbyPlacement.of(gateway, nodes, active);
        assertThat(none.reason()).isEqualTo(StandbyPlacement.NO_STANDBY_NODE);
        assertThat(none.usableNodes()).containsExactly("pi-1");
        assertThat(none.replicas()).isEqualTo(1);

        Toleration edge = new TolerationBuilder()
                .withKey("edge")
                .withOperator("Exists")
                .withEffect("NoSchedule")
                .build();
        gateway.getSpec().placement.tolerations = List.of(edge);
        StandbyPlacement placed = StandbyPlacement.of(gateway, nodes, active);
        assertThat(placed.reason()).isEqualTo(StandbyPlacement.PLACED);
        assertThat(placed.standbyNode()).isEqualTo("pi-3");
        assertThat(placed.replicas()).isEqualTo(2);
    }

    @Test
    void theSecondPodServingIsNeverScaledAwayAndAnUnlabelledSiteKeepsBothPods() {
        Gateway gateway = backup();
        // pi-1 went, with the first pod: the second one took over on pi-2, the only node left.
        var pods = List.of(
                new StandbyPlacement.PodOnNode("lathe-0", null, false),
                new StandbyPlacement.PodOnNode("lathe-1", "pi-2", true));
        StandbyPlacement alone = StandbyPlacement.of(gateway, List.of(node("pi-2", true, null)), pods);
        assertThat(alone.reason()).isEqualTo(StandbyPlacement.NO_STANDBY_NODE);
        assertThat(alone.replicas()).isEqualTo(2);
        assertThat(alone.activeNode()).isEqualTo("pi-2");

        StandbyPlacement unlabelled = StandbyPlacement.of(gateway, List.of(), pods);
        assertThat(unlabelled.reason()).isEqualTo(StandbyPlacement.NO_SITE_NODES);
        assertThat(unlabelled.siteNodesKnown()).isFalse();
        assertThat(unlabelled.replicas()).isEqualTo(2);
    }

    private static Gateway backup() {
        Gateway gateway = Gateways.lathe("plant-1", "lathe");
        gateway.getSpec().placement = new Placement();
        gateway.getSpec().placement.backup = true;
        return gateway;
    }

    private static Node node(String name, boolean ready, String role) {
        NodeBuilder node = new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels(StandbyPlacement.SITE_LABEL, "plant-1")
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .endCondition()
                .endStatus();
        if (role != null) {
            node.editMetadata().addToLabels("fogbridge.io/role", role).endMetadata();
        }
        return node.build();
    }
}
