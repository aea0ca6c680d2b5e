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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The operator from cold against fabric8's mock API server (CRUD): N Gateways exist before it starts; how long until
 * every one is reconciled (its eight objects written, {@code Reconciled=True}), how many API requests that took, and
 * the heap and RSS after it (operator and mock server share this JVM). Then one Gateway's route changes, several
 * times (a different Gateway each time): the CPU time of its reconciles on the reconciler's thread, the CPU of every
 * thread of the operator's side in that window (the mock server's Vert.x threads and the bench's own client left out),
 * how long until the ConfigMap was written, and every write the window saw, split into the changed Gateway's objects
 * and the others'. Not a test: run by {@code bench/operator-bench.sh}; figures in BENCHMARKS.md.
 */
public final class ColdStartBench {

    private static final Duration SETTLE = Duration.ofSeconds(2);

    private ColdStartBench() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int changes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.printf("loadavg_at_start=%s%n", loadAverage());
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
        // The bench's own client has run by now: its HTTP threads are the bench's, not the operator's.
        Set<String> benchHttpClients = ThreadCpu.now().httpClients();

        KubernetesClient operatorClient = server.createClient();
        Operator operator = new Operator(o -> o.withKubernetesClient(operatorClient)
                .withUseSSAToPatchPrimaryResource(false)
                .withCloseClientOnStop(false)
                .withReconciliationTerminationTimeout(Duration.ofMillis(200)));
        MeteredReconciler reconciler = new MeteredReconciler(new GatewayReconciler(
                new OperatorDefaults("fogbridge-gateway:bench", "fogbridge-edge-critical"), Clock.systemUTC()));
        operator.register(reconciler);
        // The mock runs no StatefulSet controller and no kubelet: the bench marks each StatefulSet ready as soon as
        // it appears, so "all Ready" can be measured (its own requests are counted and printed apart).
        StatefulSetController statefulSets = new StatefulSetController(client);
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        statefulSets.start();
        operator.start();
        long reconciledMillis = -1;
        int ready = 0;
        while (ready < count) {
            Thread.sleep(20);
            List<Gateway> gateways =
                    client.resources(Gateway.class).inAnyNamespace().list().getItems();
            if (reconciledMillis < 0 && count(gateways, "Reconciled") == count) {
                reconciledMillis = (System.nanoTime() - start) / 1_000_000;
            }
            ready = count(gateways, "Ready");
        }
        long readyMillis = (System.nanoTime() - start) / 1_000_000;
        long cpuMillis = (processCpuNanos() - cpuBefore) / 1_000_000;
        statefulSets.close();
        Thread.sleep(1000);
        Map<String, Integer> coldRequests = drain(server);
        System.out.printf(
                "gateways=%d cold_to_all_reconciled_ms=%d cold_to_all_ready_ms=%d process_cpu_ms=%d%n",
                count, reconciledMillis, readyMillis, cpuMillis);
        System.out.printf("cold_requests_total=%d by_method_and_kind=%s%n", total(coldRequests), coldRequests);
        System.out.printf(
                "of_which_the_bench_playing_the_statefulset_controller=%s, the bench's own gateway lists: one per 20 ms%n",
                statefulSets.requests());

        List<Long> changeCpu = new ArrayList<>();
        List<Long> operatorCpu = new ArrayList<>();
        for (int i = 0; i < changes; i++) {
            int index = (17 + 10 * i) % count;
            ChangeFigures figures = oneChange(
                    server,
                    client,
                    reconciler,
                    benchHttpClients,
                    "plant-" + (index % 10),
                    "gw-" + index,
                    "factory/+site/bench-" + i + "/+device/level");
            System.out.println(figures);
            changeCpu.add(figures.changedCpuMicros);
            operatorCpu.add(figures.operatorThreadsCpuMicros);
        }
        System.out.printf(
                "one_change: reconciler_thread_cpu_us median=%d max=%d; operator_threads_cpu_us median=%d max=%d%n",
                median(changeCpu),
                changeCpu.stream().mapToLong(Long::longValue).max().orElse(0),
                median(operatorCpu),
                operatorCpu.stream().mapToLong(Long::longValue).max().orElse(0));

