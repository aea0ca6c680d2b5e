package io.fogbridge.api;

import java.util.Objects;

/**
 * A message as a protocol adapter received it, before routing.
 *
 * @param topic       the MQTT topic (or the topic an HTTP/CoAP adapter maps its resource to)
 * @param payload     the payload bytes; not copied, must not be modified afterwards
 * @param qos         the guarantee the sender asked for
 * @param sender      who sent it: the authenticated device, or {@link DeviceRef#anonymous} with the client id
 * @param contentType content type if the protocol carries one (MQTT 5, HTTP, CoAP), else null
 * @param arrivalTime ms since epoch when the gateway received it
 * @param will        an MQTT will: the broker published it for a client whose connection ended without a clean
 *                    DISCONNECT (the record gets the header {@value Headers#MQTT_WILL}{@code : true}); false for
 *                    everything a client sent itself
 */
public record InboundMessage(
        String topic, byte[] payload, QoS qos, DeviceRef sender, String contentType, long arrivalTime, boolean will) {

    /** A message the sender published itself (not a will). */
    public InboundMessage(
            String topic, byte[] payload, QoS qos, DeviceRef sender, String contentType, long arrivalTime) {
        this(topic, payload, qos, sender, contentType, arrivalTime, false);
    }

    public InboundMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(sender, "sender");
    }
}
