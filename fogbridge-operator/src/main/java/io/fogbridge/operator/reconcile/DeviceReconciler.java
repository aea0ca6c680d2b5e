package io.fogbridge.operator.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceStatus;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.model.DeviceAssignment;
import io.fogbridge.operator.model.DeviceCheck;
import io.fogbridge.operator.model.DeviceSet;
import io.fogbridge.operator.model.GatewayModel;
import io.fogbridge.operator.model.InvalidDevice;
import io.fogbridge.operator.model.Newcomers;
import io.fogbridge.operator.model.RenderedDevice;
import io.fogbridge.operator.twin.DesiredCommands;
import io.fogbridge.operator.twin.DeviceNames;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports whether a Device is registered: assigned to a Gateway, its credentials found and valid, its protocol section
 * accepted by the gateway's config loader, and its generation in the Gateway's rendered registry Secret (the Gateway's
 * reconcile renders it; until then {@code Registered} is False with reason {@code Rendering} and the Device is looked
 * at again a second later). The twin's fields ({@code Connected}, {@code lastSeen}, {@code reported}) are kept as
 * they are: the gateway writes those.
 *
 * <p>The other half of the twin: when {@code spec.desired} differs from {@code status.reported}, a {@code desired}
 * command goes to the device through the normal command path ({@link DesiredCommands}), and {@code InSync} says
 * whether the reported values match ({@link DesiredState} has the retry policy). A status the gateway wrote is an
 * event too (not only a new generation): a reported value may have settled the difference; the twin's other writes
 * are not ({@link DeviceEvents}), so 10,000 devices reporting cost the operator no reconciles.
 *
 * <p>{@code Warning} says what the user has to fix ({@link DeviceWarnings}). Everything a reconcile reads comes from
 * informer caches (the Gateways, the Gateways' registry Secrets), but the Device's own credentials Secret; a registry
 * Secret that lists a Device's new generation wakes that Device.
 */
@ControllerConfiguration(
        generationAwareEventProcessing = false,
        informer =
                @Informer(
                        onUpdateFilter = DeviceEvents.class,
                        itemStore = CompactDevices.class,
                        informerListLimit = CompactDevices.LIST_PAGE))
public final class DeviceReconciler implements Reconciler<Device> {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceReconciler.class);
    static final String REGISTERED = "Registered";
    private static final String DEVICES_SUFFIX = "-devices";
    /** A fallback: the registry Secret's event wakes a Device as soon as its generation is rendered. */
    static final long RENDER_RECHECK_MILLIS = 10_000;
    /** A desired command's ttl, and the wait for the device to report before the next attempt. */
    public static final Duration COMMAND_TTL = DesiredState.TTL;

    /** The Devices whose {@code spec.deviceId} is set, by {@code <namespace>/<deviceId>}: few, so a small index. */
    static final String BY_DEVICE_ID = "byDeviceId";

    private final Clock clock;
    private final StatusConditions conditions;
    /** This reconciler's informer cache of Devices, once JOSDK made it. */
    private volatile IndexerResourceCache<Device> devices;

    private final DesiredCommands commands;
    private final Duration commandTtl;

    /** Without a command path: desired values are compared but never sent. */
    public DeviceReconciler(Clock clock) {
        this(clock, null, DesiredState.TTL);
    }

    /**
     * @param commands   where {@code desired} commands go, or null
     * @param commandTtl the commands' ttl, and how long a command is waited for before the next attempt
     */
    public DeviceReconciler(Clock clock, DesiredCommands commands, Duration commandTtl) {
        this.clock = clock;
        this.conditions = new StatusConditions(clock);
        this.commands = commands;
        this.commandTtl = commandTtl;
    }

    @Override
    public List<EventSource<?, Device>> prepareEventSources(EventSourceContext<Device> context) {
        IndexerResourceCache<Device> primary = context.getPrimaryCache();
        primary.addIndexer(
                BY_DEVICE_ID,
                device -> device.getSpec() == null || device.getSpec().deviceId == null
                        ? List.of()
                        : List.of(device.getMetadata().getNamespace() + "/" + device.getSpec().deviceId));
        devices = primary;
        // A Gateway that appears (or changes site) may settle the assignment of Devices waiting for it.
        InformerEventSource<Gateway, Device> gateways = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Gateway.class, Device.class)
                        .withSecondaryToPrimaryMapper(gateway -> devicesOf(gateway, context))
                        .withPrimaryToSecondaryMapper(assigned(""))
                        .build(),
                context);
        // The registry Secrets the operator writes (and only those): one that lists a Device's generation registers it.
        InformerEventSource<Secret, Device> registries = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Secret.class, Device.class)
                        .withLabelSelector(GatewayModel.MANAGED_BY_LABEL + "=" + GatewayModel.MANAGED_BY)
                        .withSecondaryToPrimaryMapper(secret -> waitingFor(secret, context))
                        .withPrimaryToSecondaryMapper(assigned(DEVICES_SUFFIX))
                        .withItemStore(new RenderedLists())
                        .build(),
                context);
        return List.of(gateways, registries);
    }

    /**
     * A Device's secondary resource of a kind: the one named after the Gateway its status says it is assigned to, plus
     * {@code suffix}. Given to JOSDK, which otherwise keeps an index of its own for the mapping (one set per Device and
     * kind; BENCHMARKS.md, "Devices at 10,000: the operator in 256 MiB"). Nothing here asks JOSDK for a Device's
     * secondary resources; the mapping is for what would.
     */
    private static PrimaryToSecondaryMapper<Device> assigned(String suffix) {
        return device -> {
            String gateway = device.getStatus() == null ? null : device.getStatus().assignedGateway;
            return gateway == null
                    ? Set.of()
                    : Set.of(new ResourceID(
                            gateway + suffix, device.getMetadata().getNamespace()));
        };
    }

    /**
     * Device ids to names from this reconciler's informer cache (no request): for the twin sink, whose updates name a
     * device by its id. Until the operator started the reconciler, every id is taken for a name.
     */
    public DeviceNames deviceNames() {
        return (namespace, deviceId) -> {
            IndexerResourceCache<Device> cache = devices;
            if (cache == null) {
                return deviceId;
            }
            List<Device> found = cache.byIndex(BY_DEVICE_ID, namespace + "/" + deviceId);
            return found.isEmpty() ? deviceId : found.get(0).getMetadata().getName();
        };
    }

    /**
     * The Devices {@code secret} lists at a generation they do not yet say is registered, and those of its Gateway that
     * wait for a render that left them out (so they say why).
     */
    private static Set<ResourceID> waitingFor(Secret secret, EventSourceContext<Device> context) {
        String namespace = secret.getMetadata().getNamespace();
        Set<ResourceID> waiting = new java.util.HashSet<>();
        String name = secret.getMetadata().getName();
        String gateway =
                name.endsWith(DEVICES_SUFFIX) ? name.substring(0, name.length() - DEVICES_SUFFIX.length()) : null;
        context.getPrimaryCache()
                .list(
                        namespace,
                        d -> d.getStatus() != null
                                && gateway != null
                                && gateway.equals(d.getStatus().assignedGateway)
                                && d.getStatus()
                                        .condition(REGISTERED)
                                        .map(c -> "Rendering".equals(c.reason))
                                        .orElse(false))
                .forEach(d -> waiting.add(ResourceID.fromResource(d)));
        for (String line : renderedList(secret)) {
            int slash = line.indexOf('/');
            int at = line.lastIndexOf('@');
            if (slash < 0 || at < slash) {
                continue;
            }
            ResourceID id = new ResourceID(line.substring(slash + 1, at), namespace);
            String generation = line.substring(at + 1);
            context.getPrimaryCache()
                    .get(id)
                    .filter(d -> d.getStatus() == null
                            || !generation.equals(String.valueOf(d.getStatus().observedGeneration))
                            || d.getStatus()
                                    .condition(REGISTERED)
                                    .map(c -> c.status != Condition.Status.TRUE)
                                    .orElse(true))
                    .ifPresent(d -> waiting.add(id));
        }
        return waiting;
    }

    private static Set<ResourceID> devicesOf(Gateway gateway, EventSourceContext<Device> context) {
        String namespace = gateway.getMetadata().getNamespace();
        String site = gateway.getSpec() == null ? null : gateway.getSpec().site;
        return context.getPrimaryCache()
                .list(namespace)
                .filter(d -> gateway.getMetadata().getName().equals(d.getSpec().gateway)
                        || (site != null && site.equals(d.getSpec().site)))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    @Override
    public UpdateControl<Device> reconcile(Device device, Context<Device> context) {
        DeviceStatus previous = device.getStatus();
        DeviceStatus next = twinOf(previous);
        next.observedGeneration = device.getMetadata().getGeneration();
        Gateway[] assigned = new Gateway[1];
        Condition registered = registered(device, context, next, assigned);
        DesiredState.Decision desired = DesiredState.decide(
                device,
                previous,
                registered.status == Condition.Status.TRUE,
                commands != null,
                clock.instant(),
                commandTtl,
                DesiredState.MAX_ATTEMPTS);
        next.desiredCommand = desired.command();
        List<Condition> list = new ArrayList<>(next.conditions);
        list.removeIf(c -> c.type.equals(REGISTERED)
                || c.type.equals(DesiredState.IN_SYNC)
                || c.type.equals(DeviceWarnings.WARNING));
        list.addFirst(registered);
        if (desired.inSync() != null) {
            list.add(desired.inSync());
        }
        DeviceWarnings.of(device, next, registered).ifPresent(list::add);
        conditions.stamp(list, previous == null ? type -> java.util.Optional.empty() : previous::condition);
        next.conditions = list;
        if (!next.sameAs(previous)) {
            device.setStatus(next);
            // Recorded before it is sent: a status write that fails (the gateway wrote meanwhile) sends nothing, and
            // the retried reconcile decides again.
            device = context.getClient().resource(device).updateStatus();
        }
        if (desired.send() != null) {
            send(device, assigned[0], desired, context);
        }
        long recheck = "Rendering".equals(registered.reason) ? RENDER_RECHECK_MILLIS : Long.MAX_VALUE;
        if (desired.recheck() != null) {
            recheck = Math.min(recheck, desired.recheck().toMillis());
        }
        return recheck == Long.MAX_VALUE
                ? UpdateControl.noUpdate()
                : UpdateControl.<Device>noUpdate().rescheduleAfter(recheck);
    }

    private void send(Device device, Gateway gateway, DesiredState.Decision desired, Context<Device> context) {
        DeviceStatus.DesiredCommand command = desired.command();
        try {
            commands.send(
                    gateway.getSpec().kafka.bootstrap,
                    device.getSpec().tenant,
                    device.deviceId(),
                    command.correlationId,
                    commandTtl,
                    desired.send());
            LOG.info(
                    "desired {} sent to {}/{} as {}",
                    desired.send().keySet(),
                    device.getSpec().tenant,
                    device.deviceId(),
                    command.correlationId);
        } catch (Exception e) {
            // Counted as an attempt: the next one goes after the ttl, as for a command the device never answered.
            LOG.warn("desired command {} not sent: {}", command.correlationId, e.toString());
            // The next reconcile (this write's event) shows it as InSync=False, reason SendFailed, until the ttl.
            device.getStatus().desiredCommand.sendError = String.valueOf(e.getMessage());
            context.getClient().resource(device).updateStatus();
        }
    }

    private static Condition registered(Device device, Context<Device> context, DeviceStatus next, Gateway[] assigned) {
        String namespace = device.getMetadata().getNamespace();
        var client = context.getClient();
        @SuppressWarnings("unchecked")
        var gatewayCache = (InformerEventSource<Gateway, Device>)
                context.eventSourceRetriever().getEventSourceFor(Gateway.class);
        List<Gateway> gateways = gatewayCache.list(namespace, g -> true).toList();
        DeviceAssignment assignment = DeviceAssignment.of(device, gateways);
        next.assignedGateway = assignment.gateway();
        if (!assignment.assigned()) {
            return new Condition(REGISTERED, Condition.Status.FALSE, assignment.reason(), assignment.message());
        }
        if (Newcomers.awaitingApproval(device)) {
            return new Condition(
                    REGISTERED,
                    Condition.Status.FALSE,
                    Newcomers.PENDING_APPROVAL,
                    "proposed by plug-and-play onboarding: held at gateway " + assignment.gateway()
                            + " until approved (spec.approved: true, or `fogbridge device approve "
                            + device.getMetadata().getName()
                            + " --kubernetes`)");
        }
        Gateway gateway = gateways.stream()
                .filter(g -> g.getMetadata().getName().equals(assignment.gateway()))
                .findFirst()
                .orElseThrow();
        @SuppressWarnings("unchecked")
        var registries = (InformerEventSource<Secret, Device>)
                context.eventSourceRetriever().getEventSourceFor(Secret.class);
        Optional<Secret> secret = registries.get(new ResourceID(GatewayModel.devicesSecretName(gateway), namespace));
        if (secret.isPresent()
                && renderedList(secret.get()).contains(new RenderedDevice(device, null, null).renderedAs())) {
            // The Gateway renders only a Device that checked out: its Secrets need no second read here.
            assigned[0] = gateway;
            return new Condition(
                    REGISTERED,
                    Condition.Status.TRUE,
                    "Rendered",
                    "in the registry of Gateway " + assignment.gateway());
        }
        boolean waitedBefore = device.getStatus() != null
                && device.getStatus()
                        .condition(REGISTERED)
                        .map(c -> "Rendering".equals(c.reason))
                        .orElse(false);
        if (secret.isPresent() || waitedBefore) {
            // Rendered without this generation, or no registry yet after a while: say why, if the Device is the cause.
            try {
                DeviceCheck.check(device, name -> GatewayDevices.secret(client, namespace, name));
            } catch (InvalidDevice e) {
                return new Condition(REGISTERED, Condition.Status.FALSE, e.reason(), e.getMessage());
            }
        }
        // The Gateway's render is on its way (at a cold start, before any): its Secret wakes this Device.
        return new Condition(
                REGISTERED,
                Condition.Status.FALSE,
                "Rendering",
                "waiting for Gateway " + assignment.gateway() + " to render it");
    }

    private static Set<String> renderedList(Secret secret) {
        String text = null;
        if (secret.getData() != null && secret.getData().get(DeviceSet.RENDERED_LIST) != null) {
            text = new String(
                    Base64.getDecoder().decode(secret.getData().get(DeviceSet.RENDERED_LIST)), StandardCharsets.UTF_8);
        } else if (secret.getStringData() != null) {
            text = secret.getStringData().get(DeviceSet.RENDERED_LIST);
        }
        return text == null ? Set.of() : Set.of(text.split("\n"));
    }

    /** The gateway's part of the status, as it stands: only the operator's part is recomputed. */
    private static DeviceStatus twinOf(DeviceStatus previous) {
        DeviceStatus next = new DeviceStatus();
        if (previous != null) {
            next.lastSeen = previous.lastSeen;
            next.reported = previous.reported;
            next.desiredCommand = previous.desiredCommand;
            next.conditions = new ArrayList<>(previous.conditions);
        }
        return next;
    }
}