        System.gc();
        Thread.sleep(200);
        long heapMiB =
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
        System.out.printf("heap_after_gc_mib=%d rss_mib=%d (operator and mock server in one JVM)%n", heapMiB, rssMiB());
        System.out.printf("loadavg_at_end=%s%n", loadAverage());
        operator.stop();
        operatorClient.close();
        client.close();
        server.destroy();
        System.exit(0);
    }

    /** What one Gateway's change cost, and what it wrote. */
    record ChangeFigures(
            String gateway,
            long toConfigMapMillis,
            int changedReconciles,
            long changedCpuMicros,
            Map<Integer, Integer> changedErrors,
            int otherReconciles,
            long otherCpuMicros,
            long operatorThreadsCpuMicros,
            long mockServerCpuMicros,
            long benchCpuMicros,
            long jvmUnattributedCpuMicros,
            Map<String, Integer> writesToChanged,
            Map<String, Integer> writesToOthers,
            Map<String, Long> operatorThreadsMicros) {

        @Override
        public String toString() {
            return String.format(
                    "change %s: to_configmap_ms=%d reconciles=%d reconciler_thread_cpu_us=%d errors=%s |"
                            + " other_gateways: reconciles=%d reconciler_thread_cpu_us=%d writes=%s |"
                            + " window_cpu_us: operator_threads=%d mock_server=%d bench=%d jvm_unattributed=%d |"
                            + " writes_to_changed=%s | operator_threads_by_group_us=%s",
                    gateway,
                    toConfigMapMillis,
                    changedReconciles,
                    changedCpuMicros,
                    changedErrors,
                    otherReconciles,
                    otherCpuMicros,
                    writesToOthers,
                    operatorThreadsCpuMicros,
                    mockServerCpuMicros,
                    benchCpuMicros,
                    jvmUnattributedCpuMicros,
                    writesToChanged,
                    operatorThreadsMicros);
        }
    }

    private static ChangeFigures oneChange(
            KubernetesMockServer server,
            KubernetesClient client,
            MeteredReconciler reconciler,
            Set<String> benchHttpClients,
            String namespace,
            String name,
            String marker)
            throws Exception {
        String key = namespace + "/" + name;
        Map<String, MeteredReconciler.Tally> before = reconciler.snapshot();
        int reconcilesBefore = before.get(key).reconciles();
        ThreadCpu threadsBefore = ThreadCpu.now();
        long processBefore = processCpuNanos();
        long start = System.nanoTime();
        client.resources(Gateway.class).inNamespace(namespace).withName(name).edit(g -> {
            g.getSpec().routes.add(Gateways.route(marker, "fog.telemetry.{site}"));
            return g;
        });
        // In-process wait, so the bench's polling adds no API requests to the window.
        while (reconciler.snapshot().get(key).reconciles() == reconcilesBefore) {
            Thread.sleep(1);
        }
        long toConfigMapMillis = (System.nanoTime() - start) / 1_000_000;
        Thread.sleep(SETTLE.toMillis());
        ThreadCpu threadsAfter = ThreadCpu.now();
        long processCpu = processCpuNanos() - processBefore;
        Map<String, MeteredReconciler.Tally> after = reconciler.snapshot();
        List<String[]> requests = takeAll(server);
        if (!configOf(client, namespace, name).contains(marker)) {
            throw new IllegalStateException("the ConfigMap of " + key + " lacks the new route");
        }

        MeteredReconciler.Tally changedBefore = before.get(key);
        MeteredReconciler.Tally changedAfter = after.get(key);
        Map<Integer, Integer> errors = new TreeMap<>(changedAfter.errorsByCode());
        changedBefore.errorsByCode().forEach((c, n) -> errors.merge(c, -n, Integer::sum));
        errors.values().removeIf(n -> n == 0);
        int otherReconciles = 0;
        long otherCpu = 0;
        for (var entry : after.entrySet()) {
            if (!entry.getKey().equals(key)) {
                MeteredReconciler.Tally then = before.get(entry.getKey());
                otherReconciles += entry.getValue().reconciles() - (then == null ? 0 : then.reconciles());
                otherCpu += entry.getValue().cpuNanos() - (then == null ? 0 : then.cpuNanos());
            }
        }

        Map<String, Long> operatorGroups = new TreeMap<>();
        long mock = 0;
        long bench = 0;
        long threadsTotal = 0;
        for (var group : threadsAfter.since(threadsBefore).entrySet()) {
            String g = group.getKey();
            long nanos = group.getValue();
            threadsTotal += nanos;
            String client0 = ThreadCpu.httpClientOf(g);
            if (g.startsWith("vert.x") || g.startsWith("vertx")) {
                mock += nanos;
            } else if (g.equals("main")
                    || g.startsWith("bench-")
                    || (client0 != null && benchHttpClients.contains(client0))) {
                bench += nanos;
            } else {
                operatorGroups.merge(g, nanos / 1000, Long::sum);
            }
        }
        long operatorThreads =
                operatorGroups.values().stream().mapToLong(Long::longValue).sum();

        Map<String, Integer> writesToChanged = new TreeMap<>();
        Map<String, Integer> writesToOthers = new TreeMap<>();
        for (String[] request : requests) {
            if (request[0].equals("GET")) {
                continue;
            }
            String[] parts = request[1].split("\\?")[0].split("/");
            int ns = java.util.Arrays.asList(parts).indexOf("namespaces");
            String objectNamespace = ns >= 0 && parts.length > ns + 1 ? parts[ns + 1] : "";
            String object = ns >= 0 && parts.length > ns + 3 ? parts[ns + 3] : "";
            String label = request[0] + " " + kind(request[1]);
            if (label.endsWith(" gateways")) {
                label += " (the bench's edit)"; // the operator writes a Gateway's status only
            }
            boolean changed =
                    objectNamespace.equals(namespace) && (object.equals(name) || object.startsWith(name + "-"));
            (changed ? writesToChanged : writesToOthers).merge(label, 1, Integer::sum);
        }
        return new ChangeFigures(
                key,
                toConfigMapMillis,
                changedAfter.reconciles() - changedBefore.reconciles(),
                (changedAfter.cpuNanos() - changedBefore.cpuNanos()) / 1000,
                errors,
                otherReconciles,
                otherCpu / 1000,
                operatorThreads,
                mock / 1000,
                bench / 1000,
                (processCpu - threadsTotal) / 1000,
                writesToChanged,
                writesToOthers,
                operatorGroups);
    }

    private static int count(List<Gateway> gateways, String trueCondition) {
        return (int) gateways.stream()
                .filter(g -> g.getStatus() != null
                        && g.getStatus()
                                .condition(trueCondition)
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
        for (String[] request : takeAll(server)) {
            counts.merge(request[0] + " " + kind(request[1]), 1, Integer::sum);
        }
        return counts;
    }

    /** Requests since the last call: method and path. */
    private static List<String[]> takeAll(KubernetesMockServer server) throws InterruptedException {
        List<String[]> requests = new ArrayList<>();
        var request = server.takeRequest(50, TimeUnit.MILLISECONDS);
        while (request != null) {
            requests.add(new String[] {request.getMethod(), request.getPath()});
            request = server.takeRequest(50, TimeUnit.MILLISECONDS);
        }
        return requests;
    }

    private static String kind(String path) {
        String bare = path.split("\\?")[0];
        String[] parts = bare.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            if (parts[i].matches("[a-z]+s") && !parts[i].equals("namespaces") && !parts[i].equals("status")) {
                return parts[i]
                        + (bare.endsWith("/status") ? "/status" : "")
                        + (path.contains("watch=true") ? " (watch)" : "");
            }
        }
        return path;
    }

    private static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String loadAverage() throws java.io.IOException {
        return Files.readString(Path.of("/proc/loadavg")).strip();
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
