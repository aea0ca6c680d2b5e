package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.model.OperatorDefaults;
import io.fogbridge.operator.reconcile.GatewayReconciler;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two operator replicas on one (mock) API server: the first holds the Lease and reconciles; when it stops renewing, the
 * other takes over within the lease duration and reconciles what comes next. JOSDK starts a replica's controllers only
 * while it leads. The lease is 2 s here, 15 s in a cluster.
 */
class OperatorLeadershipTest {

    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");
    private static final String NS = "plant-1";

    private final Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    /** CRUD, plus one canned answer: the mock cannot review rules, and JOSDK asks whether it may use Leases. */
    private final KubernetesMockServer server = new KubernetesMockServer(
            new Context(), new MockWebServer(), expectations, new KubernetesMixedDispatcher(expectations), false);

    private KubernetesClient client;
    private Operator first;
    private Operator second;

    @AfterEach
    void stop() {
        if (second != null) {
            second.stop();
        }
        client.close();
        server.destroy();
    }

    @Test
    void theLeaseHolderReconcilesAndTheOtherReplicaTakesOverWhenItStops() {
        MOCK_LOG.setLevel(Level.WARNING);
        server.init();
        client = server.createClient();
        server.expect()
                .post()
                .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, leaseRightsReview())
                .always();
        server.expectCustomResource(new CustomResourceDefinitionContext.Builder()
                .withGroup(Gateway.GROUP)
                .withVersion(Gateway.VERSION)
                .withKind("Gateway")
                .withPlural("gateways")
                .withScope("Namespaced")
                .withStatusSubresource(true)
                .build());
        first = replica("operator-a");
        await().until(() -> holder() != null);
        second = replica("operator-b");

        client.resource(Gateways.lathe(NS, "lathe")).create();
        await().until(() -> configMap("lathe-config") != null);
        assertThat(holder()).isEqualTo("operator-a");

        first.stop();
        await().atMost(Duration.ofSeconds(20)).until(() -> "operator-b".equals(holder()));
        client.resource(Gateways.lathe(NS, "tank")).create();
        await().until(() -> configMap("tank-config") != null);
    }

    private Operator replica(String identity) {
        OperatorLeadership leadership =
                new OperatorLeadership("fogbridge-system", identity, Duration.ofSeconds(2), false);
        Operator operator = new Operator(o -> o.withKubernetesClient(server.createClient())
                .withUseSSAToPatchPrimaryResource(false)
                .withLeaderElectionConfiguration(leadership.configuration())
                .withReconciliationTerminationTimeout(Duration.ofMillis(200)));
        operator.register(new GatewayReconciler(
                new OperatorDefaults("fogbridge-gateway:test", "fogbridge-edge-critical"), Clock.systemUTC()));
        operator.start();
        return operator;
    }

    private static SelfSubjectRulesReview leaseRightsReview() {
        SelfSubjectRulesReview review = new SelfSubjectRulesReview();
        review.setStatus(new SubjectRulesReviewStatusBuilder()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("create", "update", "get")
                .endResourceRule()
                .withIncomplete(false)
                .build());
        return review;
    }

    private String holder() {
        Lease lease = client.leases()
                .inNamespace("fogbridge-system")
                .withName(OperatorLeadership.LEASE_NAME)
                .get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    private ConfigMap configMap(String name) {
        return client.configMaps().inNamespace(NS).withName(name).get();
    }
}
