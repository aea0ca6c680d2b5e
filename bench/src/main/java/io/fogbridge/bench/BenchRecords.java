package io.fogbridge.bench;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.Envelope;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.pipeline.Enricher;
import io.fogbridge.pipeline.RouteDecision;
import io.fogbridge.pipeline.RouteTable;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The records the JMH benchmarks put into a spool. Two shapes, on purpose: the figures in BENCHMARKS.md were measured
 * with exactly these bytes, so a change here changes what those figures mean.
 *
 * <ul>
 *   <li>{@link #gatewayEnvelope}: what the gateway's pipeline really spools (the contract headers, 493 B on disk);
 *   <li>{@link #oneHeaderEnvelope}: a minimal record (one header, zero payload), so a score is the spool's own cost
 *       and not the size of the gateway's headers ({@link SpoolReplayBenchmark}).
 * </ul>
 *
 * <p>Stateless; every call builds a new envelope.
 */
final class BenchRecords {
    static final int PAYLOAD_BYTES = 200;

    private BenchRecords() {}

    /**
     * What {@code Pipeline.accept} hands the spool for a 200-byte publish on {@code telemetry/plant-1/lathe-NNNN}
     * ({@code device} as four digits): built with the real {@link RouteTable} (built-in telemetry route, topic
     * {@code fog.telemetry.plant-1}, key the device id) and {@link Enricher} (gateway {@code edge-1}, the contract
     * headers plus the label {@code site=plant-1}, creation time {@code arrival}). The payload is the alphabet
     * repeated, so it is not all zeros.
     */
    static Envelope gatewayEnvelope(int device, long arrival) {
        byte[] payload = new byte[PAYLOAD_BYTES];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        String id = String.format(Locale.ROOT, "lathe-%04d", device);
        InboundMessage message = new InboundMessage(
                "telemetry/plant-1/" + id, payload, QoS.AT_LEAST_ONCE, new DeviceRef("plant-1", id, id), null, arrival);
        RouteDecision.Forward forward = (RouteDecision.Forward) new RouteTable(List.of()).decide(message);
        QoS qos = forward.route().effectiveQos(message.qos());
        Map<String, String> headers = new Enricher("edge-1", Map.of("site", "plant-1")).headers(message, forward, qos);
        return new Envelope(
                forward.topic(),
                forward.key(),
                headers,
                message.payload(),
                message.arrivalTime(),
                qos,
                forward.route().lane());
    }

    /**
     * A minimal record: 200 zero bytes on {@code fog.telemetry.bench}, key and only header {@code device-0001},
     * arrival 0, bulk lane.
     */
    static Envelope oneHeaderEnvelope() {
        return new Envelope(
                "fog.telemetry.bench",
                "device-0001",
                Map.of("device_id", "device-0001"),
                new byte[PAYLOAD_BYTES],
                0,
                QoS.AT_LEAST_ONCE,
                Lane.BULK);
    }
}
