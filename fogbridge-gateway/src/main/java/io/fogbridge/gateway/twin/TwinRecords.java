package io.fogbridge.gateway.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A twin update as a Kafka record's value in {@code fog.twin.<tenant>} (key {@code <namespace>/<name>}), written by
 * the gateway ({@link KafkaTwinSink}) and read by the operator, which writes it into the Device's status:
 *
 * <pre>
 * {"namespace":"plant-1","name":"lathe-7","connected":true,"lastSeen":"2026-12-04T10:00:00.123Z",
 *  "reported":{"temperature":{"value":28,"at":"2026-12-04T10:00:00.120Z"}}}
 * </pre>
 *
 * Stateless.
 */
public final class TwinRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TwinRecords() {}

    public static byte[] toJson(TwinUpdate update) {
        ObjectNode root = JSON.createObjectNode();
        root.put("namespace", update.namespace());
        root.put("name", update.device());
        root.put("connected", update.connected());
        if (update.lastSeen() != null) {
            root.put("lastSeen", update.lastSeen().toString());
        }
        ObjectNode reported = root.putObject("reported");
        update.reported().forEach((name, reading) -> {
            ObjectNode value = reported.putObject(name);
            value.set("value", reading.value());
            value.put("at", reading.at().toString());
        });
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("a tree of JSON nodes always serializes", e);
        }
    }

    /** @throws IOException not a twin record (the caller skips it and says so) */
    public static TwinUpdate fromJson(byte[] value) throws IOException {
        JsonNode root = JSON.readTree(value);
        if (root == null
                || !root.path("namespace").isTextual()
                || !root.path("name").isTextual()) {
            throw new IOException("not a twin record: no namespace and name");
        }
        Map<String, TwinUpdate.Reading> reported = new HashMap<>();
        for (var field : root.path("reported").properties()) {
            JsonNode at = field.getValue().path("at");
            reported.put(
                    field.getKey(),
                    new TwinUpdate.Reading(
                            field.getValue().path("value"),
                            at.isTextual() ? Instant.parse(at.asText()) : Instant.EPOCH));
        }
        try {
            return new TwinUpdate(
                    root.path("namespace").asText(),
                    root.path("name").asText(),
                    root.path("connected").asBoolean(),
                    root.path("lastSeen").isTextual()
                            ? Instant.parse(root.path("lastSeen").asText())
                            : null,
                    reported);
        } catch (RuntimeException e) {
            throw new IOException("not a twin record: " + e.getMessage(), e);
        }
    }
}
