package io.fogbridge.operator.bench;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fogbridge.operator.OperatorMain;
import io.fogbridge.operator.model.OperatorDefaults;
import io.fogbridge.operator.reconcile.DeviceReconciler;
import io.fogbridge.operator.reconcile.GatewayReconciler;
import io.fogbridge.operator.twin.KafkaTwinConsumer;
import io.fogbridge.operator.twin.KubernetesTwinSink;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Metrics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * The operator as {@code OperatorMain} runs it (the Gateway and Device reconcilers, and the {@code fog.twin.*} consumer
 * writing through {@link KubernetesTwinSink}), in a process of its own so that its heap, RSS and CPU are its own,
 * pointed at the bench's mock API server. No leader election and no desired-command producer (the bench sets no
 * desired values). Answers {@code heap} on stdin with its used heap after a full GC; {@code quit} ends it.
 *
 * <pre>BenchOperator &lt;master url&gt; [&lt;twin kafka bootstrap&gt;]</pre>
 *
 * For {@link DeviceBench} only.
 */
public final class BenchOperator {

    private BenchOperator() {}

    public static void main(String[] args) throws Exception {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(args[0])
                .withTrustCerts(true)
                .withRequestTimeout(60_000)
                .build();
        KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build();
        Operator operator = new Operator(o -> o.withKubernetesClient(client)
                .withConcurrentReconciliationThreads(
                        Integer.getInteger("bench.reconcileThreads", OperatorMain.RECONCILE_THREADS))
                .withUseSSAToPatchPrimaryResource(false)
                .withCloseClientOnStop(false));
        operator.register(new GatewayReconciler(
                new OperatorDefaults("fogbridge-gateway:bench", "fogbridge-edge-critical"), Clock.systemUTC()));
        DeviceReconciler devices = new DeviceReconciler(Clock.systemUTC());
        operator.register(devices);
        KafkaTwinConsumer twin = null;
        if (args.length > 1) {
            var sink = new KubernetesTwinSink(client, Metrics.globalRegistry, devices.deviceNames());
            twin = new KafkaTwinConsumer(args[1], Map.of(), sink).start();
        }
        operator.start();
        System.out.println("STARTED");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            if (line.equals("heap")) {
                System.gc();
                Thread.sleep(200);
                var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                System.out.printf(
                        "HEAP used_mib=%d committed_mib=%d max_mib=%d%n",
                        heap.getUsed() >> 20, heap.getCommitted() >> 20, heap.getMax() >> 20);
                System.out.flush();
            }
        }
        if (twin != null) {
            twin.close();
        }
        operator.stop();
        System.exit(0);
    }
}
