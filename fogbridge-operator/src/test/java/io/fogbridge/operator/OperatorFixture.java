package io.fogbridge.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.model.OperatorDefaults;
import io.fogbridge.operator.reconcile.DeviceReconciler;
import io.fogbridge.operator.reconcile.GatewayReconciler;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the operator's tests against fabric8's mock API server share: the server in CRUD mode (no real API server can
 * be installed here) knowing the Gateway and Device resources, the operator on it, and the kubelet's part of mounting
 * a Gateway's devices Secret. The assertions stay in the tests.
 */
public final class OperatorFixture {

    /** Held: java.util.logging keeps loggers weakly, and the mock server logs every request at INFO. */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private OperatorFixture() {}

    /**
     * A started mock server that knows the plural and the status subresource of Gateways and Devices (loading the
     * generated CRDs through the generic client would first scan every model class, seconds on a busy machine;
     * the CRD tests check the YAML).
     */
    public static KubernetesMockServer mockServer() {
        return mockServer(new KubernetesCrudDispatcher());
    }

    /** {@link #mockServer()} with a dispatcher of the test's own. */
    public static KubernetesMockServer mockServer(KubernetesCrudDispatcher dispatcher) {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        KubernetesMockServer server =
                new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        for (String kind : new String[] {"Gateway", "Device"}) {
            server.expectCustomResource(new CustomResourceDefinitionContext.Builder()
                    .withGroup(Gateway.GROUP)
                    .withVersion(Gateway.VERSION)
                    .withKind(kind)
                    .withPlural(kind.toLowerCase() + "s")
                    .withScope("Namespaced")
                    .withStatusSubresource(true)
                    .build());
        }
        return server;
    }

    /**
     * The operator with the Gateway reconciler and {@code devices}, started. Plain patches for the primary resource
     * (the mock has no server-side apply); nothing is in flight when a test ends, so no 10 s termination wait.
     */
    static Operator startOperator(KubernetesClient client, DeviceReconciler devices) {
        return startWith(client, gatewayReconciler(), devices);
    }

    /** The Gateway reconciler the tests run: a test image, the default priority class, the system clock. */
    static GatewayReconciler gatewayReconciler() {
        return new GatewayReconciler(
                new OperatorDefaults("fogbridge-gateway:test", "fogbridge-edge-critical"), Clock.systemUTC());
    }

    /** The operator with exactly {@code reconcilers}, started (see {@link #startOperator(KubernetesClient, DeviceReconciler)}). */
    static Operator startWith(KubernetesClient client, Reconciler<?>... reconcilers) {
        Operator operator = new Operator(o -> o.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false)
                .withCloseClientOnStop(false)
                .withReconciliationTerminationTimeout(Duration.ofMillis(200)));
        for (Reconciler<?> reconciler : reconcilers) {
            operator.register(reconciler);
        }
        operator.start();
        return operator;
    }

    /** {@link #startOperator(KubernetesClient, DeviceReconciler)} with a Device reconciler that sends no commands. */
    static Operator startOperator(KubernetesClient client) {
        return startOperator(client, new DeviceReconciler(Clock.systemUTC()));
    }

    /**
     * The kubelet's part: the files of the Secret into the mounted directory, each replaced atomically when it
     * changed (as the kubelet's symlink swap). Only {@code keys} when some are given, else all of them. A Secret not
     * there yet, or a failed write, waits for the next round.
     */
    static void mirror(KubernetesClient client, String namespace, String secretName, Path dir, String... keys) {
        try {
            Secret secret =
                    client.secrets().inNamespace(namespace).withName(secretName).get();
            if (secret == null) {
                return;
            }
            Map<String, String> data = new HashMap<>();
            if (secret.getData() != null) {
                secret.getData()
                        .forEach((k, v) ->
                                data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
            }
            if (secret.getStringData() != null) {
                data.putAll(secret.getStringData());
            }
            for (String key : keys.length == 0 ? List.copyOf(data.keySet()) : List.of(keys)) {
                String text = data.get(key);
                Path file = dir.resolve(key);
                if (text == null
                        || (Files.exists(file) && Files.readString(file).equals(text))) {
                    continue;
                }
                Path next = file.resolveSibling("." + key + ".next");
                Files.writeString(next, text);
                Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (Exception e) {
            // the next round tries again
        }
    }
}
