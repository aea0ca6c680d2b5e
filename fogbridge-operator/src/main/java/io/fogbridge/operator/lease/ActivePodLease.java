package io.fogbridge.operator.lease;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fogbridge.operator.model.Backup;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod's claim to be the active gateway of a Gateway with a backup: competes for the Gateway's Lease and, while it
 * holds it, keeps {@value Backup#ACTIVE_LABEL}{@code =true} on its own pod and off the other pods of the Gateway, so
 * the device Service selects this pod alone. It labels itself before it unlabels the others: during a takeover the
 * Service briefly has two endpoints rather than none. A pod that loses the Lease takes its own label off (when the API
 * server is reachable) and competes again; its gateway keeps running and keeps draining its spool to Kafka.
 *
 * <p>The labels are checked again every lease duration while leading, so a label lost to a failed patch or a hand
 * edit comes back. Lifecycle: {@link #start()} once, {@link #close()} gives the Lease up at once (a clean stop hands
 * over without waiting for the lease to run out). Thread-safe.
 */
public final class ActivePodLease implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActivePodLease.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String podName;
    private final List<String> pods;
    private final LeaseTiming timing;
    private final LeaderElector elector;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "active-pod-lease");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean leading;
    private volatile boolean stopped;
    private CompletableFuture<?> election;

    /**
     * @param pods the Gateway's pods ({@link Backup#podNames()}), {@code podName} among them
     */
    public ActivePodLease(
            KubernetesClient client,
            String namespace,
            String leaseName,
            String podName,
            List<String> pods,
            LeaseTiming timing) {
        this.client = client;
        this.namespace = namespace;
        this.podName = podName;
        this.pods = List.copyOf(pods);
        this.timing = timing;
        this.elector = client.leaderElector()
                .withConfig(new LeaderElectionConfigBuilder()
                        .withName(leaseName)
                        .withLock(new LeaseLock(namespace, leaseName, podName))
                        .withLeaseDuration(timing.leaseDuration())
                        .withRenewDeadline(timing.renewDeadline())
                        .withRetryPeriod(timing.retryPeriod())
                        .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading, h -> {}))
                        // close() releases by itself; a pod that dies must not, and the flag cannot tell them apart.
                        .withReleaseOnCancel(false)
                        .build())
                .build();
    }

    public synchronized void start() {
        compete();
        long period = timing.leaseDuration().toMillis();
        scheduler.scheduleWithFixedDelay(this::keepLabels, period, period, TimeUnit.MILLISECONDS);
    }

    /** Whether this pod holds the Lease, as far as it knows. */
    public boolean active() {
        return leading;
    }

    /** An elector ends when it loses the Lease; a standby's competes again until the pod stops. */
    private synchronized void compete() {
        if (stopped) {
            return;
        }
        election = elector.start();
        election.whenComplete((ignored, failure) -> {
            if (failure != null && !stopped) {
                LOG.warn("lease election of pod {} ended: {}", podName, failure.toString());
            }
            if (!stopped) {
                scheduler.schedule(this::compete, timing.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private void startedLeading() {
        if (stopped) {
            return;
        }
        leading = true;
        LOG.info("pod {} holds the Lease: it is the active gateway", podName);
        scheduler.execute(this::keepLabels);
    }

    private void stoppedLeading() {
        leading = false;
        if (stopped) {
            return;
        }
        LOG.info("pod {} lost the Lease: standby (its gateway keeps draining its spool)", podName);
        scheduler.execute(() -> label(podName, false));
    }

    private void keepLabels() {
        if (!leading || stopped) {
            return;
        }
        label(podName, true);
        for (String other : pods) {
            if (!other.equals(podName) && leading) {
                label(other, false);
            }
        }
    }

    private void label(String pod, boolean active) {
        try {
            Pod stored = client.pods().inNamespace(namespace).withName(pod).get();
            if (stored == null || active == isActive(stored)) {
                return;
            }
            client.pods()
                    .inNamespace(namespace)
                    .withName(pod)
                    .edit(p -> active
                            ? new PodBuilder(p)
                                    .editMetadata()
                                    .addToLabels(Backup.ACTIVE_LABEL, "true")
                                    .endMetadata()
                                    .build()
                            : new PodBuilder(p)
                                    .editMetadata()
                                    .removeFromLabels(Backup.ACTIVE_LABEL)
                                    .endMetadata()
                                    .build());
        } catch (KubernetesClientException e) {
            // The next check (a lease duration later) tries again.
            LOG.warn("could not {} pod {}: {}", active ? "label" : "unlabel", pod, e.getMessage());
        }
    }

    static boolean isActive(Pod pod) {
        var labels = pod.getMetadata().getLabels();
        return labels != null && "true".equals(labels.get(Backup.ACTIVE_LABEL));
    }

    /** Gives the Lease up and takes this pod's label off, so the standby takes over without waiting. */
    @Override
    public void close() {
        boolean wasLeading = leading;
        halt();
        if (wasLeading) {
            elector.release();
            label(podName, false);
        }
    }

    /**
     * Stops competing and renewing and touches nothing more, as a pod on a node that died would: the Lease runs out
     * and the other pod takes it.
     */
    void halt() {
        synchronized (this) {
            stopped = true;
            if (election != null) {
                election.cancel(true);
            }
        }
        leading = false;
        scheduler.shutdownNow();
    }
}
