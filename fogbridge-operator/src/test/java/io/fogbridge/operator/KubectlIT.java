package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.testkit.TestEnv;
import io.javaoperatorsdk.operator.Operator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real client, not only our own: {@code kubectl} creates the plant example's Gateways in fabric8's mock API server
 * (CRUD mode) and the operator reconciles them. The mock publishes no OpenAPI document, hence
 * {@code --validate=false}; the mock's CRUD store serves no API discovery, so the test answers the four discovery requests
 * {@code kubectl} makes to find the Gateway kind's path.
 */
class KubectlIT {

    private static final Path PLANT_1 = Path.of("..", "deploy", "examples", "plant-1.yaml");

    /** Held: java.util.logging keeps loggers weakly, and the mock server logs every request at INFO. */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private static final String API_VERSIONS = """
            {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}""";
    private static final String CORE_RESOURCES = """
            {"kind": "APIResourceList", "groupVersion": "v1", "resources": []}""";
    private static final String API_GROUPS = """
            {"kind": "APIGroupList", "apiVersion": "v1", "groups": [{"name": "fogbridge.io",
             "versions": [{"groupVersion": "fogbridge.io/v1alpha1", "version": "v1alpha1"}],
             "preferredVersion": {"groupVersion": "fogbridge.io/v1alpha1", "version": "v1alpha1"}}]}""";
    private static final String GATEWAY_RESOURCES = """
            {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "fogbridge.io/v1alpha1", "resources": [
             {"name": "gateways", "singularName": "gateway", "namespaced": true, "kind": "Gateway",
              "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]},
             {"name": "gateways/status", "singularName": "", "namespaced": true, "kind": "Gateway",
              "verbs": ["get", "patch", "update"]}]}""";

    /** The discovery documents by path (kubectl adds a query such as {@code ?timeout=32s}). */
    private static final Map<String, String> DISCOVERY = Map.of(
            "/api", API_VERSIONS,
            "/api/v1", CORE_RESOURCES,
            "/apis", API_GROUPS,
            "/apis/fogbridge.io/v1alpha1", GATEWAY_RESOURCES);

    private static KubernetesMockServer server;
    private static KubernetesClient client;
    private static Operator operator;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startOperator() {
        server = OperatorFixture.mockServer(new DiscoveringCrudDispatcher());
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
    void kubectlCreatesThePlantExampleAndTheOperatorReconcilesIt() throws Exception {
        Path kubectl = TestEnv.peer("kubectl");
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(
                kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster: {server: "%s"}
                users:
                  - name: test
                    user: {token: test}
                contexts:
                  - name: mock
                    context: {cluster: mock, user: test}
                current-context: mock
                """.formatted(client.getMasterUrl().toString().replaceAll("/$", "")));

        String created = kubectl(kubectl, kubeconfig, "create", "--validate=false", "-f", PLANT_1.toString());
        assertThat(created).contains("gateway.fogbridge.io/lathe created", "gateway.fogbridge.io/tank created");

        for (String name : List.of("lathe", "tank")) {
            StatefulSet statefulSet = await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> client.apps()
                                    .statefulSets()
                                    .inNamespace("plant-1")
                                    .withName(name)
                                    .get(),
                            s -> s != null);
            assertThat(statefulSet.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(ref -> assertThat(ref.getName()).isEqualTo(name));
            ConfigMap config = client.configMaps()
                    .inNamespace("plant-1")
                    .withName(name + "-config")
                    .get();
            assertThat(config.getData().get("gateway.yaml")).contains("site: plant-1");
        }
        // kubectl reads back what the operator wrote: the status through the resource's own columns.
        String listed = await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> kubectl(
                                kubectl,
                                kubeconfig,
                                "get",
                                "gateways",
                                "-n",
                                "plant-1",
                                "-o",
                                "custom-columns=NAME:.metadata.name,RECONCILED:.status.conditions[?(@.type==\"Reconciled\")].status"),
                        out -> out.contains("lathe") && out.contains("tank") && !out.contains("<none>"));
        assertThat(listed).containsPattern("lathe\\s+True").containsPattern("tank\\s+True");

        assertThat(kubectl(kubectl, kubeconfig, "delete", "-f", PLANT_1.toString()))
                .contains("gateway.fogbridge.io \"lathe\" deleted");
        assertThat(client.resources(Gateway.class).inNamespace("plant-1").list().getItems())
                .isEmpty();
    }

    private static String kubectl(Path kubectl, Path kubeconfig, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                kubectl.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "--cache-dir",
                dir.resolve("cache").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 30 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue())
                .as("kubectl " + String.join(" ", args) + ":\n" + output)
                .isZero();
        return output;
    }

    /** The mock's CRUD store, answering the discovery kubectl needs to find a kind's path, which the store lacks. */
    private static final class DiscoveringCrudDispatcher extends KubernetesCrudDispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath().replaceFirst("\\?.*$", "");
            String document = DISCOVERY.get(path);
            if (document != null && request.getMethod().equals("GET")) {
                return new MockResponse()
                        .setResponseCode(200)
                        .setHeader("Content-Type", "application/json")
                        .setBody(document);
            }
            return super.dispatch(request);
        }
    }
}
