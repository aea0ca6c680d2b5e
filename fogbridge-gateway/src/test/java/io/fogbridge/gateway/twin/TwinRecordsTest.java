package io.fogbridge.gateway.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fog.twin record: what the gateway writes, the operator reads back unchanged. */
class TwinRecordsTest {

    @Test
    void roundTripsAndRefusesWhatIsNotATwin() throws Exception {
        Instant at = Instant.parse("2026-12-04T10:00:00.120Z");
        TwinUpdate update = new TwinUpdate(
                "plant-1",
                "lathe-7",
                true,
                Instant.parse("2026-12-04T10:00:00.123Z"),
                Map.of(
                        "temperature", new TwinUpdate.Reading(JsonNodeFactory.instance.numberNode(28.5), at),
                        "mode", new TwinUpdate.Reading(JsonNodeFactory.instance.textNode("auto"), at)));
        byte[] json = TwinRecords.toJson(update);
        assertThat(new String(json, StandardCharsets.UTF_8))
                .contains("\"namespace\":\"plant-1\"", "\"name\":\"lathe-7\"", "\"connected\":true");
        assertThat(TwinRecords.fromJson(json)).isEqualTo(update);

        assertThatThrownBy(() -> TwinRecords.fromJson("{\"temperature\":1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a twin record");
        assertThatThrownBy(() -> TwinRecords.fromJson("{\"namespace\":\"n\",\"name\":\"d\",\"lastSeen\":\"yesterday\"}"
                        .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a twin record");
    }
}
