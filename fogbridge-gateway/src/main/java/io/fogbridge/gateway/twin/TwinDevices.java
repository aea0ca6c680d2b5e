package io.fogbridge.gateway.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The devices that have a twin, as the operator renders them into {@code twin.yaml} of a Gateway's devices Secret:
 *
 * <pre>
 * devices:
 * - tenant: acme            # the registry's tenant and device id, as the device logs in
 *   id: lathe-7
 *   namespace: plant-1      # the Device resource whose status holds the twin
 *   name: lathe-7
 *   properties:             # property → JSON path in the telemetry; null → $.values.&lt;property&gt;
 *     temperature: $.temperature
 * </pre>
 *
 * Immutable; {@link #read} replaces the whole set.
 */
public final class TwinDevices {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern PATH = Pattern.compile("\\$(\\.[A-Za-z0-9_-]+)+");

    /** One device's twin: who it is on the wire, which resource it is, where its properties are. */
    public record Device(String tenant, String id, String namespace, String name, Map<String, String> properties) {}

    public static final TwinDevices NONE = new TwinDevices(Map.of());

    private final Map<String, Map<String, Device>> byTenant;
    /** {@code namespace/name} → tenant. */
    private final Map<String, String> resources = new HashMap<>();

    private TwinDevices(Map<String, Map<String, Device>> byTenant) {
        this.byTenant = byTenant;
        byTenant.values().forEach(devices -> devices.values()
                .forEach(d -> resources.put(d.namespace() + "/" + d.name(), d.tenant())));
    }

    /** The twin of {@code tenant/id}, or null: that device has none. */
    public Device of(String tenant, String id) {
        Map<String, Device> devices = byTenant.get(tenant);
        return devices == null ? null : devices.get(id);
    }

    public boolean serves(String namespace, String name) {
        return resources.containsKey(namespace + "/" + name);
    }

    /** The tenant of the Device resource {@code namespace/name}, or null: not in the map. */
    public String tenantOf(String namespace, String name) {
        return resources.get(namespace + "/" + name);
    }

    public int size() {
        return byTenant.values().stream().mapToInt(Map::size).sum();
    }

    /**
     * @throws IOException the file cannot be read, or it is not the shape above (the message names the file and the
     *                     entry)
     */
    public static TwinDevices read(Path file) throws IOException {
        JsonNode root = YAML.readTree(Files.readString(file));
        Map<String, Map<String, Device>> byTenant = new HashMap<>();
        JsonNode list = root == null ? null : root.get("devices");
        if (list == null || list.isNull()) {
            return new TwinDevices(Map.of());
        }
        if (!list.isArray()) {
            throw new IOException(file + ": devices: expected a list");
        }
        int index = 0;
        for (JsonNode entry : list) {
            String where = file + ": devices[" + index++ + "]";
            Map<String, String> properties = new LinkedHashMap<>();
            JsonNode given = entry.get("properties");
            if (given != null && given.isObject()) {
                for (var field : given.properties()) {
                    String path =
                            field.getValue().isNull() ? null : field.getValue().asText();
                    if (path != null && !PATH.matcher(path).matches()) {
                        throw new IOException(where + ".properties." + field.getKey() + ": '" + path
                                + "' is not a JSON path of fields such as $.a.b");
                    }
                    properties.put(field.getKey(), path);
                }
            }
            Device device = new Device(
                    text(entry, "tenant", where),
                    text(entry, "id", where),
                    text(entry, "namespace", where),
                    text(entry, "name", where),
                    java.util.Collections.unmodifiableMap(properties));
            byTenant.computeIfAbsent(device.tenant(), t -> new HashMap<>()).put(device.id(), device);
        }
        return new TwinDevices(byTenant);
    }

    private static String text(JsonNode entry, String key, String where) throws IOException {
        JsonNode value = entry.get(key);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IOException(where + "." + key + ": missing");
        }
        return value.asText();
    }
}
