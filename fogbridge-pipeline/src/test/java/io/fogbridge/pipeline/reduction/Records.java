package io.fogbridge.pipeline.reduction;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.pipeline.Destination;
import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.pipeline.TopicFilter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Routed, enriched records and rules for the reduction tests. */
final class Records {

    private Records() {}

    static UplinkRecord record(String device, String topic, String json, long arrival) {
        InboundMessage message = new InboundMessage(
                topic,
                json.getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE,
                new DeviceRef("acme", device, device),
                null,
                arrival);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("device_id", device);
        headers.put("content-type", "application/octet-stream");
        headers.put("creation-time", Long.toString(arrival));
        return UplinkRecord.of(message)
                .routedTo(new Destination(
                        "telemetry",
                        "fog.telemetry.acme",
                        device,
                        "acme",
                        device,
                        QoS.AT_LEAST_ONCE,
                        Lane.BULK,
                        Map.of()))
                .withHeaders(headers);
    }

    static UplinkRecord record(String json, long arrival) {
        return record("lathe-1", "telemetry/acme/lathe-1", json, arrival);
    }

    static String text(UplinkRecord record) {
        return new String(record.payload(), StandardCharsets.UTF_8);
    }

    static ReductionRule filter(
            Map<String, String> deadbands, Duration minInterval, Duration maxSilence, int maxStreams) {
        Map<String, Deadband> parsed = new LinkedHashMap<>();
        deadbands.forEach((field, band) -> parsed.put(field, Deadband.parse(band)));
        return new ReductionRule(
                "r1",
                "telemetry",
                TopicFilter.parse("telemetry/#"),
                null,
                parsed,
                minInterval,
                maxSilence,
                Duration.ZERO,
                Map.of(),
                maxStreams);
    }

    static ReductionRule window(Duration length, Map<String, Set<Aggregate>> aggregates) {
        return new ReductionRule("w1", null, null, null, Map.of(), null, null, length, aggregates, 100);
    }
}
