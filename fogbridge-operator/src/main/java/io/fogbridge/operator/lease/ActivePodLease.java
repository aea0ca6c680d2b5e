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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
 *
 * <p><b>Only a pod whose gateway serves holds the Lease.</b> The lease container outlives a gateway container that
 * crashed or hangs, and would otherwise keep renewing for a pod that takes no device in while the standby idles.
 * {@code gatewayAlive} is asked every retry period; after {@value #DEAD_CHECKS_TO_STEP_DOWN} failures in a row the
 * holder gives the Lease up (the standby takes it within a retry period) and takes its label off, and a pod competes
 * only while its gateway answers.
 */
public final class ActivePodLease implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActivePodLease.class);

    /** Failed liveness checks in a row before the holder gives the Lease up: one miss is a pause, not a death. */
    static final int DEAD_CHECKS_TO_STEP_DOWN = 2;

    private final KubernetesClient client;
    private final String namespace;
    private final String podName;
    private final List<String> pods;
    private final LeaseTiming timing;
    private final BooleanSupplier gatewayAlive;
    private final LeaderElector elector;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "active-pod-lease");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean leading;
    private volatile boolean stopped;
    /** Failed liveness checks in a row; written on the scheduler's thread only. */
    private volatile int deadChecks;

    private CompletableFuture<?> election;

    /** A holder whose gateway is taken to serve always (no liveness check). */
    public ActivePodLease(
            KubernetesClient client,
            String namespace,
            String leaseName,
            String podName,
            List<String> pods,
            LeaseTiming timing) {
        this(client, namespace, leaseName, podName, pods, timing, () -> true);
    }

    /**
     * @param pods the Gateway's pods ({@link Backup#podNames()}), {@code podName} among them
     * @param gatewayAlive whether this pod's gateway serves now; called on the holder's thread, must be bounded in time
     */
    public ActivePodLease(
            KubernetesClient client,
            String namespace,
            String leaseName,
            String podName,
            List<String> pods,
            LeaseTiming timing,
            BooleanSupplier gatewayAlive) {
        this.client = client;
        this.namespace = namespace;
        this.podName = podName;
        this.pods = List.copyOf(pods);
        this.timing = timing;
        this.gatewayAlive = gatewayAlive;
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
        deadChecks = gatewayAlive.getAsBoolean() ? 0 : 1;
        compete();
        long period = timing.leaseDuration().toMillis();
        scheduler.scheduleWithFixedDelay(this::keepLabels, period, period, TimeUnit.MILLISECONDS);
        long retry = timing.retryPeriod().toMillis();
        scheduler.scheduleWithFixedDelay(this::watchGateway, retry, retry, TimeUnit.MILLISECONDS);
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
        if (deadChecks > 0) {
            // Not while the gateway beside us does not serve: look again a retry period later.
            scheduler.schedule(this::compete, timing.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        election = elector.start();
        election.whenComplete((ignored, failure) -> {
            if (failure != null && !stopped && !(failure instanceof CancellationException)) {
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

    private void watchGateway() {
        if (stopped) {
            return;
        }
        if (gatewayAlive.getAsBoolean()) {
            deadChecks = 0;
            return;
        }
        deadChecks++;
        if (deadChecks >= DEAD_CHECKS_TO_STEP_DOWN) {
            if (leading) {
                stepDown();
            } else {
                stopCompeting();
            }
        }
    }

    /** A standby whose gateway does not serve must not win the Lease if the active pod dies now. */
    private synchronized void stopCompeting() {
        if (!stopped && !leading && election != null && !election.isDone()) {
            LOG.info("the gateway of pod {} does not answer its liveness check: not competing for the Lease", podName);
            election.cancel(true); // compete() starts again once the gateway serves
        }
    }

    /** The gateway beside us does not serve: give the Lease to the standby now rather than at the lease's end. */
    private synchronized void stepDown() {
        if (stopped || !leading) {
            return;
        }
        LOG.warn(
                "the gateway of pod {} does not answer its liveness check ({} in a row): giving the Lease up",
                podName,
                deadChecks);
        leading = false;
        if (election != null) {
            election.cancel(true); // ends the renewals; compete() starts again once the gateway serves
        }
        try {
            elector.release();
        } catch (KubernetesClientException e) {
            LOG.warn("could not release the Lease for pod {}: {}", podName, e.getMessage());
        }
        label(podName, false);
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
