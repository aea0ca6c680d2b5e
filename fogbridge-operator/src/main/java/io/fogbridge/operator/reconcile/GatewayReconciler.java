package io.fogbridge.operator.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.GatewayStatus;
import io.fogbridge.operator.figures.FigureSource;
import io.fogbridge.operator.figures.OpsEndpointFigures;
import io.fogbridge.operator.model.Backup;
import io.fogbridge.operator.model.GatewayModel;
import io.fogbridge.operator.model.InvalidGatewaySpec;
import io.fogbridge.operator.model.OperatorDefaults;
import io.fogbridge.operator.model.StandbyPlacement;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a Gateway's objects to what its spec wants, in named steps: pause check, render (and validate) the config,
 * apply the owned objects, report status. A Gateway with {@code placement.backup} also hears of its site's nodes
 * ({@link GatewayNodes}), and runs its standby when one more of them can hold it ({@link StandbyPlacement}). Status is compared before it is written, ignoring transition times, so a
 * reconcile that changed nothing writes nothing.
 *
 * <p>Not generation-aware: the pause annotation changes no generation, and the StatefulSet's readiness arrives
 * through its informer; the status comparison is what keeps the loop from writing.
 */
@ControllerConfiguration(generationAwareEventProcessing = false)
public final class GatewayReconciler implements Reconciler<Gateway> {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayReconciler.class);

    static final String READY = "Ready";
    static final String RECONCILED = "Reconciled";
    static final String WARNING = "Warning";
    static final String PAUSED = "ReconciliationPaused";
    static final String STANDBY = "Standby";

    /** How often a gateway's figures are asked for, and so the most often they change its status. */
    public static final Duration FIGURES_INTERVAL = Duration.ofSeconds(30);

    private final OperatorDefaults defaults;
    private final StatusConditions conditions;
    private final FigurePolls figures;
    private final CheckedDevices checkedDevices = new CheckedDevices();

    /** Reads the gateways' figures from their ops endpoints every {@link #FIGURES_INTERVAL}. */
    public GatewayReconciler(OperatorDefaults defaults, Clock clock) {
        this(defaults, clock, new OpsEndpointFigures(), FIGURES_INTERVAL);
    }

    public GatewayReconciler(
            OperatorDefaults defaults, Clock clock, FigureSource figureSource, Duration figuresInterval) {
        this.defaults = defaults;
        this.conditions = new StatusConditions(clock);
        this.figures = new FigurePolls(figureSource, figuresInterval, clock);
    }

    @Override
    public List<EventSource<?, Gateway>> prepareEventSources(EventSourceContext<Gateway> context) {
        InformerEventSource<io.fogbridge.operator.crd.Device, Gateway> devices = GatewayDevices.informer(context);
        return List.of(
                ownedInformer(StatefulSet.class, context),
                ownedInformer(ConfigMap.class, context),
                devices,
                ReferencedSecrets.informer(context, devices),
                GatewayNodes.informer(context));
    }

    private static <R extends HasMetadata> InformerEventSource<R, Gateway> ownedInformer(
            Class<R> type, EventSourceContext<Gateway> context) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(type, Gateway.class)
                        .withLabelSelector(GatewayModel.MANAGED_BY_LABEL + "=" + GatewayModel.MANAGED_BY)
                        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Gateway.class))
                        .build(),
                context);
    }

    @Override
    public UpdateControl<Gateway> reconcile(Gateway gateway, Context<Gateway> context) {
        GatewayStatus previous = gateway.getStatus();
        GatewayStatus next = gateway.isPaused() ? paused(previous) : reconcileObjects(gateway, context);
        if (!next.sameAs(previous)) {
            writeStatus(gateway, next, context);
        }
        // Come back for the gateway's figures even when nothing else happens.
        return gateway.isPaused()
                ? UpdateControl.noUpdate()
                : UpdateControl.<Gateway>noUpdate().rescheduleAfter(figures.interval());
    }

    /**
     * Replaces the status subresource, guarded by the resource version the reconcile started from: a stale cache
     * gets a conflict (and a retry with fresh data), never a status computed from an old spec. JOSDK's own status
     * patch diffs against its cached copy with index-based JSON Patch operations, which go wrong when that copy lags
     * behind the last write (a condition list that shrank, say).
     */
    private static void writeStatus(Gateway gateway, GatewayStatus next, Context<Gateway> context) {
        LOG.debug(
                "status of Gateway {}/{}: {}",
                gateway.getMetadata().getNamespace(),
                gateway.getMetadata().getName(),
                context.getClient().getKubernetesSerialization().asJson(next));
        gateway.setStatus(next);
        context.getClient().resource(gateway).updateStatus();
    }

    private GatewayStatus paused(GatewayStatus previous) {
        GatewayStatus next = copyFigures(previous);
        conditions.set(
                next,
                previous,
                List.of(new Condition(
                        PAUSED,
                        Condition.Status.TRUE,
                        "PauseAnnotation",
                        Gateway.PAUSE_ANNOTATION
                                + " is true: the operator leaves this gateway's objects as they are")));
        return next;
    }

    private GatewayStatus reconcileObjects(Gateway gateway, Context<Gateway> context) {
        GatewayStatus previous = gateway.getStatus();
        GatewayStatus next = copyFigures(previous);
        next.observedGeneration = gateway.getMetadata().getGeneration();
        Backup backup = Backup.of(gateway);
        List<StandbyPlacement.PodOnNode> pods =
                backup.enabled() ? ActivePods.of(context.getClient(), gateway) : List.of();
        StandbyPlacement standby =
                backup.enabled() ? StandbyPlacement.of(gateway, GatewayNodes.ofSite(gateway, context), pods) : null;
        GatewayModel model;
        try {
            model = GatewayModel.from(
                    gateway, defaults, GatewayDevices.collect(gateway, context, checkedDevices), standby);
        } catch (InvalidGatewaySpec e) {
            String message = "the gateway's config loader (or the operator) refuses the rendered gateway.yaml (the"
                    + " running pod keeps its last good config):\n" + e.getMessage();
            conditions.set(
                    next,
                    previous,
                    List.of(
                            new Condition(READY, Condition.Status.FALSE, "InvalidSpec", message),
                            new Condition(RECONCILED, Condition.Status.FALSE, "InvalidSpec", message)));
            return next;
        }
        StatefulSet statefulSet = applyObjects(gateway, model, new OwnedObjects(context.getClient()));
        noteConfigChange(next, previous, model);
        conditions.set(next, previous, reportedConditions(gateway, statefulSet, next, pods, standby));
        if (next.activePod != null) {
            figures.figures(context.getClient(), gateway, next.activePod).ifPresent(f -> {
                next.connectedDevices = f.connectedDevices();
                next.spoolBacklog = f.backlogRecords();
                next.spoolBacklogBytes = f.backlogBytes();
                next.oldestAge = f.oldestAge();
                next.forwarderConnected = f.forwarderConnected();
            });
        }
        return next;
    }

    private static StatefulSet applyObjects(Gateway gateway, GatewayModel model, OwnedObjects owned) {
        StatefulSet applied = null;
        for (HasMetadata desired : model.desiredObjects()) {
            HasMetadata stored = owned.apply(desired, gateway);
            if (stored instanceof StatefulSet statefulSet) {
                applied = statefulSet;
            }
        }
        return applied;
    }

    private static List<Condition> reportedConditions(
            Gateway gateway,
            StatefulSet statefulSet,
            GatewayStatus next,
            List<StandbyPlacement.PodOnNode> pods,
            StandbyPlacement standby) {
        List<Condition> reported = new ArrayList<>();
        boolean ready = statefulSet.getStatus() != null
                && statefulSet.getStatus().getReadyReplicas() != null
                && statefulSet.getStatus().getReadyReplicas() >= 1;
        Backup backup = Backup.of(gateway);
        String pod = backup.enabled()
                ? ActivePods.labelled(pods)
                : gateway.getMetadata().getName() + "-0";
        ready = ready && pod != null;
        next.activePod = ready ? pod : null;
        reported.add(
                ready
                        ? new Condition(READY, Condition.Status.TRUE, "GatewayReady", null)
                        : new Condition(
                                READY,
                                Condition.Status.FALSE,
                                "PodNotReady",
                                backup.enabled()
                                        ? "waiting for a pod of " + backup.podNames() + " to hold Lease "
                                                + backup.leaseName() + " and be ready"
                                        : "waiting for pod " + pod + " to be ready"));
        reported.add(new Condition(RECONCILED, Condition.Status.TRUE, "ObjectsApplied", null));
        next.activeNode = standby == null ? null : standby.activeNode();
        next.standbyNode = standby == null ? null : standby.standbyNode();
        if (standby != null) {
            Condition.Status placed =
                    switch (standby.reason()) {
                        case StandbyPlacement.PLACED -> Condition.Status.TRUE;
                        case StandbyPlacement.NO_STANDBY_NODE -> Condition.Status.FALSE;
                        default -> Condition.Status.UNKNOWN;
                    };
            reported.add(new Condition(STANDBY, placed, standby.reason(), standby.message()));
        }
        return reported;
    }

    /** Says whether the config change this reconcile applied rolls the pods or reaches them live. */
    private static void noteConfigChange(GatewayStatus next, GatewayStatus previous, GatewayModel model) {
        next.configHash = model.config().hash();
        next.restartConfigHash = model.config().restartHash();
        if (previous != null && previous.configHash != null && !previous.configHash.equals(next.configHash)) {
            next.lastConfigChange = next.restartConfigHash.equals(previous.restartConfigHash) ? "Live" : "Restart";
        }
    }

    /** The figures the gateway reports survive a reconcile that does not touch them. */
    private static GatewayStatus copyFigures(GatewayStatus previous) {
        GatewayStatus next = new GatewayStatus();
        if (previous != null) {
            next.observedGeneration = previous.observedGeneration;
            next.activePod = previous.activePod;
            next.activeNode = previous.activeNode;
            next.standbyNode = previous.standbyNode;
            next.connectedDevices = previous.connectedDevices;
            next.spoolBacklog = previous.spoolBacklog;
            next.spoolBacklogBytes = previous.spoolBacklogBytes;
            next.oldestAge = previous.oldestAge;
            next.forwarderConnected = previous.forwarderConnected;
            next.configHash = previous.configHash;
            next.restartConfigHash = previous.restartConfigHash;
            next.lastConfigChange = previous.lastConfigChange;
        }
        return next;
    }
}
