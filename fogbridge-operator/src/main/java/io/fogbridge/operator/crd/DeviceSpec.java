package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/**
 * What a device should be. Exactly one of {@code gateway} and {@code site} picks the gateway that serves it; the
 * protocol section that matches {@code protocol} is the only one set (both checked by the API server's CEL rules
 * and again by the operator, which says which in the {@code Registered} condition).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.gateway) != has(self.site)", message = "set exactly one of gateway and site")
@ValidationRule(value = "self.protocol == 'modbus' || !has(self.modbus)", message = "modbus needs protocol: modbus")
@ValidationRule(value = "self.protocol == 'opcua' || !has(self.opcua)", message = "opcua needs protocol: opcua")
@ValidationRule(value = "self.protocol != 'modbus' || has(self.modbus)", message = "protocol modbus needs modbus")
@ValidationRule(value = "self.protocol != 'opcua' || has(self.opcua)", message = "protocol opcua needs opcua")
public class DeviceSpec {

    /** An id as the gateway's registry accepts it (letters, digits, {@code .-_}). */
    static final String ID = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";

    @Required
    @Pattern(ID)
    @JsonPropertyDescription("Tenant of the device: its topics, its registry entry, its Kafka headers.")
    public String tenant;

    @Pattern(ID)
    @JsonPropertyDescription("Name of the Gateway (same namespace) that serves the device.")
    public String gateway;

    @Pattern(ID)
    @JsonPropertyDescription("Instead of `gateway`: the one Gateway of this namespace whose `spec.site` is this.")
    public String site;

    public DeviceCredentials credentials;

    @Required
    public Protocol protocol;

    public ModbusDeviceSpec modbus;

    public OpcUaDeviceSpec opcua;

    @JsonPropertyDescription(
            "Labels such as location or machine; on every record of a Modbus or OPC UA device as Kafka headers.")
    public Map<String, String> labels;

    public DeviceReduction reduction;

    @JsonPropertyDescription("Twin properties by name: where each is found in the device's telemetry.")
    public Map<String, DeviceProperty> properties;

    @JsonPropertyDescription("Desired value per property; the twin reports the actual ones in `status.reported`.")
    public Map<String, JsonNode> desired;

    @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
    @JsonPropertyDescription("The device id on the wire (its login, its topics, its registry entry) when it is not a"
            + " Kubernetes name, such as a certificate CN with upper case or '_'; default `metadata.name`.")
    public String deviceId;

    @JsonPropertyDescription("Admits a Device proposed by plug-and-play onboarding (label `fogbridge.io/newcomer`):"
            + " until then it is not in the gateway's registry and `Registered` is False, reason PendingApproval."
            + " Devices written by hand need no approval.")
    public Boolean approved;

    /** How the device reaches the gateway, or the gateway it. */
    public enum Protocol {
        @JsonProperty("mqtt")
        MQTT,
        @JsonProperty("http")
        HTTP,
        @JsonProperty("coap")
        COAP,
        @JsonProperty("modbus")
        MODBUS,
        @JsonProperty("opcua")
        OPCUA;

        /** Converter protocols: the gateway dials the device, which needs no credentials. */
        public boolean polled() {
            return this == MODBUS || this == OPCUA;
        }
    }
}
