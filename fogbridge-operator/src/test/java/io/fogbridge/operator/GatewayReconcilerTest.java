package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.model.GatewayModel;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reconciler against fabric8's mock API server in CRUD mode (no real API server can be installed here): it stores
 * what it is sent, serves watches and the status subresource, but runs no controllers, so no pod ever starts and
 * the tests set the StatefulSet's status themselves. Server-side apply is not supported by the mock, hence plain
 * patches for the primary resource.
 */
class GatewayReconcilerTest {

    private static final String NS = "plant-1";

    /** Held: java.util.logging keeps loggers weakly, and the mock server logs every request at INFO. */
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
    void createsEveryOwnedObjectWithAnOwnerReferenceAndReportsReadinessOfThePod() {
        Gateway gateway = client.resource(Gateways.lathe(NS, "lathe")).create();

        StatefulSet statefulSet = await().until(() -> get(StatefulSet.class, "lathe"), s -> s != null);
        String uid = gateway.getMetadata().getUid();
        List<HasMetadata> owned = List.of(
                get(ConfigMap.class, "lathe-config"),
                get(ServiceAccount.class, "lathe"),
                get(Role.class, "lathe"),
                get(RoleBinding.class, "lathe"),
                get(Service.class, "lathe"),
                get(NetworkPolicy.class, "lathe"),
                get(PodDisruptionBudget.class, "lathe"),
                statefulSet);
        assertThat(owned).allSatisfy(object -> assertThat(object.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(ref -> {
                    assertThat(ref.getUid()).isEqualTo(uid);
                    assertThat(ref.getKind()).isEqualTo("Gateway");
                    assertThat(ref.getController()).isTrue();
                }));
        Gateway reported = await().until(
                        () -> gateway("lathe"), g -> condition(g, "Reconciled").isPresent());
        assertThat(condition(reported, "Reconciled").orElseThrow().status).isEqualTo(Condition.Status.TRUE);
        assertThat(condition(reported, "Ready").orElseThrow().reason).isEqualTo("PodNotReady");
        assertThat(reported.getStatus().observedGeneration)
                .isEqualTo(reported.getMetadata().getGeneration());

        // The mock runs no StatefulSet controller: play its part.
        statefulSet.setStatus(new StatefulSetStatus());
        statefulSet.getStatus().setReplicas(1);
        statefulSet.getStatus().setReadyReplicas(1);
        client.resource(statefulSet).updateStatus();

        Gateway ready = await().until(() -> gateway("lathe"), g -> condition(g, "Ready")
                .map(c -> c.status == Condition.Status.TRUE)
                .orElse(false));
        assertThat(ready.getStatus().activePod).isEqualTo("lathe-0");
        assertThat(condition(ready, "Ready").orElseThrow().reason).isEqualTo("GatewayReady");
    }

    @Test
    void aRouteChangeReachesTheConfigMapWithoutRollingThePodAndASpoolChangeRollsIt() {
        client.resource(Gateways.lathe(NS, "tank")).create();
        String before = await().until(() -> configHashOfPodTemplate("tank"), h -> h != null);
        String firstConfig =
                await().until(() -> gateway("tank").getStatus(), s -> s != null && s.configHash != null).configHash;

        edit("tank", g -> g.getSpec()
                .routes
                .add(Gateways.route("factory/+site/tank/+device/level", "fog.telemetry.{site}")));

        await().untilAsserted(() -> assertThat(
                        get(ConfigMap.class, "tank-config").getData().get("gateway.yaml"))
                .contains("factory/+site/tank/+device/level"));
        await().untilAsserted(() -> {
            assertThat(gateway("tank").getStatus().configHash).isNotEqualTo(firstConfig);
            assertThat(gateway("tank").getStatus().lastConfigChange).isEqualTo("Live");
        });
        // Routes are live keys: the running gateway reloads its mounted file, the pod template stays.
        assertThat(configHashOfPodTemplate("tank")).isEqualTo(before);

        edit("tank", g -> {
            g.getSpec().spool = new io.fogbridge.operator.crd.SpoolSpec();
            g.getSpec().spool.fsync = "interval:200";
        });
        String after = await().until(() -> configHashOfPodTemplate("tank"), h -> h != null && !h.equals(before));
        await().untilAsserted(() -> {
            assertThat(gateway("tank").getStatus().restartConfigHash).isEqualTo(after);
            assertThat(gateway("tank").getStatus().lastConfigChange).isEqualTo("Restart");
        });
    }

    private static void edit(String name, java.util.function.Consumer<Gateway> change) {
        client.resources(Gateway.class).inNamespace(NS).withName(name).unlock().edit(g -> {
            change.accept(g);
            return g;
        });
    }

    @Test
    void aSpecTheGatewayWouldRefuseBecomesReadyFalseWithTheLoadersMessage() {
        Gateway bad = Gateways.lathe(NS, "bad");
        bad.getSpec().routes.add(Gateways.route("factory/+site/#", "fog.telemetry.{plant}"));
        client.resource(bad).create();

        Gateway reported =
                await().until(() -> gateway("bad"), g -> condition(g, "Ready").isPresent());
        Condition ready = condition(reported, "Ready").orElseThrow();
        assertThat(ready.status).isEqualTo(Condition.Status.FALSE);
        assertThat(ready.reason).isEqualTo("InvalidSpec");
        assertThat(ready.message)
                .contains("Gateway plant-1/bad")
                .contains("routes")
                .contains("plant");
        assertThat(get(ConfigMap.class, "bad-config")).isNull();
        assertThat(get(StatefulSet.class, "bad")).isNull();
    }

    @Test
    void thePauseAnnotationStopsTheOperatorTouchingTheObjectsAndSaysSo() {
        client.resource(Gateways.lathe(NS, "paused")).create();
        String yaml = await().until(() -> configYaml("paused"), y -> y != null);

        setPause("paused", "true");
        await().until(() -> condition(gateway("paused"), "ReconciliationPaused").isPresent());
        client.resources(Gateway.class)
                .inNamespace(NS)
                .withName("paused")
                .unlock()
                .edit(g -> {
                    g.getSpec().site = "plant-2";
                    return g;
                });
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> configYaml("paused"), yaml::equals);

        setPause("paused", null);
        await().until(() -> configYaml("paused"), y -> y.contains("plant-2"));
        await().until(() -> condition(gateway("paused"), "ReconciliationPaused").isEmpty());
    }

