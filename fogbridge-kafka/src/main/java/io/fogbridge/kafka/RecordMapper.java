package io.fogbridge.kafka;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Headers;
import io.fogbridge.api.Lane;
import io.fogbridge.api.SpooledRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Turns a spooled record into the Kafka record of the contract (ARCHITECTURE.md, "Kafka records"):
 * topic and key from the envelope, the payload unchanged, the envelope headers in their order, then
 * {@code fog-seq = <gateway id>/<lane>/<sequence>}, which identifies a record across replays.
 *
 * <p>Runs once per record on the forwarder thread, so the constant part of {@code fog-seq} is encoded
 * once per lane and only the sequence's digits are written per record. Immutable, so thread-safe.
 */
final class RecordMapper {

    private final String gatewayId;
    /** UTF-8 of {@code <gateway id>/<lane>/}, by lane ordinal. */
    private final byte[][] fogSeqPrefix;

    RecordMapper(String gatewayId) {
        this.gatewayId = gatewayId;
        Lane[] lanes = Lane.values();
        this.fogSeqPrefix = new byte[lanes.length][];
        for (Lane lane : lanes) {
            fogSeqPrefix[lane.ordinal()] = utf8(gatewayId + "/" + lane.id() + "/");
        }
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
        headers.add(Headers.FOG_SEQ, fogSeqBytes(spooled.lane(), spooled.sequence()));
        byte[] key = envelope.key() == null ? null : utf8(envelope.key());
        // The record timestamp is the edge arrival time, so consumers see event time even after an outage.
        Long timestamp = envelope.creationTime() > 0 ? envelope.creationTime() : null;
        return new ProducerRecord<>(envelope.topic(), null, timestamp, key, envelope.payload(), headers);
    }

    String fogSeq(SpooledRecord spooled) {
        return gatewayId + "/" + spooled.lane().id() + "/" + spooled.sequence();
    }

    /** The UTF-8 bytes of {@link #fogSeq}, written without building the string. */
    byte[] fogSeqBytes(Lane lane, long sequence) {
        if (sequence < 0) { // never from a spool; keep the exact text of the string form anyway
            return utf8(gatewayId + "/" + lane.id() + "/" + sequence);
        }
        byte[] prefix = fogSeqPrefix[lane.ordinal()];
        int digits = digits(sequence);
        byte[] out = Arrays.copyOf(prefix, prefix.length + digits);
        long rest = sequence;
        for (int i = out.length - 1; i >= prefix.length; i--) {
            out[i] = (byte) ('0' + (int) (rest % 10));
            rest /= 10;
        }
        return out;
    }

    private static int digits(long nonNegative) {
        int n = 1;
        for (long v = nonNegative; v >= 10; v /= 10) {
            n++;
        }
        return n;
    }

    private static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }
}
