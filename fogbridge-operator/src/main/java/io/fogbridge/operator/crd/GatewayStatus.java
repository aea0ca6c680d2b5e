package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operator observed, Strimzi-style: conditions ({@code Ready}, {@code Reconciled}, {@code Standby},
 * {@code Warning}, {@code ReconciliationPaused}), the generation they describe, and the figures the gateway reports.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatewayStatus {

    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The `metadata.generation` this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("The pod that serves devices now.")
    public String activePod;

    @JsonPropertyDescription("With `placement.backup`: the node the active pod runs on.")
    public String activeNode;

    @JsonPropertyDescription("With `placement.backup`: the node the standby runs on, or the one node of the site it"
            + " can go to; the `Standby` condition says why there is none.")
    public String standbyNode;

    @JsonPropertyDescription("Devices connected to the active pod's MQTT broker, as the gateway last reported.")
    public Integer connectedDevices;

    @JsonPropertyDescription("Records in the active pod's spool not yet acknowledged by Kafka.")
    public Long spoolBacklog;

    @JsonPropertyDescription("Bytes of the active pod's spool segments on disk.")
    public Long spoolBacklogBytes;

    @JsonPropertyDescription("Age of the oldest record not yet in Kafka, such as `12s`.")
    public String oldestAge;

    public Boolean forwarderConnected;

    @JsonPropertyDescription("SHA-256 of the rendered gateway.yaml the pods run with.")
    public String configHash;

    @JsonPropertyDescription("SHA-256 of the rendered keys that need a restart (all but routes, labels and the"
            + " Modbus/OPC UA converters' sections); the pod template carries it.")
    public String restartConfigHash;

    @JsonPropertyDescription("How the last config change reaches the gateway: `Live` (routes, labels or the"
            + " Modbus/OPC UA converters: the running gateway reloads its mounted file, no pod restarts) or `Restart`"
            + " (the pods roll).")
    public String lastConfigChange;

    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(c -> c.type.equals(type)).findFirst();
    }

    /** Equal but for the conditions' transition times: a status that only differs there is not rewritten. */
    public boolean sameAs(GatewayStatus other) {
        return other != null
                && Objects.equals(observedGeneration, other.observedGeneration)
                && Objects.equals(activePod, other.activePod)
                && Objects.equals(activeNode, other.activeNode)
                && Objects.equals(standbyNode, other.standbyNode)
                && Objects.equals(connectedDevices, other.connectedDevices)
                && Objects.equals(spoolBacklog, other.spoolBacklog)
                && Objects.equals(spoolBacklogBytes, other.spoolBacklogBytes)
                && Objects.equals(oldestAge, other.oldestAge)
                && Objects.equals(forwarderConnected, other.forwarderConnected)
                && Objects.equals(configHash, other.configHash)
                && Objects.equals(restartConfigHash, other.restartConfigHash)
                && Objects.equals(lastConfigChange, other.lastConfigChange)
                && conditions.stream()
                        .map(Condition::withoutTime)
                        .toList()
                        .equals(other.conditions.stream()
                                .map(Condition::withoutTime)
                                .toList());
    }
}
