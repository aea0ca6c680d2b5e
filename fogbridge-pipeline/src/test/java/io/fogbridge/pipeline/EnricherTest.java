package io.fogbridge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.pipeline.UplinkRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnricherTest {

    private final RouteTable table =
            new RouteTable(List.of(Route.of("svc", "local/+site/out", "fog.local.{site}", null, null, Lane.BULK)));

    private static Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("site", "plant-1");
        labels.put("location", "hall-3");
        return labels;
    }

    private Map<String, String> headers(InboundMessage message, QoS qos) {
        RouteDecision.Forward forward = (RouteDecision.Forward) table.decide(message);
        return new Enricher("edge-7", labels()).headers(message, forward, qos);
    }

    @Test
    void deviceRouteHeadersInStableOrder() {
        InboundMessage message = new InboundMessage(
                "telemetry/acme/pump-3/temp",
                new byte[0],
                QoS.AT_LEAST_ONCE,
                DeviceRef.anonymous("c"),
                "application/json",
                1234L);
        assertThat(headers(message, QoS.AT_LEAST_ONCE))
                .containsExactly(
                        Map.entry("device_id", "pump-3"),
                        Map.entry("tenant_id", "acme"),
                        Map.entry("gateway_id", "edge-7"),
                        Map.entry("content-type", "application/json"),
                        Map.entry("creation-time", "1234"),
                        Map.entry("qos", "1"),
                        Map.entry("mqtt-topic", "telemetry/acme/pump-3/temp"),
                        Map.entry("site", "plant-1"),
                        Map.entry("location", "hall-3"));
    }

    @Test
    void aWillIsMarkedAndAPublishIsNot() {
        DeviceRef pump = new DeviceRef("acme", "pump-3", "c");
        InboundMessage will =
                new InboundMessage("event/acme/pump-3", new byte[0], QoS.AT_LEAST_ONCE, pump, null, 5L, true);
        assertThat(headers(will, QoS.AT_LEAST_ONCE))
                .containsEntry("mqtt-will", "true")
                .containsEntry("device_id", "pump-3")
                .containsEntry("mqtt-topic", "event/acme/pump-3");
        InboundMessage publish =
                new InboundMessage("event/acme/pump-3", new byte[0], QoS.AT_LEAST_ONCE, pump, null, 5L);
        assertThat(headers(publish, QoS.AT_LEAST_ONCE)).doesNotContainKey("mqtt-will");
    }

    @Test
    void shortFormKeepsPublishedTopicAndFillsIdentity() {
        InboundMessage message = new InboundMessage(
                "telemetry", new byte[0], QoS.AT_MOST_ONCE, new DeviceRef("acme", "d1", "c"), null, 5L);
        Map<String, String> headers = headers(message, QoS.AT_MOST_ONCE);
        assertThat(headers)
                .containsEntry("device_id", "d1")
                .containsEntry("tenant_id", "acme")
                .containsEntry("mqtt-topic", "telemetry")
                .containsEntry("qos", "0");
    }

    @Test
    void unknownDeviceAndTenantAreLeftOutAndContentTypeDefaults() {
        InboundMessage message = new InboundMessage(
                "local/p1/out", new byte[0], QoS.AT_LEAST_ONCE, DeviceRef.anonymous("svc"), null, 5L);
        Map<String, String> headers = headers(message, QoS.AT_LEAST_ONCE);
        assertThat(headers).doesNotContainKeys("device_id", "tenant_id");
        assertThat(headers).containsEntry("content-type", Enricher.DEFAULT_CONTENT_TYPE);
        assertThat(headers.keySet()).startsWith("gateway_id");
    }

    @Test
    void commandResponseHeadersComeBeforeLabels() {
        InboundMessage message = new InboundMessage(
                "command/acme/d1/res/r9/200", new byte[0], QoS.AT_LEAST_ONCE, DeviceRef.anonymous("c"), null, 5L);
        assertThat(headers(message, QoS.AT_LEAST_ONCE).keySet())
                .containsSubsequence("mqtt-topic", "correlation-id", "status", "site", "location");
    }

    @Test
    void labelsMayNotTakeContractHeaderNames() {
        assertThatThrownBy(() -> new Enricher("edge", Map.of("device_id", "x"))).hasMessageContaining("device_id");
        assertThatThrownBy(() -> new Enricher("edge", Map.of("Fog-Seq", "x"))).hasMessageContaining("Fog-Seq");
    }

    @Test
    void asAStageItGivesTheRoutedRecordItsHeaders() {
        InboundMessage message = new InboundMessage(
                "local/p1/out", new byte[] {5}, QoS.AT_LEAST_ONCE, DeviceRef.anonymous("svc"), null, 5L);
        UplinkRecord routed = (UplinkRecord) new Routing(table).apply(UplinkRecord.of(message));
        UplinkRecord enriched = (UplinkRecord) new Enricher("edge-7", labels()).apply(routed);
        assertThat(enriched.headers()).containsExactlyEntriesOf(headers(message, QoS.AT_LEAST_ONCE));
        assertThat(enriched.destination()).isSameAs(routed.destination());
        assertThat(enriched.payload()).isSameAs(routed.payload());
    }

    @Test
    void theHeadersSayTheGuaranteeRoutingFixed() {
        RouteTable fast = new RouteTable(
                List.of(Route.of("fast", "local/+site/fast", "fog.fast.{site}", null, QoS.AT_MOST_ONCE, Lane.BULK)));
        InboundMessage message = new InboundMessage(
                "local/p1/fast", new byte[0], QoS.AT_LEAST_ONCE, DeviceRef.anonymous("svc"), null, 5L);
        UplinkRecord routed = (UplinkRecord) new Routing(fast).apply(UplinkRecord.of(message));
        assertThat(((UplinkRecord) new Enricher("edge-7", Map.of()).apply(routed)).headers())
                .containsEntry("qos", "0");
    }

    @Test
    void asAStageItRunsOnlyAfterRouting() {
        InboundMessage message = new InboundMessage(
                "local/p1/out", new byte[0], QoS.AT_LEAST_ONCE, DeviceRef.anonymous("svc"), null, 5L);
        assertThatThrownBy(() -> new Enricher("edge-7", Map.of()).apply(UplinkRecord.of(message)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not routed");
    }
}
