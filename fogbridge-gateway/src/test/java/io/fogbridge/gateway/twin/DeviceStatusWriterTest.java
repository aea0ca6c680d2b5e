package io.fogbridge.gateway.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON Patch: the twin's fields only, every other condition as read, a steady Connected left as it was. */
class DeviceStatusWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00.123Z");

    @Test
    void patchesTheTwinsFieldsAndKeepsTheOperatorsConditions() throws Exception {
        DeviceStatusWriter writer =
                new DeviceStatusWriter("http://127.0.0.1:1", null, null, Clock.fixed(NOW, ZoneOffset.UTC));
        JsonNode device = JSON.readTree("""
                {"metadata":{"name":"lathe-7","resourceVersion":"42"},
                 "status":{"conditions":[
                   {"type":"Registered","status":"True","reason":"Rendered","lastTransitionTime":"2026-12-01T00:00:00Z"},
                   {"type":"Connected","status":"True","reason":"Connected","lastTransitionTime":"2026-12-02T00:00:00Z"},
                   {"type":"InSync","status":"False","reason":"Sent"}],
                  "reported":{"setpoint":{"value":30,"lastUpdated":"2026-12-02T00:00:00Z"}}}}
                """);
        TwinUpdate connected = new TwinUpdate(
                "plant-1",
                "lathe-7",
                true,
                NOW,
                Map.of(
                        "temperature",
                        new TwinUpdate.Reading(JSON.getNodeFactory().numberNode(28), NOW)));

        JsonNode patch = writer.patch(device, connected);
        assertThat(op(patch, "/metadata/resourceVersion").path("op").asText()).isEqualTo("test");
        assertThat(op(patch, "/metadata/resourceVersion").path("value").asText())
                .isEqualTo("42");
        assertThat(op(patch, "/status/lastSeen").path("value").asText()).isEqualTo("2026-12-04T10:00:00Z");
        JsonNode reported = op(patch, "/status/reported").path("value");
        assertThat(reported.at("/temperature/value").asInt()).isEqualTo(28);
        assertThat(reported.at("/temperature/lastUpdated").asText()).isEqualTo("2026-12-04T10:00:00.123Z");
        assertThat(reported.at("/setpoint/value").asInt())
                .as("values it does not carry stay")
                .isEqualTo(30);
        assertThat(op(patch, "/status/conditions").path("value")).isEqualTo(device.at("/status/conditions"));

        TwinUpdate gone = new TwinUpdate("plant-1", "lathe-7", false, NOW, Map.of());
        JsonNode conditions =
                op(writer.patch(device, gone), "/status/conditions").path("value");
        assertThat(conditions).hasSize(3);
        assertThat(conditions.get(0).path("type").asText()).isEqualTo("Registered");
        assertThat(conditions.get(1).path("type").asText()).isEqualTo("InSync");
        assertThat(conditions.get(2).path("status").asText()).isEqualTo("False");
        assertThat(conditions.get(2).path("reason").asText()).isEqualTo("Disconnected");
        assertThat(conditions.get(2).path("lastTransitionTime").asText()).isEqualTo("2026-12-04T10:00:00Z");

        JsonNode first = writer.patch(JSON.readTree("{\"metadata\":{\"resourceVersion\":\"1\"}}"), connected);
        assertThat(op(first, "/status").at("/value/conditions/0/type").asText())
                .as("no status yet: the whole status")
                .isEqualTo("Connected");
    }

    private static JsonNode op(JsonNode patch, String path) {
        for (JsonNode op : patch) {
            if (op.path("path").asText().equals(path)) {
                return op;
            }
        }
        throw new AssertionError("no op on " + path + " in " + patch);
    }
}
