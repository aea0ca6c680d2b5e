package io.fogbridge.api;

import java.util.Map;
import java.util.Objects;

/**
 * One message on its way to Kafka: the routed destination, the key, the contract headers and
 * the payload bytes, unchanged. Immutable; the payload array is owned by the envelope and must
 * not be modified after construction.
 *
 * @param topic        Kafka topic, already resolved from the route template
 * @param key          Kafka record key (the device id for device routes), may be null
 * @param headers      record headers in insertion order (see ARCHITECTURE.md, "Kafka records"); kept as a
 *                     {@link HeaderList}, copied unless it is one
 * @param payload      the payload bytes, as the device sent them
 * @param creationTime ms since epoch, set at the edge on arrival
 * @param qos          the guarantee the sender asked for
 * @param lane         the spool lane this record drains in
 */
public record Envelope(
        String topic, String key, Map<String, String> headers, byte[] payload, long creationTime, QoS qos, Lane lane) {

    public Envelope {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(lane, "lane");
        headers = HeaderList.copyOf(headers); // the list itself when it is one: immutable already
    }

    @Override
    public String toString() {
        return "Envelope[topic=" + topic + ", key=" + key + ", headers=" + headers + ", payload=" + payload.length
                + " B, creationTime=" + creationTime + ", qos=" + qos + ", lane=" + lane + "]";
    }
}
