package io.fogbridge.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.reconcile.GatewayReconciler;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Gateway reconciler as the operator registers it, with the CPU time of each reconcile taken on its own thread
 * (the JOSDK executor thread that runs it: rendering, the loader's check, hashing, the client calls' serialization)
 * and counted per Gateway, together with the reconciles that ended in an API error, by status code. Same controller
 * configuration as {@link GatewayReconciler}. For the bench only.
 */
@ControllerConfiguration(generationAwareEventProcessing = false)
final class MeteredReconciler implements Reconciler<Gateway> {

    /** What one Gateway's reconciles cost so far. */
    record Tally(int reconciles, long cpuNanos, Map<Integer, Integer> errorsByCode, long lastEndNanos) {}

    private final GatewayReconciler delegate;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    MeteredReconciler(GatewayReconciler delegate) {
        this.delegate = delegate;
    }

    @Override
    public List<EventSource<?, Gateway>> prepareEventSources(EventSourceContext<Gateway> context) {
        return delegate.prepareEventSources(context);
    }

    @Override
    public UpdateControl<Gateway> reconcile(Gateway gateway, Context<Gateway> context) throws Exception {
        long cpuStart = threads.getCurrentThreadCpuTime();
        Integer errorCode = null;
        try {
            return delegate.reconcile(gateway, context);
        } catch (KubernetesClientException e) {
            errorCode = e.getCode();
            throw e;
        } finally {
            long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
            long end = System.nanoTime();
            Integer code = errorCode;
            tallies.merge(key(gateway), new Tally(1, cpu, code == null ? Map.of() : Map.of(code, 1), end), (a, b) -> {
                Map<Integer, Integer> errors = new TreeMap<>(a.errorsByCode());
                b.errorsByCode().forEach((c, n) -> errors.merge(c, n, Integer::sum));
                return new Tally(a.reconciles() + 1, a.cpuNanos() + b.cpuNanos(), errors, end);
            });
        }
    }

    static String key(Gateway gateway) {
        return gateway.getMetadata().getNamespace() + "/"
                + gateway.getMetadata().getName();
    }

    /** A copy of every Gateway's tally now. */
    Map<String, Tally> snapshot() {
        return new TreeMap<>(tallies);
    }
}
