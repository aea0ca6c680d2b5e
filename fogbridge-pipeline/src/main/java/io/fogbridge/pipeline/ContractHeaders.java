package io.fogbridge.pipeline;

import io.fogbridge.api.Headers;
import java.util.Set;

/**
 * The header names the contract in ARCHITECTURE.md reserves. Configured labels become headers too, so a label
 * may not take one of these names (the config rejects it; {@link Enricher} refuses it as well).
 */
public final class ContractHeaders {

    public static final Set<String> RESERVED = Set.of(
            Headers.DEVICE_ID,
            Headers.TENANT_ID,
            Headers.GATEWAY_ID,
            Headers.CONTENT_TYPE,
            Headers.CREATION_TIME,
            Headers.QOS,
            Headers.MQTT_TOPIC,
            Headers.MQTT_WILL,
            Headers.SOURCE,
            Headers.FOG_SEQ,
            Headers.SUBJECT,
            Headers.CORRELATION_ID,
            Headers.RESPONSE_REQUIRED,
            Headers.TTL,
            Headers.STATUS,
            Headers.DELIVERY_FAILURE);

    private ContractHeaders() {}

    /** Case-insensitive: Kafka header names are case-sensitive, but a consumer looking up {@code Device_ID} would be confused. */
    public static boolean isReserved(String name) {
        for (String reserved : RESERVED) {
            if (reserved.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
