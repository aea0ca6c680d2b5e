package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.Placement;
import io.fogbridge.operator.model.Backup;
import io.fogbridge.operator.model.GatewayModel;
import io.fogbridge.operator.model.StandbyPlacement;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A new edge node gets the standby: nodes labelled {@code fogbridge.io/site} join, become Ready and leave on fabric8's
 * mock API server (CRUD mode), and the operator scales a backup Gateway's StatefulSet and says where the pods run. The
 * mock runs no scheduler and no lease container: the test creates the active pod on its node, as they would.
 */
class StandbyPlacementTest {

    private static final String NS = "plant-1";
    private static KubernetesMockServer server;
    private static KubernetesClient client;
    private static Operator operator;

    @BeforeAll
    static void startOperator() {
        server = OperatorFixture.mockServer();
        client = server.createClient();
        operator = OperatorFixture.startWith(client, OperatorFixture.gatewayReconciler());
    }

    @AfterAll
    static void stopOperator() {
        operator.stop();
        client.close();
        server.destroy();
    }

    @Test
    void aSecondReadyNodeOfTheSiteGetsTheStandbyAndItsDepartureRevertsIt() {
        client.resource(node("pi-1", "plant-1", true)).create();
        client.resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("lathe-0")
                        .withNamespace(NS)
                        .addToLabels(GatewayModel.INSTANCE_LABEL, "lathe")
                        .addToLabels(Backup.ACTIVE_LABEL, "true")
                        .endMetadata()
                        .withNewSpec()
                        .withNodeName("pi-1")
                        .endSpec()
                        .build())
                .create();
        Gateway lathe = Gateways.lathe(NS, "lathe");
        lathe.getSpec().placement = new Placement();
        lathe.getSpec().placement.backup = true;
        client.resource(lathe).create();
        Gateway single = Gateways.lathe(NS, "single");
        client.resource(single).create();

        Gateway alone =
                await().until(() -> get(Gateway.class, "lathe"), g -> standby(g).isPresent());
        assertThat(standby(alone).orElseThrow().status).isEqualTo(Condition.Status.FALSE);
        assertThat(standby(alone).orElseThrow().reason).isEqualTo(StandbyPlacement.NO_STANDBY_NODE);
        assertThat(alone.getStatus().activeNode).isEqualTo("pi-1");
        assertThat(alone.getStatus().standbyNode).isNull();
        StatefulSet oneNode = get(StatefulSet.class, "lathe");
        assertThat(oneNode.getSpec().getReplicas())
                .as("no standby left Pending")
                .isEqualTo(1);
        assertThat(nodeRequirements(oneNode)).anySatisfy(r -> {
            assertThat(r.getKey()).isEqualTo(StandbyPlacement.SITE_LABEL);
            assertThat(r.getOperator()).isEqualTo("In");
            assertThat(r.getValues()).containsExactly("plant-1");
        });
        assertThat(oneNode.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getAffinity()
                        .getPodAntiAffinity()
                        .getRequiredDuringSchedulingIgnoredDuringExecution())
                .singleElement()
                .satisfies(term -> assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
        Gateway singleBefore = await().until(() -> get(Gateway.class, "single"), g -> g.getStatus() != null);
        assertThat(standby(singleBefore))
                .as("a Gateway without a backup has no standby")
                .isEmpty();
        String template = templateOf(oneNode);

        // Another site's node, and this site's node before it is Ready: nothing changes.
        client.resource(node("pi-9", "plant-2", true)).create();
        client.resource(node("pi-2", "plant-1", false)).create();
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3)).until(() -> {
            Gateway g = get(Gateway.class, "lathe");
            return standby(g).orElseThrow().reason.equals(StandbyPlacement.NO_STANDBY_NODE)
                    && get(StatefulSet.class, "lathe").getSpec().getReplicas() == 1;
        });

        client.resource(node("pi-2", "plant-1", true)).update();
        Gateway placed = await().until(() -> get(Gateway.class, "lathe"), g -> standby(g)
                .map(c -> c.status == Condition.Status.TRUE)
                .orElse(false));
        assertThat(standby(placed).orElseThrow().reason).isEqualTo(StandbyPlacement.PLACED);
        assertThat(standby(placed).orElseThrow().message).contains("node pi-2");
        assertThat(placed.getStatus().standbyNode).isEqualTo("pi-2");
        assertThat(placed.getStatus().activeNode).isEqualTo("pi-1");
        StatefulSet twoNodes = await().until(
                        () -> get(StatefulSet.class, "lathe"), s -> s.getSpec().getReplicas() == 2);
        assertThat(templateOf(twoNodes))
                .as("the active pod's template is untouched: adding a standby restarts nothing")
                .isEqualTo(template);
        assertThat(get(Gateway.class, "single").getMetadata().getResourceVersion())
                .as("nodes leave a Gateway without a backup alone")
                .isEqualTo(singleBefore.getMetadata().getResourceVersion());
        assertThat(get(StatefulSet.class, "single").getSpec().getReplicas()).isEqualTo(1);

        client.resource(get(Node.class, "pi-2")).delete();
        Gateway reverted = await().until(() -> get(Gateway.class, "lathe"), g -> standby(g)
                .map(c -> c.status == Condition.Status.FALSE)
                .orElse(false));
        assertThat(standby(reverted).orElseThrow().reason).isEqualTo(StandbyPlacement.NO_STANDBY_NODE);
        assertThat(reverted.getStatus().standbyNode).isNull();
        await().until(() -> get(StatefulSet.class, "lathe").getSpec().getReplicas() == 1);
    }

    private static Node node(String name, String site, boolean ready) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels(StandbyPlacement.SITE_LABEL, site)
                .addToLabels("kubernetes.io/hostname", name)
                .endMetadata()
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .endCondition()
                .endStatus()
                .build();
    }

    private static List<NodeSelectorRequirement> nodeRequirements(StatefulSet statefulSet) {
        return statefulSet
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()
                .getFirst()
                .getMatchExpressions();
    }

    private static String templateOf(StatefulSet statefulSet) {
        return client.getKubernetesSerialization().asJson(statefulSet.getSpec().getTemplate());
    }

    private static Optional<Condition> standby(Gateway gateway) {
        return gateway.getStatus() == null
                ? Optional.empty()
                : gateway.getStatus().condition("Standby");
    }

    private static <T extends HasMetadata> T get(Class<T> type, String name) {
        return Node.class.equals(type)
                ? client.resources(type).withName(name).get()
                : client.resources(type).inNamespace(NS).withName(name).get();
    }
}
