package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What was observed of a device: conditions ({@code Registered}, {@code InSync} and {@code Warning} by the operator;
 * {@code Connected} by the twin), the gateway that serves it, when it was last seen and the latest value of each
 * property.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeviceStatus {

    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The `metadata.generation` this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("The Gateway that serves the device (from `spec.gateway` or `spec.site`).")
    public String assignedGateway;

    @JsonPropertyDescription("RFC 3339 time of the last message from (or poll of) the device.")
    public String lastSeen;

    @JsonPropertyDescription("The twin: the latest value of each property and when it was taken.")
    public Map<String, ReportedValue> reported = new TreeMap<>();

    @JsonPropertyDescription(
            "The last `desired` command the operator sent: what, when, how often, for which generation.")
    public DesiredCommand desiredCommand;

    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(c -> c.type.equals(type)).findFirst();
    }

    /** Equal but for the conditions' transition times. */
    public boolean sameAs(DeviceStatus other) {
        return other != null
                && Objects.equals(observedGeneration, other.observedGeneration)
                && Objects.equals(assignedGateway, other.assignedGateway)
                && Objects.equals(lastSeen, other.lastSeen)
                && Objects.equals(reported, other.reported)
                && Objects.equals(desiredCommand, other.desiredCommand)
                && conditions.stream()
                        .map(Condition::withoutTime)
                        .toList()
                        .equals(other.conditions.stream()
                                .map(Condition::withoutTime)
                                .toList());
    }

    /**
     * A {@code desired} command on its way: sent for {@code generation}, {@code attempts} times, the last at
     * {@code sentAt}; another goes only after its ttl passed with the device still not reporting the values, and never
     * after the last attempt. A new generation starts again.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class DesiredCommand {
        public Long generation;
        public String correlationId;

        @JsonPropertyDescription("RFC 3339 time of the last attempt.")
        public String sentAt;

        public Integer attempts;

        @JsonPropertyDescription("The properties and values the last attempt carried.")
        public Map<String, JsonNode> values;

        @JsonPropertyDescription("Why the last attempt did not reach Kafka; absent when it did.")
        public String sendError;

        @JsonPropertyDescription("The device's (or its gateway's) answer when it refused the command: status and body.")
        public String refusal;

        @Override
        public boolean equals(Object o) {
            return o instanceof DesiredCommand c
                    && Objects.equals(generation, c.generation)
                    && Objects.equals(correlationId, c.correlationId)
                    && Objects.equals(sentAt, c.sentAt)
                    && Objects.equals(attempts, c.attempts)
                    && Objects.equals(values, c.values)
                    && Objects.equals(sendError, c.sendError)
                    && Objects.equals(refusal, c.refusal);
        }

        @Override
        public int hashCode() {
            return Objects.hash(generation, correlationId, sentAt, attempts);
        }
    }

    /** One property's latest value. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ReportedValue {
        public JsonNode value;

        @JsonPropertyDescription("RFC 3339 time the value was taken.")
        public String lastUpdated;

        public ReportedValue() {}

        public ReportedValue(JsonNode value, String lastUpdated) {
            this.value = value;
            this.lastUpdated = lastUpdated;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ReportedValue r
                    && Objects.equals(value, r.value)
                    && Objects.equals(lastUpdated, r.lastUpdated);
        }

        @Override
        public int hashCode() {
            return Objects.hash(value, lastUpdated);
        }
    }
}
