package io.fogbridge.operator.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fogbridge.operator.Gateways;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.model.OperatorDefaults;
import io.fogbridge.operator.reconcile.GatewayReconciler;
import io.javaoperatorsdk.operator.Operator;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The operator from cold against fabric8's mock API server (CRUD): N Gateways exist before it starts; how long until
 * every one is reconciled (its eight objects written, {@code Reconciled=True}), how many API requests that took, and
 * the heap and RSS after it (operator and mock server share this JVM). Then one Gateway's route changes: how long until
 * its ConfigMap has it, and whether anything of the other Gateways was written. Not a test: run by
 * {@code bench/operator-bench.sh}; figures in BENCHMARKS.md.
 */
public final class ColdStartBench {

    private ColdStartBench() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        java.util.logging.Logger mockLog = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
        mockLog.setLevel(java.util.logging.Level.WARNING);
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new java.util.HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        KubernetesClient client = server.createClient();
        server.expectCustomResource(new CustomResourceDefinitionContext.Builder()
                .withGroup(Gateway.GROUP)
                .withVersion(Gateway.VERSION)
                .withKind("Gateway")
                .withPlural("gateways")
                .withScope("Namespaced")
                .withStatusSubresource(true)
                .build());
        for (int i = 0; i < count; i++) {
            client.resource(Gateways.lathe("plant-" + (i % 10), "gw-" + i)).create();
        }
        drain(server);

        Operator operator = new Operator(o -> o.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false)
                .withCloseClientOnStop(false)
                .withReconciliationTerminationTimeout(Duration.ofMillis(200)));
        operator.register(new GatewayReconciler(
                new OperatorDefaults("fogbridge-gateway:bench", "fogbridge-edge-critical"), Clock.systemUTC()));
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        operator.start();
        while (reconciled(client) < count) {
            Thread.sleep(20);
        }
        long coldMillis = (System.nanoTime() - start) / 1_000_000;
        long cpuMillis = (processCpuNanos() - cpuBefore) / 1_000_000;
        Thread.sleep(1000);
        Map<String, Integer> coldRequests = drain(server);

        String marker = "factory/+site/bench/+device/level";
        long changeStart = System.nanoTime();
        client.resources(Gateway.class).inNamespace("plant-7").withName("gw-17").edit(g -> {
            g.getSpec().routes.add(Gateways.route(marker, "fog.telemetry.{site}"));
            return g;
        });
        while (!configOf(client, "plant-7", "gw-17").contains(marker)) {
            Thread.sleep(5);
        }
        long changeMillis = (System.nanoTime() - changeStart) / 1_000_000;
        Thread.sleep(2000);
        Map<String, Integer> changeRequests = drainWrites(server);

        System.gc();
        Thread.sleep(200);
        long heapMiB =
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
        System.out.printf("gateways=%d cold_to_all_reconciled_ms=%d process_cpu_ms=%d%n", count, coldMillis, cpuMillis);
        System.out.printf("cold_requests_total=%d by_method_and_kind=%s%n", total(coldRequests), coldRequests);
        System.out.printf("one_change_to_configmap_ms=%d writes_after_change=%s%n", changeMillis, changeRequests);
        System.out.printf("heap_after_gc_mib=%d rss_mib=%d (operator and mock server in one JVM)%n", heapMiB, rssMiB());
        operator.stop();
        client.close();
        server.destroy();
        System.exit(0);
    }

    private static int reconciled(KubernetesClient client) {
        return (int) client.resources(Gateway.class).inAnyNamespace().list().getItems().stream()
                .filter(g -> g.getStatus() != null
                        && g.getStatus()
                                .condition("Reconciled")
                                .map(c -> c.status == io.fogbridge.operator.crd.Condition.Status.TRUE)
                                .orElse(false))
                .count();
    }

    private static String configOf(KubernetesClient client, String namespace, String name) {
        ConfigMap map = client.configMaps()
                .inNamespace(namespace)
                .withName(name + "-config")
                .get();
        return map == null ? "" : map.getData().get("gateway.yaml");
    }

    /** Requests since the last call, counted by method and resource kind (the bench's own list calls included). */
    private static Map<String, Integer> drain(KubernetesMockServer server) throws InterruptedException {
        Map<String, Integer> counts = new TreeMap<>();
        var request = server.takeRequest(50, TimeUnit.MILLISECONDS);
        while (request != null) {
            counts.merge(request.getMethod() + " " + kind(request.getPath()), 1, Integer::sum);
            request = server.takeRequest(50, TimeUnit.MILLISECONDS);
        }
        return counts;
    }

    /** Writes since the last call, by method and object path. */
    private static Map<String, Integer> drainWrites(KubernetesMockServer server) throws InterruptedException {
        Map<String, Integer> counts = new TreeMap<>();
        var request = server.takeRequest(50, TimeUnit.MILLISECONDS);
        while (request != null) {
            if (!"GET".equals(request.getMethod())) {
                String path = request.getPath();
                counts.merge(
                        request.getMethod() + " "
                                + path.substring(0, path.indexOf('?') < 0 ? path.length() : path.indexOf('?')),
                        1,
                        Integer::sum);
            }
            request = server.takeRequest(50, TimeUnit.MILLISECONDS);
        }
        return counts;
    }

    private static String kind(String path) {
        String[] parts = path.split("\\?")[0].split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            if (parts[i].matches("[a-z]+s") && !parts[i].equals("namespaces")) {
                return parts[i] + (path.contains("watch=true") ? " (watch)" : "");
            }
        }
        return path;
    }

    private static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long rssMiB() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
            }
        }
        return -1;
    }
}
