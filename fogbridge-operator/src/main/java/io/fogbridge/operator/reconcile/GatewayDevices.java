package io.fogbridge.operator.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.TenantSpec;
import io.fogbridge.operator.model.DeviceAssignment;
import io.fogbridge.operator.model.DeviceCheck;
import io.fogbridge.operator.model.DeviceSet;
import io.fogbridge.operator.model.InvalidDevice;
import io.fogbridge.operator.model.InvalidGatewaySpec;
import io.fogbridge.operator.model.Newcomers;
import io.fogbridge.operator.model.RenderedDevice;
import io.fogbridge.operator.model.RenderedTenant;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Devices a Gateway serves, for its reconcile: a Device informer that wakes the Gateway a Device is (and was)
 * assigned to, and the collection of its valid Devices into a {@link DeviceSet}. A Device that does not check out is
 * left out here and explains itself in its own {@code Registered} condition ({@link DeviceReconciler}).
 *
 * <p>Built for 10,000 Devices across 100 Gateways (BENCHMARKS.md, "Devices"): only a Device's new generation (or a
 * move) wakes its Gateway, not the twin's status writes; a Gateway finds its Devices through an index by the
 * {@code spec.gateway} or {@code spec.site} they name, not by scanning every Device; credentials and CA Secrets come
 * from an informer's cache ({@link ReferencedSecrets}); and a Device whose generation and Secrets did not change is not
 * checked again ({@link CheckedDevices}).
 */
final class GatewayDevices {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayDevices.class);
    static final String BY_TARGET = "fogbridge.io/target";

    private GatewayDevices() {}

    static InformerEventSource<Device, Gateway> informer(EventSourceContext<Gateway> context) {
        InformerEventSource<Device, Gateway> informer = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Device.class, Gateway.class)
                        .withSecondaryToPrimaryMapper(device -> gatewaysOf(device, context))
                        .withOnUpdateFilter(GatewayDevices::rendersDifferently)
                        .withItemStore(new StrippedDevices())
                        .withInformerListLimit(CompactDevices.LIST_PAGE)
                        .build(),
                context);
        Map<String, Function<Device, List<String>>> indexers = Map.of(BY_TARGET, device -> List.of(target(device)));
        informer.addIndexers(indexers);
        return informer;
    }

    /** A new generation, or a move: what the twin writes into the status changes nothing a Gateway renders. */
    static boolean rendersDifferently(Device next, Device previous) {
        return !Objects.equals(
                        next.getMetadata().getGeneration(),
                        previous.getMetadata().getGeneration())
                || !Objects.equals(assignedGateway(next), assignedGateway(previous));
    }

    private static String assignedGateway(Device device) {
        return device.getStatus() == null ? null : device.getStatus().assignedGateway;
    }

    /** The index key of what a Device names: {@code namespace/gateway/<name>} or {@code namespace/site/<site>}. */
    private static String target(Device device) {
        String namespace = device.getMetadata().getNamespace();
        var spec = device.getSpec();
        if (spec == null) {
            return namespace + "/none";
        }
        return spec.gateway != null ? namespace + "/gateway/" + spec.gateway : namespace + "/site/" + spec.site;
    }

    /** The Gateway it is assigned to now, and the one its status says it was (a move re-renders both). */
    static Set<ResourceID> gatewaysOf(Device device, EventSourceContext<Gateway> context) {
        String namespace = device.getMetadata().getNamespace();
        Set<ResourceID> gateways = new HashSet<>();
        var assignment = DeviceAssignment.of(
                device, context.getPrimaryCache().list(namespace).toList());
        if (assignment.assigned()) {
            gateways.add(new ResourceID(assignment.gateway(), namespace));
        }
        if (device.getStatus() != null && device.getStatus().assignedGateway != null) {
            gateways.add(new ResourceID(device.getStatus().assignedGateway, namespace));
        }
        return gateways;
    }

    /**
     * The valid Devices assigned to {@code gateway}, with their secrets, and its tenants with their CAs. A Device
     * proposed by onboarding and not approved yet is left out ({@link Newcomers}).
     *
     * @throws InvalidGatewaySpec a tenant's CA Secret is missing or holds no certificate
     */
    static DeviceSet collect(Gateway gateway, Context<Gateway> context, CheckedDevices checked)
            throws InvalidGatewaySpec {
        String namespace = gateway.getMetadata().getNamespace();
        List<Gateway> gateways = context.getPrimaryCache().list(namespace).toList();
        DeviceCheck.SecretLookup secrets = ReferencedSecrets.of(gateway, context);
        @SuppressWarnings("unchecked")
        var informer = (InformerEventSource<Device, Gateway>)
                context.eventSourceRetriever().getEventSourceFor(Device.class);
        List<Device> candidates = new ArrayList<>(informer.byIndex(
                BY_TARGET, namespace + "/gateway/" + gateway.getMetadata().getName()));
        if (gateway.getSpec() != null && gateway.getSpec().site != null) {
            candidates.addAll(informer.byIndex(BY_TARGET, namespace + "/site/" + gateway.getSpec().site));
        }
        List<Device> served = candidates.stream()
                .filter(device ->
                        DeviceAssignment.serves(gateway, device, gateways) && !Newcomers.awaitingApproval(device))
                .toList();
        List<RenderedDevice> devices = new ArrayList<>();
        checked.check(
                        gateway,
                        served,
                        secrets,
                        (device, e) ->
                                LOG.debug("Device {}/{} left out: {}", namespace, device.deviceId(), e.getMessage()))
                .forEach(devices::add);
        return DeviceSet.of(devices, tenants(gateway, secrets));
    }

    static List<RenderedTenant> tenants(Gateway gateway, DeviceCheck.SecretLookup secrets) throws InvalidGatewaySpec {
        List<RenderedTenant> tenants = new ArrayList<>();
        if (gateway.getSpec().tenants == null) {
            return tenants;
        }
        for (TenantSpec tenant : gateway.getSpec().tenants) {
            String pem = null;
            if (tenant.trustedCa != null) {
                String where = "spec.tenants[" + tenant.name + "].trustedCa: ";
                byte[] value;
                try {
                    value = DeviceCheck.secretValue(tenant.trustedCa, "trustedCa", secrets);
                } catch (InvalidDevice e) {
                    throw new InvalidGatewaySpec(where + e.getMessage().replaceFirst("^credentials\\.trustedCa: ", ""));
                }
                pem = new String(value, java.nio.charset.StandardCharsets.UTF_8);
                if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
                    throw new InvalidGatewaySpec(where + "Secret '" + tenant.trustedCa.name + "' key '"
                            + tenant.trustedCa.key + "' holds no PEM certificate");
                }
            }
            if (tenant.onboarding != null) {
                try {
                    io.fogbridge.registry.Onboarding.of(
                            tenant.onboarding.policy.name().toLowerCase(java.util.Locale.ROOT),
                            tenant.onboarding.subjectPattern);
                } catch (IllegalArgumentException e) {
                    throw new InvalidGatewaySpec("spec.tenants[" + tenant.name + "].onboarding: " + e.getMessage());
                }
            }
            tenants.add(new RenderedTenant(tenant.name, pem, tenant.onboarding));
        }
        return tenants;
    }

    static Secret secret(KubernetesClient client, String namespace, String name) {
        return client.secrets().inNamespace(namespace).withName(name).get();
    }
}
