package io.fogbridge.operator.twin;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fogbridge.api.discovery.ProposedDevice;
import io.fogbridge.gateway.discovery.DeviceProposal;
import io.fogbridge.gateway.discovery.ProposalRecords;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.Gateway;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the proposals of a gateway's scheduled field scans ({@link ProposalRecords}) into pending Device resources:
 * the same Device {@code fogbridge discover} creates ({@link DeviceProposal}: {@code spec.approved: false}, the label
 * {@value DeviceProposal#LABEL}, named {@code <protocol>-} and a hash of the endpoint), in the Gateway's namespace and
 * served by that Gateway. Created once: a Device of that name that exists (proposed before, approved since, or written
 * by hand) is left exactly as it is, so a rescan neither duplicates nor un-approves.
 *
 * <p>The proposal is a claim of the gateway, checked against the operator's own view: the Gateway must exist and list
 * a scan of that protocol and tenant in {@code spec.discovery}, and the record must have come through that tenant's
 * topic. The name is derived here from the endpoint, never taken from the record, and the Device is always pending.
 * A gateway that was taken over can therefore propose Devices for the tenants it scans for, never approve one nor
 * overwrite one. Thread-safe (stateless but for the client).
 */
public final class DiscoveryProposals implements Consumer<ProposalRecords.Report> {

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryProposals.class);
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final KubernetesClient client;

    public DiscoveryProposals(KubernetesClient client) {
        this.client = client;
    }

    /** What became of a proposal; for tests and the log. */
    public enum Outcome {
        CREATED,
        /** A Device of its name exists: kept as it is. */
        KNOWN,
        /** Not the gateway's to propose (no such Gateway, or no scan of that protocol and tenant). */
        REFUSED
    }

    @Override
    public void accept(ProposalRecords.Report report) {
        propose(report);
    }

    public Outcome propose(ProposalRecords.Report report) {
        ProposedDevice device = report.device();
        int dot = report.gateway().indexOf('.');
        if (dot <= 0) {
            LOG.warn(
                    "discovered {} from gateway '{}': not a Gateway's <namespace>.<name>; ignored",
                    device.endpoint(),
                    report.gateway());
            return Outcome.REFUSED;
        }
        String namespace = report.gateway().substring(0, dot);
        String gatewayName = report.gateway().substring(dot + 1);
        try {
            Gateway gateway = client.resources(Gateway.class)
                    .inNamespace(namespace)
                    .withName(gatewayName)
                    .get();
            if (!scans(gateway, device.protocol(), report.tenant())) {
                LOG.warn(
                        "discovered {} from Gateway {}/{}: it has no {} scan for tenant {} in spec.discovery; ignored",
                        device.endpoint(),
                        namespace,
                        gatewayName,
                        device.protocol(),
                        report.tenant());
                return Outcome.REFUSED;
            }
            var devices = client.resources(Device.class).inNamespace(namespace);
            if (devices.withName(device.name()).get() != null) {
                return Outcome.KNOWN;
            }
            devices.resource(pending(device, namespace, gatewayName, report.tenant()))
                    .create();
            LOG.info(
                    "discovered {} (scan {} of Gateway {}/{}) proposed as pending Device {}",
                    device.endpoint(),
                    report.scan(),
                    namespace,
                    gatewayName,
                    device.name());
            return Outcome.CREATED;
        } catch (IllegalArgumentException e) {
            LOG.warn(
                    "discovered {}: its section is not a Device's spec.{}; ignored: {}",
                    device.endpoint(),
                    device.protocol(),
                    e.getMessage());
            return Outcome.REFUSED;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return Outcome.KNOWN; // the other pod of a backup pair proposed it meanwhile
            }
            // The next round of the scan proposes it again.
            LOG.warn("discovered {} not proposed: {}", device.endpoint(), e.getMessage());
            return Outcome.REFUSED;
        }
    }

    private static boolean scans(Gateway gateway, String protocol, String tenant) {
        return gateway != null
                && gateway.getSpec().discovery != null
                && gateway.getSpec().discovery.stream()
                        .anyMatch(s ->
                                s.protocol != null && s.protocol.value().equals(protocol) && s.tenant.equals(tenant));
    }

    /** The CLI's Device for the proposal, typed, and pending whatever the record said. */
    static Device pending(ProposedDevice device, String namespace, String gateway, String tenant) {
        ObjectNode resource = new DeviceProposal(namespace, tenant, gateway, null).resource(device);
        // Keys the typed section does not know are dropped: what the CRD would prune, and a scanner's extra notes.
        Device typed = JSON.convertValue(resource, Device.class);
        typed.getSpec().approved = false;
        typed.getSpec().gateway = gateway;
        typed.getSpec().tenant = tenant;
        return typed;
    }
}
