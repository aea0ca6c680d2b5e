package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * The uplink. Credentials never enter the rendered config: the Secrets are mounted into the pod and the Kafka
 * clients read them through Kafka's {@code DirectoryConfigProvider}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KafkaSpec {

    @Required
    @Pattern("^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$")
    @JsonPropertyDescription("Kafka brokers to dial out to: `host:port[,host:port…]`.")
    public String bootstrap;

    @JsonPropertyDescription(
            "TLS to the brokers: a Secret holding `ca.crt` (the trusted CA) and, for a client certificate,"
                    + " `tls.crt` and `tls.key`.")
    public TlsSecret tls;

    @JsonPropertyDescription("SCRAM credentials: a Secret holding `password`, and the user name.")
    public ScramSecret scram;

    @JsonPropertyDescription("`at-least-once` (default) or `exactly-once` (Kafka transactions).")
    public Delivery delivery;

    /** A Secret with the CA and, optionally, the client certificate. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class TlsSecret {
        @Required
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        public String secretName;

        @JsonPropertyDescription("Present `tls.crt`/`tls.key` as a client certificate (default true).")
        public Boolean clientCertificate;
    }

    /** A Secret with a SCRAM password. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ScramSecret {
        @Required
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        public String secretName;

        @Required
        @Pattern("^[^\"\\\\]+$")
        public String username;

        public Mechanism mechanism;
    }

    /** SCRAM mechanisms Kafka offers. */
    public enum Mechanism {
        @JsonProperty("SCRAM-SHA-256")
        SCRAM_SHA_256("SCRAM-SHA-256"),
        @JsonProperty("SCRAM-SHA-512")
        SCRAM_SHA_512("SCRAM-SHA-512");

        public final String value;

        Mechanism(String value) {
            this.value = value;
        }
    }

    /** {@code kafka.delivery} of gateway.yaml. */
    public enum Delivery {
        @JsonProperty("at-least-once")
        AT_LEAST_ONCE("at-least-once"),
        @JsonProperty("exactly-once")
        EXACTLY_ONCE("exactly-once");

        public final String value;

        Delivery(String value) {
            this.value = value;
        }
    }
}
