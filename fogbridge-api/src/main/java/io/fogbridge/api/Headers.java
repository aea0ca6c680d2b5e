package io.fogbridge.api;

/** Kafka record header names of the contract in ARCHITECTURE.md. Defined once, used everywhere. */
public final class Headers {
    public static final String DEVICE_ID = "device_id";
    public static final String TENANT_ID = "tenant_id";
    public static final String GATEWAY_ID = "gateway_id";
    public static final String CONTENT_TYPE = "content-type";
    public static final String CREATION_TIME = "creation-time";
    public static final String QOS = "qos";
    public static final String MQTT_TOPIC = "mqtt-topic";
    /** {@code true} on a record made from an MQTT will (the device's connection ended uncleanly); absent otherwise. */
    public static final String MQTT_WILL = "mqtt-will";
    /**
     * Protocol and endpoint of a message that did not come over MQTT and names no topic of its own (a Modbus poll:
     * {@code modbus://host:port/unit}); such a record carries it instead of {@link #MQTT_TOPIC}.
     */
    public static final String SOURCE = "source";
    /** {@code <gateway id>/<lane>/<spool sequence>}: lets consumers drop replayed duplicates. */
    public static final String FOG_SEQ = "fog-seq";

    public static final String SUBJECT = "subject";
    public static final String CORRELATION_ID = "correlation-id";
    public static final String RESPONSE_REQUIRED = "response-required";
    public static final String TTL = "ttl";
    public static final String STATUS = "status";
    public static final String DELIVERY_FAILURE = "delivery-failure";

    private Headers() {}
}
