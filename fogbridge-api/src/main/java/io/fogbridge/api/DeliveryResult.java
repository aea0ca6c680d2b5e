package io.fogbridge.api;

/** What became of one attempt to hand a {@link Command} to a device. */
public sealed interface DeliveryResult {

    /** The device has the command (MQTT: PUBACK received for QoS 1; HTTP/CoAP: response written). */
    record Delivered() implements DeliveryResult {}

    /**
     * The device is not reachable on this transport right now. Not a failure: the gateway keeps the
     * command pending until the device comes back or the ttl expires.
     */
    record NotConnected() implements DeliveryResult {}

    /**
     * Delivery failed definitively; the gateway answers the cloud with {@code status} (HTTP-like, for
     * example 503 when the device refused or the transport broke mid-delivery) and drops the command.
     */
    record Failed(int status, String reason) implements DeliveryResult {}

    Delivered DELIVERED = new Delivered();
    NotConnected NOT_CONNECTED = new NotConnected();
}
