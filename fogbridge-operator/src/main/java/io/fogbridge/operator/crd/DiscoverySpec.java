package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * One field scan the Gateway runs on a schedule ({@code discovery[]} of gateway.yaml, same keys). It is also the
 * operator's permission: a gateway's proposal is accepted only for a protocol and tenant one of its scans names, and
 * only ever as a pending Device.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DiscoverySpec {

    @Required
    @Pattern("^[A-Za-z0-9._-]{1,64}$")
    @JsonPropertyDescription("Name of the scan in the gateway's logs, metrics and console.")
    public String name;

    @Required
    @JsonPropertyDescription("`modbus` (a host range on ports and unit ids) or `opcua` (a discovery URL).")
    public Protocol protocol;

    @Required
    @Pattern(DeviceSpec.ID)
    @JsonPropertyDescription("Tenant of the devices found; the proposed Devices' `spec.tenant`.")
    public String tenant;

    @Required
    @JsonPropertyDescription("`modbus`: hosts as CIDR blocks, ranges or names (`10.0.0.0/24,plc-7`, at most 4096);"
            + " `opcua`: a discovery URL (`opc.tcp://10.0.0.5:4840`).")
    public String target;

    @Pattern("^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$")
    @JsonPropertyDescription("`modbus`: TCP ports, numbers and ranges (`502,1502-1504`); default 502.")
    public String ports;

    @Pattern("^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$")
    @JsonPropertyDescription("`modbus`: unit ids, numbers and ranges (`1-10,247`); default 1.")
    public String units;

    @Pattern("^[0-9]+(ms|s|m)$")
    @JsonPropertyDescription("Each network step's limit; default the scanner's (300ms modbus, 10s opcua).")
    public String timeout;

    @Pattern("^[0-9]+(s|m|h|d)$")
    @JsonPropertyDescription("From one round to the next; default `1h`, at least `1s`.")
    public String every;

    /** The scanners there are. */
    public enum Protocol {
        @JsonProperty("modbus")
        MODBUS,
        @JsonProperty("opcua")
        OPCUA;

        /** As gateway.yaml and the Device's {@code spec.protocol} spell it. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
