package io.fogbridge.operator.lease;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

/**
 * The lease container of a gateway pod with a backup (the operator's image, another main class): holds or waits for
 * the Gateway's Lease until SIGTERM, then gives it up. Environment (set by the operator): {@code POD_NAME},
 * {@code POD_NAMESPACE}, {@code FOGBRIDGE_LEASE_NAME}, {@code FOGBRIDGE_LEASE_PODS} (comma-separated), optionally
 * {@code FOGBRIDGE_LEASE_DURATION_SECONDS} and {@code FOGBRIDGE_GATEWAY_HEALTH_URL} (the gateway's {@code /healthz} on
 * the pod's loopback; without it the gateway is taken to serve always).
 */
public final class ActivePodLeaseMain {

    private ActivePodLeaseMain() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        List<String> pods = Arrays.stream(required(env, "FOGBRIDGE_LEASE_PODS").split(","))
                .map(String::trim)
                .toList();
        KubernetesClient client = new KubernetesClientBuilder().build();
        ActivePodLease lease = new ActivePodLease(
                client,
                required(env, "POD_NAMESPACE"),
                required(env, "FOGBRIDGE_LEASE_NAME"),
                required(env, "POD_NAME"),
                pods,
                LeaseTiming.fromEnvironment(env),
                gatewayLiveness(env));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            lease.close();
            client.close();
            stopped.countDown();
        }));
        lease.start();
        stopped.await();
    }

    private static BooleanSupplier gatewayLiveness(Map<String, String> env) {
        String url = env.get("FOGBRIDGE_GATEWAY_HEALTH_URL");
        return url == null || url.isBlank() ? () -> true : new GatewayLiveness(URI.create(url.trim()));
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set (the operator sets it on the lease container)");
        }
        return value;
    }
}
