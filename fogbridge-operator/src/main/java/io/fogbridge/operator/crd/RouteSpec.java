package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One entry of {@code routes} in gateway.yaml: an MQTT filter with captures → a Kafka topic and key. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteSpec {

    @Pattern("^[A-Za-z0-9._-]{1,64}$")
    public String name;

    @Required
    public String from;

    @Required
    public String to;

    public String key;

    public Qos qos;

    public Lane lane;

    /** Overrides the sender's QoS. */
    public enum Qos {
        @JsonProperty("at-most-once")
        AT_MOST_ONCE("at-most-once"),
        @JsonProperty("at-least-once")
        AT_LEAST_ONCE("at-least-once");

        public final String value;

        Qos(String value) {
            this.value = value;
        }
    }

    /** Spool lane. */
    public enum Lane {
        @JsonProperty("priority")
        PRIORITY("priority"),
        @JsonProperty("bulk")
        BULK("bulk");

        public final String value;

        Lane(String value) {
            this.value = value;
        }
    }
}
