package io.fogbridge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.QoS;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A message a poller read (Modbus) names its source instead of an MQTT topic, and carries its device's labels. */
class EnricherSourceTest {

    @Test
    void sourceTakesThePlaceOfMqttTopicAndDeviceLabelsFollowTheContractHeaders() {
        InboundMessage message = new InboundMessage(
                "telemetry/acme/lathe-3",
                new byte[0],
                QoS.AT_LEAST_ONCE,
                new DeviceRef("acme", "lathe-3", "modbus://10.0.0.5:502/1"),
                "application/json",
                42L,
                false,
                Map.of("source", "modbus://10.0.0.5:502/1", "line", "A"));
        RouteDecision.Forward forward = (RouteDecision.Forward) new RouteTable(List.of()).decide(message);

        Map<String, String> headers =
                new Enricher("edge-7", Map.of("site", "plant-1")).headers(message, forward, QoS.AT_LEAST_ONCE);

        assertThat(headers)
                .doesNotContainKey("mqtt-topic")
                .containsEntry("source", "modbus://10.0.0.5:502/1")
                .containsEntry("line", "A")
                .containsEntry("device_id", "lathe-3")
                .containsEntry("creation-time", "42")
                .containsEntry("site", "plant-1");
        assertThat(List.copyOf(headers.keySet()).indexOf("source"))
                .isGreaterThan(List.copyOf(headers.keySet()).indexOf("qos"));
    }

    @Test
    void anMqttMessageKeepsItsTopicHeader() {
        InboundMessage message = new InboundMessage(
                "telemetry/acme/pump-3", new byte[0], QoS.AT_MOST_ONCE, DeviceRef.anonymous("c"), null, 1L);
        RouteDecision.Forward forward = (RouteDecision.Forward) new RouteTable(List.of()).decide(message);

        assertThat(new Enricher("edge-7", Map.of()).headers(message, forward, QoS.AT_MOST_ONCE))
                .containsEntry("mqtt-topic", "telemetry/acme/pump-3")
                .doesNotContainKey("source");
    }
}
