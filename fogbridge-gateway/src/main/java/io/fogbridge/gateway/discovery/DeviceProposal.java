package io.fogbridge.gateway.discovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogbridge.api.discovery.ProposedDevice;

/**
 * A {@link ProposedDevice} as a Device resource ({@code fogbridge.io/v1alpha1}), pending: {@code spec.approved:
 * false}, so the operator renders nothing for it and says {@code Registered=False, reason PendingApproval} until
 * someone sets it true. Its name is the proposal's ({@link ProposedDevice#name()}, a hash of the endpoint), so a
 * rescan proposes the same resource again, never a second one. The scan's notes go into an annotation for the
 * person who approves; the endpoint into another, and the label {@code fogbridge.io/discovered=true} lets
 * {@code kubectl get fdev -l fogbridge.io/discovered} list what scans found. Pure.
 *
 * @param gateway the Gateway that serves it, or null when {@code site} picks it
 */
public record DeviceProposal(String namespace, String tenant, String gateway, String site) {

    public static final String LABEL = "fogbridge.io/discovered";
    public static final String ENDPOINT_ANNOTATION = "fogbridge.io/discovered-endpoint";
    public static final String NOTES_ANNOTATION = "fogbridge.io/discovery-notes";
    private static final ObjectMapper JSON = new ObjectMapper();

    public DeviceProposal {
        if ((gateway == null) == (site == null)) {
            throw new IllegalArgumentException("exactly one of gateway and site");
        }
    }

    public ObjectNode resource(ProposedDevice device) {
        ObjectNode resource = JSON.createObjectNode()
                .put("apiVersion", "fogbridge.io/v1alpha1")
                .put("kind", "Device");
        ObjectNode metadata = resource.putObject("metadata");
        metadata.put("name", device.name());
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        metadata.putObject("labels").put(LABEL, "true");
        metadata.putObject("annotations")
                .put(ENDPOINT_ANNOTATION, device.endpoint())
                .put(NOTES_ANNOTATION, String.join("\n", device.notes()));
        ObjectNode spec = resource.putObject("spec");
        spec.put("tenant", tenant);
        if (gateway != null) {
            spec.put("gateway", gateway);
        } else {
            spec.put("site", site);
        }
        spec.put("protocol", device.protocol());
        spec.put("approved", false);
        spec.set(device.protocol(), JSON.valueToTree(device.section()));
        return resource;
    }
}
