package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/**
 * {@code commands} of gateway.yaml: downlink commands consumed from {@code fog.command.<tenant>} and delivered to
 * the devices; responses go to {@code fog.command_response.<tenant>}. Present means enabled.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CommandsSpec {

    @Required
    @JsonPropertyDescription("Tenants whose command topics the gateway consumes, such as `[acme]`.")
    public List<String> tenants;

    @Min(1)
    @Max(1_000_000)
    @JsonPropertyDescription("Commands kept at most for offline devices (default 10000); beyond, 503.")
    public Integer maxPending;

    @JsonPropertyDescription("A command for a device neither registered nor connected here: `reject` (404, default)"
            + " or `ignore` (several gateways share the tenant).")
    public UnknownDevices unknownDevices;

    /** {@code commands.unknownDevices}. */
    public enum UnknownDevices {
        @JsonProperty("reject")
        REJECT("reject"),
        @JsonProperty("ignore")
        IGNORE("ignore");

        public final String value;

        UnknownDevices(String value) {
            this.value = value;
        }
    }
}
