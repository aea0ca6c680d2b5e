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
 */
public record InboundMessage(
        String topic, byte[] payload, QoS qos, DeviceRef sender, String contentType, long arrivalTime) {

    public InboundMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(sender, "sender");
    }
}
