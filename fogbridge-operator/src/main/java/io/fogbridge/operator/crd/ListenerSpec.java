package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One entry of {@code mqtt.listeners}; the host is always all interfaces of the pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ListenerSpec {

    @Required
    @Min(1)
    @Max(65535)
    public Integer port;

    @JsonPropertyDescription("Accept clients without credentials (default false).")
    public Boolean anonymous;

    @JsonPropertyDescription(
            "TLS: a Secret holding `tls.crt` and `tls.key`, and `ca.crt` for device client certificates.")
    public Tls tls;

    /** The listener's certificate Secret. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Tls {
        @Required
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        public String secretName;

        public ClientAuth clientAuth;
    }

    /** {@code mqtt.listeners[].clientAuth}. */
    public enum ClientAuth {
        @JsonProperty("none")
        NONE("none"),
        @JsonProperty("optional")
        OPTIONAL("optional"),
        @JsonProperty("required")
        REQUIRED("required");

        public final String value;

        ClientAuth(String value) {
            this.value = value;
        }
    }
}
