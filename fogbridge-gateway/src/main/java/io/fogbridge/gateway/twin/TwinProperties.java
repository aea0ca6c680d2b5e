package io.fogbridge.gateway.twin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Picks a device's twin properties out of one telemetry payload: each property's JSON path ({@code $.a.b}, fields
 * only), or {@code $.values.<name>} when none is given (a Modbus tag's or OPC UA item's value in a converter record).
 * A property the payload does not hold is left out (the twin keeps its last value); so is an object or an array.
 * Stateless.
 */
public final class TwinProperties {

    private TwinProperties() {}

    /** @param paths property name → JSON path, or → null for the converters' {@code $.values.<name>} */
    public static Map<String, JsonNode> extract(Map<String, String> paths, JsonNode payload) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        if (paths == null || payload == null) {
            return values;
        }
        paths.forEach((name, path) -> {
            String resolved = path == null ? "$.values." + name : path;
            JsonNode node = payload;
            for (String field : resolved.substring(2).split("\\.")) {
                node = node == null ? null : node.get(field);
            }
            if (node != null && !node.isMissingNode() && !node.isContainerNode()) {
                values.put(name, node);
            }
        });
        return values;
    }
}
