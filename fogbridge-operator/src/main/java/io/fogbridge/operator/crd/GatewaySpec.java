package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Map;

/**
 * The desired gateway. Routes, listeners and adapters have the shapes of {@code gateway.yaml}; what the gateway
 * reads from files there (certificates, credentials) comes from Secrets here, mounted into the pod. Plain data bound
 * by Jackson, hence public fields.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!has(self.commands) || !has(self.placement) || !has(self.placement.backup) || !self.placement.backup",
        message = "commands and placement.backup cannot be combined yet: both pods would consume the command topics")
public class GatewaySpec {

    @Required
    @Pattern("^[A-Za-z0-9._-]{1,64}$")
    @JsonPropertyDescription("The site this gateway serves; added to every record as the `site` label.")
    public String site;

    @JsonPropertyDescription("Added to every record as headers (`gateway.labels`), besides `site`.")
    public Map<String, String> labels;

    @JsonPropertyDescription("Which nodes run the gateway, and whether a standby runs beside it.")
    public Placement placement;

    @Required
    @JsonPropertyDescription("The Kafka cluster the gateway dials out to.")
    public KafkaSpec kafka;

    @JsonPropertyDescription("What leaves the edge besides the device topics (`routes` of gateway.yaml).")
    public List<RouteSpec> routes;

    @JsonPropertyDescription("MQTT listeners of the embedded broker; default one on port 1883.")
    public List<ListenerSpec> listeners;

    @JsonPropertyDescription("The HTTP and CoAP device adapters.")
    public AdaptersSpec adapters;

    @JsonPropertyDescription("Downlink commands from Kafka to the devices; absent: none. Not with `placement.backup`"
            + " yet (both pods would consume the command topics).")
    public CommandsSpec commands;

    @JsonPropertyDescription("The spool volume and its policy.")
    public SpoolSpec spool;

    @JsonPropertyDescription("CPU and memory of the gateway container.")
    public ResourceRequirements resources;

    @JsonPropertyDescription("Priority of the gateway pod; default the chart's `fogbridge-edge-critical`.")
    public String priorityClassName;

    @JsonPropertyDescription("Gateway image; default the operator's.")
    public String image;

    @JsonPropertyDescription(
            "Who may reach the device and ops ports (pods, namespaces, CIDRs). Empty: nobody (NetworkPolicy denies).")
    public List<AllowedPeer> allowedFrom;

    @JsonPropertyDescription("The device twin: whether the gateway writes its Devices' reported state.")
    public TwinSpec twin;

    @JsonPropertyDescription("Where the gateway reads its devices' registry. `file` (default): the devices Secret"
            + " mounted as a file; the kubelet refreshes it about a minute after a Device changes, and the gateway needs"
            + " no route to the API server (behind NAT). `kubernetes`: the gateway watches that Secret on the API"
            + " server and applies a change within a second (its pod gets a token that may get, list and watch that"
            + " one Secret, and egress to the API server); it keeps the last version on its spool volume for restarts"
            + " while the API server is away.")
    public DeviceDirectory deviceDirectory;

    /** Where the gateway reads its devices' registry. */
    public enum DeviceDirectory {
        @JsonProperty("file")
        FILE,
        @JsonProperty("kubernetes")
        KUBERNETES
    }

    @JsonPropertyDescription("Tenants whose devices log in with client certificates: their CA, and plug-and-play"
            + " onboarding of certificates no Device registers yet.")
    public List<TenantSpec> tenants;

    @JsonPropertyDescription("Field scans the gateway runs on a schedule; each device found becomes a pending Device"
            + " (`spec.approved: false`) through `fog.twin.<tenant>` (needs the operator's twin consumer). Only scans"
            + " listed here may propose: for their protocol and tenant, never approved.")
    public List<DiscoverySpec> discovery;
}
