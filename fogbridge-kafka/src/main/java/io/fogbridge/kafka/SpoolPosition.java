package io.fogbridge.kafka;

import io.fogbridge.api.Lane;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * How far one lane of one gateway's spool is in Kafka: the record the exactly-once forwarder writes to the position
 * topic in the same transaction as the spool records it covers.
 *
 * <p>Wire format, plain text so {@code kcat} shows it: key {@code <gateway id>/<lane>} (UTF-8), value the decimal
 * sequence of the lane's highest record in a committed transaction. The topic is compacted, so the last value per
 * key is the position. Gateway ids never contain {@code /}, lane ids are {@code priority} and {@code bulk}.
 *
 * @param gatewayId the gateway whose spool this is
 * @param lane      the lane
 * @param sequence  the highest sequence of the lane that is in Kafka, committed
 */
record SpoolPosition(String gatewayId, Lane lane, long sequence) {

    SpoolPosition {
        Objects.requireNonNull(gatewayId, "gatewayId");
        Objects.requireNonNull(lane, "lane");
    }

    byte[] key() {
        return key(gatewayId, lane);
    }

    static byte[] key(String gatewayId, Lane lane) {
        return (gatewayId + "/" + lane.id()).getBytes(StandardCharsets.UTF_8);
    }

    byte[] value() {
        return Long.toString(sequence).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The position a record of the topic holds, or null when it is not one of {@code gatewayId}'s (another gateway's,
     * a tombstone, or something this codec does not understand: the topic may be shared, so that is not an error).
     */
    static SpoolPosition decode(String gatewayId, byte[] key, byte[] value) {
        if (key == null || value == null) {
            return null;
        }
        String k = new String(key, StandardCharsets.UTF_8);
        int slash = k.lastIndexOf('/');
        if (slash < 0 || !k.substring(0, slash).equals(gatewayId)) {
            return null;
        }
        Lane lane;
        long sequence;
        try {
            lane = Lane.ofId(k.substring(slash + 1));
            sequence = Long.parseLong(new String(value, StandardCharsets.UTF_8).strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new SpoolPosition(gatewayId, lane, sequence);
    }
}
