package io.fogbridge.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fogbridge.operator.Devices;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceStatus;
import io.fogbridge.operator.crd.Gateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What one request costs fabric8's CRUD mock API server as the number of stored objects grows, stock
 * ({@link KubernetesCrudDispatcher}) against {@link IndexedCrudDispatcher}: N Devices created (4 client threads), then
 * 500 GETs of one Device and 500 status PUTs, one at a time, each timed on the client. Store kinds run in the order
 * given, each on a fresh server in this JVM, so {@code stock,indexed,stock,indexed} interleaves them.
 *
 * <p>Not a test: {@code bench/operator-bench.sh mockstore [devices] [kinds]}; figures in BENCHMARKS.md ("Devices").
 */
public final class MockStoreCost {

    private MockStoreCost() {}

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        String[] kinds = (args.length > 1 ? args[1] : "stock,indexed").split(",");
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
        try {
            for (String kind : kinds) {
                measure(kind, devices);
            }
        } catch (Exception e) {
            // The mock server's and the pool's threads would keep the JVM alive.
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void measure(String kind, int devices) throws Exception {
        KubernetesCrudDispatcher store =
                kind.equals("indexed") ? new IndexedCrudDispatcher() : new KubernetesCrudDispatcher();
        KubernetesMockServer server =
                new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), store, false);
        server.init();
        server.expectCustomResource(new CustomResourceDefinitionContext.Builder()
                .withGroup(Gateway.GROUP)
                .withVersion(Gateway.VERSION)
                .withKind("Device")
                .withPlural("devices")
                .withScope("Namespaced")
                .withStatusSubresource(true)
                .build());
        try (KubernetesClient client = server.createClient()) {
            String load = loadAverage();
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < devices; i++) {
                Device device = Devices.modbus("plant-" + i % 10, "d-" + i, "gw-" + i / 100, "10.0.0.1", 502);
                done.add(pool.submit(() -> create(client, device)));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            long createMillis = (System.nanoTime() - start) / 1_000_000;
            double getMillis = timed(500, i -> {
                int d = i * 7919 % devices;
                client.resources(Device.class)
                        .inNamespace("plant-" + d % 10)
                        .withName("d-" + d)
                        .get();
            });
            double putMillis = timed(500, i -> {
                Device device = client.resources(Device.class)
                        .inNamespace("plant-3")
                        .withName("d-3")
                        .get();
                device.setStatus(new DeviceStatus());
                device.getStatus().observedGeneration = (long) i;
                device.getStatus().conditions =
                        List.of(new Condition("Registered", Condition.Status.TRUE, "Rendered", "bench"));
                client.resource(device).updateStatus();
            });
            System.out.printf(
                    "%s: devices=%d create_s=%.1f (%.0f/s) get_ms=%.2f get_and_status_put_ms=%.2f load_at_start=%s%s%n",
                    kind,
                    devices,
                    createMillis / 1000.0,
                    devices * 1000.0 / createMillis,
                    getMillis,
                    putMillis,
                    load,
                    store instanceof IndexedCrudDispatcher indexed ? " rebuilds=" + indexed.rebuilds() : "");
        } finally {
            server.destroy();
        }
    }

    /**
     * Creates {@code device}; a 409 is the client's own retry of a create the server did (fabric8 retries a request
     * that timed out, which happens to the stock store on a loaded machine).
     */
    private static void create(KubernetesClient client, Device device) {
        try {
            client.resource(device).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** Mean wall milliseconds of one call, over {@code count} calls after 20 not counted. */
    private static double timed(int count, Call call) throws Exception {
        for (int i = 0; i < 20; i++) {
            call.run(i);
        }
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            call.run(i);
        }
        return (System.nanoTime() - start) / 1e6 / count;
    }

    private interface Call {
        void run(int i) throws Exception;
    }

    private static String loadAverage() throws java.io.IOException {
        return Files.readString(Path.of("/proc/loadavg")).strip().split(" ")[0];
    }
}
