package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * A Modbus TCP device, with the keys of gateway.yaml's {@code adapters.modbus.devices[]} (see {@code ModbusSection}
 * in fogbridge-modbus); {@code id}, {@code tenant} and {@code labels} come from the Device. Durations carry units
 * ({@code 500ms}, {@code 10s}) as in gateway.yaml; the cross-key checks (overlapping registers, a string without
 * {@code count}) are the gateway's own config loader's, run by the operator before it renders.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModbusDeviceSpec {

    @Required
    @JsonPropertyDescription("Host of the Modbus TCP server.")
    public String host;

    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Port of the Modbus TCP server (default 502).")
    public Integer port;

    @Min(0)
    @Max(255)
    @JsonPropertyDescription("Unit id (slave address), default 1.")
    public Integer unitId;

    @Pattern(SpoolSpec.DURATION)
    @JsonPropertyDescription("Longest wait for an answer (default 1s).")
    public String timeout;

    @JsonPropertyDescription("Poll groups, each with its own interval (default: `default` at 1s).")
    public List<PollGroup> pollGroups;

    @Required
    @Size(min = 1)
    public List<Tag> tags;

    /** {@code pollGroups[]}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class PollGroup {
        @Required
        @Pattern(DeviceSpec.ID)
        public String name;

        @Required
        @Pattern(SpoolSpec.DURATION)
        public String interval;
    }

    /** {@code tags[]}: one value of the device. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Tag {
        @Required
        @Pattern(DeviceSpec.ID)
        @JsonPropertyDescription("Key of the value in the record's `values` and in `write` commands.")
        public String name;

        @Required
        @Pattern("^(coils|discrete-inputs|input-registers|holding-registers)$")
        public String table;

        @Required
        @Pattern("^(0[xX][0-9a-fA-F]{1,4}|[0-9]{1,6})$")
        @JsonPropertyDescription(
                "0-based address as on the wire, decimal or `0x` hex (a string: `\"0x10\"`, `\"16\"`).")
        public String address;

        @Pattern("^(bool|int16|uint16|int32|uint32|int64|uint64|float32|float64|string)$")
        public String type;

        @Min(1)
        @Max(250)
        @JsonPropertyDescription("Characters of a `string`.")
        public Integer count;

        @Pattern("^(big|little)$")
        public String byteOrder;

        @Pattern("^(big|little)$")
        public String wordOrder;

        public Double scale;

        public Double offset;

        @JsonPropertyDescription("Engineering unit, for people (`rpm`, `kWh`).")
        public String unit;

        @Pattern("^(read|write|read-write)$")
        public String access;

        @Pattern(DeviceSpec.ID)
        @JsonPropertyDescription("The poll group that reads it (default `default`).")
        public String group;
    }
}
