package io.fogbridge.registry;

import io.fogbridge.api.device.RegisteredDevice;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A device of a tenant, as registered.
 *
 * @param tenant      the tenant it belongs to
 * @param id          its id, unique within the tenant; the {@code {device}} of its MQTT topics
 * @param enabled     a disabled device cannot connect (its credentials stay, so enabling it again is one flag)
 * @param credentials how it may authenticate; a device without any cannot connect
 * @param via         ids of devices of the same tenant this one may act for (a gateway or a local service that
 *                    publishes on their topics)
 * @param roles       names of roles in the gateway config that grant it more topics (local services)
 */
public record Device(
        String tenant, String id, boolean enabled, List<Credential> credentials, Set<String> via, Set<String> roles) {

    public Device {
        Objects.requireNonNull(tenant, "tenant");
        Ids.check("device id", id);
        credentials = List.copyOf(credentials);
        via = Set.copyOf(via);
        roles = Set.copyOf(roles);
    }

    /** Whether this device may act for {@code deviceId} (itself included). */
    public boolean mayActFor(String deviceId) {
        return id.equals(deviceId) || via.contains(deviceId);
    }

    /** As the directory contract shows it; the registry file keeps no labels yet. */
    public RegisteredDevice registered(boolean tenantEnabled) {
        return new RegisteredDevice(tenant, id, enabled && tenantEnabled, via, roles, Map.of());
    }
}
