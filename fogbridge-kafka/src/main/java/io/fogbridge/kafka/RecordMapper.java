package io.fogbridge.kafka;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Headers;
import io.fogbridge.api.SpooledRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Turns a spooled record into the Kafka record of the contract (ARCHITECTURE.md, "Kafka records"):
 * topic and key from the envelope, the payload unchanged, the envelope headers in their order, then
 * {@code fog-seq = <gateway id>/<lane>/<sequence>}, which identifies a record across replays.
 */
final class RecordMapper {

    private final String gatewayId;

    RecordMapper(String gatewayId) {
        this.gatewayId = gatewayId;
    }

    ProducerRecord<byte[], byte[]> toProducerRecord(SpooledRecord spooled) {
        Envelope envelope = spooled.envelope();
        RecordHeaders headers = new RecordHeaders();
        for (Map.Entry<String, String> header : envelope.headers().entrySet()) {
            if (header.getKey().equals(Headers.FOG_SEQ)) {
                continue; // ours to set: a replayed copy must carry the spool's identity, not an upstream one
            }
            headers.add(header.getKey(), utf8(header.getValue()));
        }
        headers.add(Headers.FOG_SEQ, utf8(fogSeq(spooled)));
        byte[] key = envelope.key() == null ? null : utf8(envelope.key());
        // The record timestamp is the edge arrival time, so consumers see event time even after an outage.
        Long timestamp = envelope.creationTime() > 0 ? envelope.creationTime() : null;
        return new ProducerRecord<>(envelope.topic(), null, timestamp, key, envelope.payload(), headers);
    }

    String fogSeq(SpooledRecord spooled) {
        return gatewayId + "/" + spooled.lane().id() + "/" + spooled.sequence();
    }

    private static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }
}
