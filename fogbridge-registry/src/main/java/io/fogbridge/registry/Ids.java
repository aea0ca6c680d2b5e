package io.fogbridge.registry;

import io.fogbridge.api.DeviceId;

/** Tenant and device ids, by {@link DeviceId#isValidId}'s rule: they become MQTT topic levels and Kafka topic names. */
final class Ids {

    private Ids() {}

    static String check(String what, String id) {
        if (!DeviceId.isValidId(id)) {
            throw new IllegalArgumentException(what + " '" + id + "': " + DeviceId.ID_RULE);
        }
        return id;
    }
}
