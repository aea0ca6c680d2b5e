package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** {@code adapters} of gateway.yaml: the HTTP and CoAP device endpoints. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AdaptersSpec {

    public Endpoint http;

    public Endpoint coap;

    @Pattern(SpoolSpec.DURATION)
    @JsonPropertyDescription("Longest `ttd` the adapters honour: a duration such as `30s` or `1m`.")
    public String maxTtd;

    /** One adapter: on or off, its port, anonymous devices or not. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Endpoint {
        public Boolean enabled;

        @Min(1)
        @Max(65535)
        public Integer port;

        public Boolean anonymous;
    }
}
