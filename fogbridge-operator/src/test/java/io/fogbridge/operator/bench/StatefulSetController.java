package io.fogbridge.operator.bench;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bench's stand-in for the StatefulSet controller and the kubelet, which the mock API server lacks: every 100 ms
 * it lists the StatefulSets and marks each one not yet ready as having all its replicas ready. Counts its own API
 * requests, so the bench can tell them from the operator's.
 */
final class StatefulSetController implements AutoCloseable {

    private final KubernetesClient client;
    private final AtomicInteger lists = new AtomicInteger();
    private final AtomicInteger statusWrites = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    StatefulSetController(KubernetesClient client) {
        this.client = client;
        this.thread = new Thread(this::run, "bench-statefulset-controller");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            lists.incrementAndGet();
            for (StatefulSet statefulSet :
                    client.apps().statefulSets().inAnyNamespace().list().getItems()) {
                int replicas = statefulSet.getSpec().getReplicas();
                StatefulSetStatus status = statefulSet.getStatus();
                if (status == null || status.getReadyReplicas() == null || status.getReadyReplicas() < replicas) {
                    StatefulSetStatus ready = new StatefulSetStatus();
                    ready.setReplicas(replicas);
                    ready.setReadyReplicas(replicas);
                    statefulSet.setStatus(ready);
                    statusWrites.incrementAndGet();
                    try {
                        client.resource(statefulSet).updateStatus();
                    } catch (KubernetesClientException e) {
                        // Changed since the list (the operator wrote it): the next round marks it.
                    }
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Its API requests so far, by kind. */
    Map<String, Integer> requests() {
        return new TreeMap<>(
                Map.of("GET statefulsets (list)", lists.get(), "PUT statefulsets/status", statusWrites.get()));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5000);
    }
}
