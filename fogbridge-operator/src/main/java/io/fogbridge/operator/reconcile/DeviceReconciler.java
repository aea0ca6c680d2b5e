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
import io.fogbridge.operator.model.RenderedDevice;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reports whether a Device is registered: assigned to a Gateway, its credentials found and valid, its protocol section
 * accepted by the gateway's config loader, and its generation in the Gateway's rendered registry Secret (the Gateway's
 * reconcile renders it; until then {@code Registered} is False with reason {@code Rendering} and the Device is looked
 * at again a second later). The twin's fields ({@code Connected}, {@code lastSeen}, {@code reported}) are kept as
 * they are: the gateway writes those.
 */
@ControllerConfiguration
public final class DeviceReconciler implements Reconciler<Device> {

    static final String REGISTERED = "Registered";
    static final long RENDER_RECHECK_MILLIS = 1000;

    private final StatusConditions conditions;

    public DeviceReconciler(Clock clock) {
        this.conditions = new StatusConditions(clock);
    }

    @Override
    public List<EventSource<?, Device>> prepareEventSources(EventSourceContext<Device> context) {
        // A Gateway that appears (or changes site) may settle the assignment of Devices waiting for it.
        return List.of(new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Gateway.class, Device.class)
                        .withSecondaryToPrimaryMapper(gateway -> devicesOf(gateway, context))
                        .build(),
                context));
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
        Condition registered = registered(device, context, next);
        List<Condition> list = new ArrayList<>(next.conditions);
        list.removeIf(c -> c.type.equals(REGISTERED));
        list.addFirst(registered);
        conditions.stamp(list, previous == null ? type -> java.util.Optional.empty() : previous::condition);
        next.conditions = list;
        if (!next.sameAs(previous)) {
            device.setStatus(next);
            context.getClient().resource(device).updateStatus();
        }
        return "Rendering".equals(registered.reason)
                ? UpdateControl.<Device>noUpdate().rescheduleAfter(RENDER_RECHECK_MILLIS)
                : UpdateControl.noUpdate();
    }

    private static Condition registered(Device device, Context<Device> context, DeviceStatus next) {
        String namespace = device.getMetadata().getNamespace();
        var client = context.getClient();
        List<Gateway> gateways =
                client.resources(Gateway.class).inNamespace(namespace).list().getItems();
        DeviceAssignment assignment = DeviceAssignment.of(device, gateways);
        next.assignedGateway = assignment.gateway();
        if (!assignment.assigned()) {
            return new Condition(REGISTERED, Condition.Status.FALSE, assignment.reason(), assignment.message());
        }
        RenderedDevice rendered;
        try {
            rendered = DeviceCheck.check(device, name -> GatewayDevices.secret(client, namespace, name));
        } catch (InvalidDevice e) {
            return new Condition(REGISTERED, Condition.Status.FALSE, e.reason(), e.getMessage());
        }
        Gateway gateway = gateways.stream()
                .filter(g -> g.getMetadata().getName().equals(assignment.gateway()))
                .findFirst()
                .orElseThrow();
        Secret secret = GatewayDevices.secret(client, namespace, GatewayModel.devicesSecretName(gateway));
        if (secret == null || !renderedList(secret).contains(rendered.renderedAs())) {
            return new Condition(
                    REGISTERED,
                    Condition.Status.FALSE,
                    "Rendering",
                    "waiting for Gateway " + assignment.gateway() + " to render it");
        }
        return new Condition(
                REGISTERED, Condition.Status.TRUE, "Rendered", "in the registry of Gateway " + assignment.gateway());
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
            next.conditions = new ArrayList<>(previous.conditions);
        }
        return next;
    }
}