    @Test
    void aReconcileThatChangesNothingWritesNothing() throws Exception {
        client.resource(Gateways.lathe(NS, "steady")).create();
        await().until(() -> condition(gateway("steady"), "Reconciled").isPresent());
        await().during(Duration.ofMillis(500)).until(() -> configYaml("steady") != null);
        drainRequests();

        // A label on the StatefulSet: its informer wakes the reconciler, which finds every object as it wants it.
        client.apps().statefulSets().inNamespace(NS).withName("steady").unlock().edit(s -> {
            s.getMetadata().getLabels().put("touched", "by-hand");
            return s;
        });

        List<String> requests = new java.util.ArrayList<>();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> {
            requests.addAll(drainRequests());
            return requests.stream().anyMatch(r -> r.startsWith("GET ") && r.contains("configmaps/steady-config"));
        });
        assertThat(requests)
                .as("the reconcile read its objects (GET) but wrote nothing besides the test's own edit")
                .filteredOn(r -> !r.startsWith("GET "))
                .allMatch(r -> r.startsWith("PATCH /apis/apps/v1/namespaces/plant-1/statefulsets/steady"));
    }

    /** Requests about the "steady" gateway's objects that reached the mock since the last call. */
    private static List<String> drainRequests() throws InterruptedException {
        List<String> seen = new java.util.ArrayList<>();
        var request = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS);
        while (request != null) {
            if (request.getPath().contains("steady")) {
                seen.add(request.getMethod() + " " + request.getPath());
            }
            request = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        return seen;
    }

    private static void setPause(String name, String value) {
        client.resources(Gateway.class).inNamespace(NS).withName(name).unlock().edit(g -> {
            Map<String, String> annotations = new HashMap<>();
            if (g.getMetadata().getAnnotations() != null) {
                annotations.putAll(g.getMetadata().getAnnotations());
            }
            if (value == null) {
                annotations.remove(Gateway.PAUSE_ANNOTATION);
            } else {
                annotations.put(Gateway.PAUSE_ANNOTATION, value);
            }
            g.getMetadata().setAnnotations(annotations);
            return g;
        });
    }

    private static String configHashOfPodTemplate(String name) {
        StatefulSet statefulSet = get(StatefulSet.class, name);
        return statefulSet == null
                ? null
                : statefulSet
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get(GatewayModel.CONFIG_HASH_ANNOTATION);
    }

    private static String configYaml(String name) {
        ConfigMap configMap = get(ConfigMap.class, name + "-config");
        return configMap == null ? null : configMap.getData().get("gateway.yaml");
    }

    private static Gateway gateway(String name) {
        return get(Gateway.class, name);
    }

    private static <T extends HasMetadata> T get(Class<T> type, String name) {
        return client.resources(type).inNamespace(NS).withName(name).get();
    }

    private static Optional<Condition> condition(Gateway gateway, String type) {
        return gateway.getStatus() == null
                ? Optional.empty()
                : gateway.getStatus().condition(type);
    }
}
