package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** How the gateway reports its devices' twins (their {@code status}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TwinSpec {

    @JsonPropertyDescription("`direct`: the gateway patches its Devices' `status` itself (its pod gets a token that"
            + " may read its own Devices and patch their status, and egress to the API server); `kafka`: it publishes"
            + " twin updates to `fog.twin.<tenant>` and the operator writes them (a gateway with no route to the API"
            + " server); `off` (default): no twin.")
    public Report report;

    @Pattern("^[0-9]+(ms|s|m|h)$")
    @JsonPropertyDescription("At most one status write per device per interval, only on change; default `10s`.")
    public String reportInterval;

    /** Where twin updates go. */
    public enum Report {
        @JsonProperty("off")
        OFF,
        @JsonProperty("direct")
        DIRECT,
        @JsonProperty("kafka")
        KAFKA
    }
}
