package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** Node selection by label: the nodes that serve a lathe or a tank. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Placement {

    @JsonPropertyDescription("Node labels the gateway's node must have.")
    public Map<String, String> nodeSelector;

    @JsonPropertyDescription("Required node affinity by label, for what a selector cannot say (In, NotIn, Exists).")
    public List<NodeLabelRequirement> nodeAffinity;

    @JsonPropertyDescription(
            "Run a standby on another node with the same labels; a Lease decides which pod is active and the device"
                    + " Service selects it. Each pod keeps its own spool.")
    public Boolean backup;

    @JsonPropertyDescription("Tolerations, for tainted edge nodes.")
    public List<Toleration> tolerations;

    /** One term of a required node affinity. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class NodeLabelRequirement {
        @Required
        @Pattern("^([a-z0-9.-]+/)?[A-Za-z0-9._-]{1,63}$")
        public String key;

        @Required
        public Operator operator;

        public List<String> values;
    }

    /** Node label operators Kubernetes offers for node affinity. */
    public enum Operator {
        @JsonProperty("In")
        IN("In"),
        @JsonProperty("NotIn")
        NOT_IN("NotIn"),
        @JsonProperty("Exists")
        EXISTS("Exists"),
        @JsonProperty("DoesNotExist")
        DOES_NOT_EXIST("DoesNotExist");

        public final String value;

        Operator(String value) {
            this.value = value;
        }
    }
}
