package io.fogbridge.api.device;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A device as the {@link DeviceDirectory} knows it: who it is and what it may do. Immutable; a snapshot of one
 * directory version (a later change to roles or {@code via} reaches a transport when it asks again).
 *
 * @param tenant  the tenant it belongs to
 * @param id      its id, unique within the tenant; the {@code {device}} of its topics
 * @param enabled false when the device or its tenant is disabled: it may not connect or send
 * @param via     ids of devices of the same tenant this one may act for (a gateway, a local service)
 * @param roles   names of roles in the gateway config that grant it more topics
 * @param labels  key/value labels for enrichment and selection; empty when the directory keeps none
 */
public record RegisteredDevice(
        String tenant, String id, boolean enabled, Set<String> via, Set<String> roles, Map<String, String> labels) {

    public RegisteredDevice {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(id, "id");
        via = Set.copyOf(via);
        roles = Set.copyOf(roles);
        labels = Map.copyOf(labels);
    }

    /** Whether this device may act for {@code deviceId} (itself included). */
    public boolean mayActFor(String deviceId) {
        return id.equals(deviceId) || via.contains(deviceId);
    }

    /** {@code device@tenant}, as devices name themselves in user names and PSK identities. */
    public String name() {
        return id + "@" + tenant;
    }
}
