package io.fogbridge.gateway.twin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * One device's twin as it should be written: connected or not, when it was last seen, the latest value of each
 * property and when it was taken. Immutable.
 */
public record TwinUpdate(
        String namespace, String device, boolean connected, Instant lastSeen, Map<String, Reading> reported) {

    public TwinUpdate {
        reported = Map.copyOf(reported);
    }

    /** A property's value and the time it was taken. */
    public record Reading(JsonNode value, Instant at) {}
}
