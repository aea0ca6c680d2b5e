package io.fogbridge.operator.twin;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogbridge.operator.crd.DeviceProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Picks a Device's twin properties out of one telemetry payload: each property's {@code jsonPath} ({@code $.a.b},
 * fields only), or {@code $.values.<name>} when none is given (a Modbus tag's or OPC UA item's value in a converter
 * record). A property the payload does not hold is left out (the twin keeps its last value). Stateless.
 */
public final class TwinProperties {

    private TwinProperties() {}

    public static Map<String, JsonNode> extract(Map<String, DeviceProperty> properties, JsonNode payload) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        if (properties == null || payload == null) {
            return values;
        }
        properties.forEach((name, property) -> {
            String path = property == null || property.jsonPath == null ? "$.values." + name : property.jsonPath;
            JsonNode node = payload;
            for (String field : path.substring(2).split("\\.")) {
                node = node == null ? null : node.get(field);
            }
            if (node != null && !node.isMissingNode() && !node.isContainerNode()) {
                values.put(name, node);
            }
        });
        return values;
    }
}
