package io.fogbridge.api;

import java.util.Map;
import java.util.Objects;

/**
 * A message as a protocol adapter received it, before routing.
 *
 * @param topic       the MQTT topic (or the topic an HTTP/CoAP adapter maps its resource to)
 * @param payload     the payload bytes; not copied, must not be modified afterwards
 * @param qos         the guarantee the sender asked for
 * @param sender      who sent it: the authenticated device, or {@link DeviceRef#anonymous} with the client id
 * @param contentType content type if the protocol carries one (MQTT 5, HTTP, CoAP), else null
 * @param arrivalTime ms since epoch when the gateway received it (a poller: when it read the values)
 * @param will        an MQTT will: the broker published it for a client whose connection ended without a clean
 *                    DISCONNECT (the record gets the header {@value Headers#MQTT_WILL}{@code : true}); false for
 *                    everything a client sent itself
 * @param headers     extra record headers from an adapter that does not speak MQTT: {@link Headers#SOURCE} (the
 *                    protocol and endpoint, given instead of {@code mqtt-topic}) and the device's own labels; empty
 *                    for MQTT. Names must not be contract header names other than {@code source}
 */
public record InboundMessage(
        String topic,
        byte[] payload,
        QoS qos,
        DeviceRef sender,
        String contentType,
        long arrivalTime,
        boolean will,
        Map<String, String> headers) {

    public InboundMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(sender, "sender");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** A message the sender published itself (not a will), without extra headers. */
    public InboundMessage(
            String topic, byte[] payload, QoS qos, DeviceRef sender, String contentType, long arrivalTime) {
        this(topic, payload, qos, sender, contentType, arrivalTime, false, Map.of());
    }

    /** An MQTT message, a will or not. */
    public InboundMessage(
            String topic,
            byte[] payload,
            QoS qos,
            DeviceRef sender,
            String contentType,
            long arrivalTime,
            boolean will) {
        this(topic, payload, qos, sender, contentType, arrivalTime, will, Map.of());
    }
}
