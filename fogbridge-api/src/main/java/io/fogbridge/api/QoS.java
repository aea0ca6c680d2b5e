package io.fogbridge.api;

/** The delivery guarantee a device asked for; decides when the device is acknowledged. */
public enum QoS {
    /** Fire and forget: accepted at once, may be lost if the gateway dies before the spool has it. */
    AT_MOST_ONCE(0),
    /** Acknowledged only once the spool holds the record as durably as {@code spool.fsync} says. */
    AT_LEAST_ONCE(1);

    private final int mqttLevel;

    QoS(int mqttLevel) {
        this.mqttLevel = mqttLevel;
    }

    public int mqttLevel() {
        return mqttLevel;
    }

    /** MQTT QoS 2 is served as at-least-once: Kafka's idempotent producer plus {@code fog-seq} give dedup downstream. */
    public static QoS ofMqtt(int level) {
        return level == 0 ? AT_MOST_ONCE : AT_LEAST_ONCE;
    }
}
