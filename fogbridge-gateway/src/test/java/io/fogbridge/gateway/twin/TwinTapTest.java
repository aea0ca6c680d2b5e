package io.fogbridge.gateway.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.Headers;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.QoS;
import io.fogbridge.api.device.SessionListener;
import io.fogbridge.testkit.ManualClock;
import io.fogbridge.testkit.RecordingUplink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the tap hears becomes the twin's writes: values by JSON path, the latest per topic, links from sessions. */
class TwinTapTest {

    private static final DeviceRef LATHE = new DeviceRef("acme", "lathe-7", "lathe-7");

    @TempDir
    Path dir;

    @Test
    void propertiesSessionsAndConverterLinksBecomeOneUpdatePerRound() throws Exception {
        Path file = dir.resolve("twin.yaml");
        Files.writeString(file, """
                devices:
                - tenant: acme
                  id: lathe-7
                  namespace: plant-1
                  name: lathe-seven
                  properties:
                    temperature: $.temperature
                    rpm: $.spindle.rpm
                - tenant: acme
                  id: plc-1
                  namespace: plant-1
                  name: plc-1
                  properties:
                    pressure: null
                """);
        RecordingUplink next = new RecordingUplink();
        TwinTap tap = new TwinTap(next, SessionListener.NONE);
        tap.devices(TwinDevices.read(file));
        List<TwinUpdate> written = new ArrayList<>();
        ManualClock clock = new ManualClock();
        TwinReporter reporter = new TwinReporter(
                batch -> {
                    written.addAll(batch);
                    return List.of();
                },
                clock,
                Duration.ofSeconds(10),
                Duration.ofSeconds(60));

        tap.opened(LATHE, 1);
        tap.accept(message(LATHE, "telemetry/acme/lathe-7", "{\"temperature\":21,\"spindle\":{\"rpm\":900}}", 10));
        tap.accept(message(LATHE, "telemetry/acme/lathe-7", "{\"temperature\":22}", 20));
        tap.accept(message(LATHE, "telemetry/acme/lathe-7/other", "not json", 30));
        tap.accept(message(new DeviceRef("acme", "unknown", "x"), "telemetry/acme/unknown", "{\"temperature\":1}", 40));
        DeviceRef plc = new DeviceRef("acme", "plc-1", "modbus:plc-1");
        tap.accept(new InboundMessage(
                "event/acme/plc-1/status",
                "{\"state\":\"lost\",\"reason\":\"timeout\"}".getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE,
                plc,
                "application/json",
                50,
                false,
                Map.of(Headers.SOURCE, "modbus://10.0.0.5:502/1")));
        assertThat(next.messages()).as("every message goes on").hasSize(5);

        tap.drainInto(reporter);
        reporter.flush();
        assertThat(written).hasSize(2);
        TwinUpdate lathe = written.stream()
                .filter(u -> u.device().equals("lathe-seven"))
                .findFirst()
                .orElseThrow();
        assertThat(lathe.namespace()).isEqualTo("plant-1");
        assertThat(lathe.connected()).isTrue();
        // The last payload of a topic wins: 22; rpm was only in an earlier payload of the same topic.
        assertThat(values(lathe)).isEqualTo(Map.of("temperature", "22"));
        assertThat(lathe.reported().get("temperature").at().toEpochMilli()).isEqualTo(20);
        TwinUpdate plcUpdate = written.stream()
                .filter(u -> u.device().equals("plc-1"))
                .findFirst()
                .orElseThrow();
        assertThat(plcUpdate.connected()).as("the converter said lost").isFalse();

        written.clear();
        tap.closed(LATHE, 60);
        clock.advance(Duration.ofSeconds(10));
        tap.drainInto(reporter);
        reporter.flush();
        assertThat(written).singleElement().satisfies(u -> assertThat(u.connected())
                .isFalse());

        // A device dropped from the map is no longer heard.
        Files.writeString(file, "devices: []\n");
        tap.devices(TwinDevices.read(file));
        written.clear();
        tap.accept(message(LATHE, "telemetry/acme/lathe-7", "{\"temperature\":30}", 70));
        clock.advance(Duration.ofSeconds(10));
        tap.drainInto(reporter);
        reporter.retain(tap.devices()::serves);
        reporter.flush();
        assertThat(written).isEmpty();
    }

    @Test
    void aMalformedTwinMapNamesTheFileAndTheEntry() throws Exception {
        Path file = dir.resolve("twin.yaml");
        Files.writeString(
                file, "devices:\n- tenant: acme\n  id: a\n  namespace: n\n  name: a\n  properties: {t: temp}\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TwinDevices.read(file))
                .hasMessageContaining("twin.yaml: devices[0].properties.t")
                .hasMessageContaining("JSON path");
        Files.writeString(file, "devices:\n- tenant: acme\n  namespace: n\n  name: a\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TwinDevices.read(file))
                .hasMessageContaining("devices[0].id: missing");
    }

    private static Map<String, String> values(TwinUpdate update) {
        Map<String, String> values = new java.util.TreeMap<>();
        update.reported().forEach((name, reading) -> values.put(name, text(reading.value())));
        return values;
    }

    private static String text(JsonNode node) {
        return node.asText();
    }

    private static InboundMessage message(DeviceRef sender, String topic, String payload, long at) {
        return new InboundMessage(
                topic, payload.getBytes(StandardCharsets.UTF_8), QoS.AT_LEAST_ONCE, sender, "application/json", at);
    }
}
