package io.fogbridge.operator.twin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;

/**
 * Where the operator sends a Device's {@code desired} values: the normal command path ({@code fog.command.<tenant>}
 * in Kafka, which the device's gateway consumes), as a command with subject {@value #SUBJECT} whose JSON payload
 * holds the properties that differ. Thread-safe.
 */
public interface DesiredCommands {

    String SUBJECT = "desired";

    /**
     * Sends one command and returns once Kafka has it.
     *
     * @param bootstrap the Kafka of the device's Gateway ({@code spec.kafka.bootstrap})
     * @throws Exception it was not sent (the caller says so in the Device's status and tries again later)
     */
    void send(
            String bootstrap,
            String tenant,
            String device,
            String correlationId,
            Duration ttl,
            Map<String, JsonNode> values)
            throws Exception;
}
