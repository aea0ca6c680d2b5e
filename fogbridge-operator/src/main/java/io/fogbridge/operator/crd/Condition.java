package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/** A Strimzi-style condition: {@code reason} is one CamelCase word, {@code message} says what to do. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {

    @Required
    public String type;

    @Required
    public Status status;

    @Pattern("^[A-Z][A-Za-z]*$")
    public String reason;

    public String message;

    /** RFC 3339; kept while the status stays the same. */
    public String lastTransitionTime;

    public Condition() {}

    public Condition(String type, Status status, String reason, String message) {
        this.type = type;
        this.status = status;
        this.reason = reason;
        this.message = message;
    }

    List<Object> withoutTime() {
        return java.util.Arrays.asList(type, status, reason, message);
    }

    /** Condition status as Kubernetes spells it. */
    public enum Status {
        @JsonProperty("True")
        TRUE,
        @JsonProperty("False")
        FALSE,
        @JsonProperty("Unknown")
        UNKNOWN
    }
}
