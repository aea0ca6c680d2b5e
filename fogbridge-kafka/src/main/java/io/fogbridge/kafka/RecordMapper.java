package io.fogbridge.kafka;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Headers;
import io.fogbridge.api.Lane;
import io.fogbridge.api.SpooledRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Turns a spooled record into the Kafka record of the contract (ARCHITECTURE.md, "Kafka records"):
 * topic and key from the envelope, the payload unchanged, the envelope headers in their order, then
 * {@code fog-seq = <gateway id>/<lane>/<sequence>}, which identifies a record across replays.
 *
 * <p>Runs once per record on the forwarder thread, so the constant part of {@code fog-seq} is encoded
 * once per lane and only the sequence's digits are written per record, and the key and headers that repeat
 * across records are encoded once ({@link EncodedStrings} for keys, {@link RecentHeaders} per header position:
 * a record's headers come in the enricher's fixed order). Header objects and key arrays are therefore shared
 * between records.
 * Not thread-safe: belongs to the forwarder thread.
 */
final class RecordMapper {
    /** Header positions with their own table; later ones share the last. */
    static final int CACHED_POSITIONS = 16;

    private final String gatewayId;
    /** UTF-8 of {@code <gateway id>/<lane>/}, by lane ordinal. */
    private final byte[][] fogSeqPrefix;

    private final EncodedStrings keys = new EncodedStrings(256);
    private final RecentHeaders[] values = new RecentHeaders[CACHED_POSITIONS];
    private final HeaderCopier copier = new HeaderCopier();

    RecordMapper(String gatewayId) {
        this.gatewayId = gatewayId;
        Lane[] lanes = Lane.values();
        this.fogSeqPrefix = new byte[lanes.length][];
        for (Lane lane : lanes) {
            fogSeqPrefix[lane.ordinal()] = utf8(gatewayId + "/" + lane.id() + "/");
        }
    }

    ProducerRecord<byte[], byte[]> toProducerRecord(SpooledRecord spooled) {
        return toProducerRecord(spooled, false);
    }

    /**
     * @param sendTime stamp the record with the time it is sent (the producer's clock) instead of its arrival time:
     *     for a record whose arrival time Kafka refused
     */
    ProducerRecord<byte[], byte[]> toProducerRecord(SpooledRecord spooled, boolean sendTime) {
        Envelope envelope = spooled.envelope();
        RecordHeaders headers = new RecordHeaders();
        copier.copy(envelope.headers(), headers);
        headers.add(Headers.FOG_SEQ, fogSeqBytes(spooled.lane(), spooled.sequence()));
        byte[] key = keys.utf8(envelope.key());
        // The record timestamp is the edge arrival time, so consumers see event time even after an outage.
        Long timestamp = envelope.creationTime() > 0 && !sendTime ? envelope.creationTime() : null;
        return new ProducerRecord<>(envelope.topic(), null, timestamp, key, envelope.payload(), headers);
    }

    /**
     * Copies the envelope's headers through {@code Map.forEach}, which walks the {@code HeaderList}'s arrays, where
     * iterating its {@code entrySet()} allocates an entry per header. One instance, reused for every record.
     */
    private final class HeaderCopier implements BiConsumer<String, String> {
        private RecordHeaders target;
        private int position;

        void copy(Map<String, String> from, RecordHeaders to) {
            target = to;
            position = 0;
            try {
                from.forEach(this);
            } finally {
                target = null;
            }
        }

        @Override
        public void accept(String name, String value) {
            if (name.equals(Headers.FOG_SEQ)) {
                return; // ours to set: a replayed copy must carry the spool's identity, not an upstream one
            }
            target.add(values(position++).header(name, value));
        }
    }

    private RecentHeaders values(int position) {
        int at = Math.min(position, CACHED_POSITIONS - 1);
        RecentHeaders table = values[at];
        if (table == null) {
            table = values[at] = new RecentHeaders(256);
        }
        return table;
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
