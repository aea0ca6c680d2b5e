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
 * An OPC UA server endpoint, with the keys of gateway.yaml's {@code adapters.opcua.endpoints[]} (see
 * {@code OpcUaSection} in fogbridge-opcua); {@code id}, {@code tenant} and {@code labels} come from the Device.
 * Anonymous sessions only: {@code auth: username} needs a password file in the pod, not mounted yet.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpcUaDeviceSpec {

    @Required
    @Pattern("^opc\\.tcp://.+$")
    @JsonPropertyDescription("`opc.tcp://host:port/path` of the server.")
    public String url;

    @Pattern("^(None|Basic256Sha256|Aes128_Sha256_RsaOaep|Aes256_Sha256_RsaPss)$")
    @JsonPropertyDescription("Security policy; only `None` works in this version.")
    public String securityPolicy;

    @Pattern("^(None|Sign|SignAndEncrypt)$")
    public String securityMode;

    @Pattern(SpoolSpec.DURATION)
    @JsonPropertyDescription("Publishing interval of the subscription (the changes of one publish are one record).")
    public String publishingInterval;

    @Required
    @Size(min = 1)
    public List<Item> items;

    /** {@code items[]}: one monitored node. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Item {
        @Required
        @Pattern(DeviceSpec.ID)
        public String name;

        @Required
        @JsonPropertyDescription("The node in OPC UA text form: `ns=2;s=Tank.Level`.")
        public String nodeId;

        @Pattern(SpoolSpec.DURATION)
        public String samplingInterval;

        @Min(1)
        @Max(10000)
        public Integer queueSize;

        public Deadband deadband;

        @JsonPropertyDescription("Whether `write` commands may set the node (the server's access rights still apply).")
        public Boolean writable;
    }

    /** A DataChangeFilter. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Deadband {
        @Required
        @Pattern("^(absolute|percent)$")
        public String type;

        @Required
        @Pattern("^[0-9]+(\\.[0-9]+)?$")
        @JsonPropertyDescription("In the node's unit, or percent of its EURange (a string: `\"0.5\"`).")
        public String value;
    }
}
