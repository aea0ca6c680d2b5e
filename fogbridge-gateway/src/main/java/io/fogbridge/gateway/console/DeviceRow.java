package io.fogbridge.gateway.console;

import io.fogbridge.registry.Device;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.Tenant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of the devices page: a registered device joined with what {@link DeviceActivity} saw from it, or a sender
 * the registry does not know (an anonymous client). Immutable.
 *
 * @param name the device id, or the MQTT client id of an anonymous sender
 */
record DeviceRow(
        String tenant,
        String name,
        boolean registered,
        boolean enabled,
        String protocol,
        long lastSeenMillis,
        long messagesLastMinute,
        long bytesLastMinute,
        String lastTopic,
        byte[] lastPayload) {

    /** Per row in a list that refreshes every two seconds: a glance, not the whole payload. */
    static final int PAYLOAD_SHOWN = 512;

    /** Sent within the last minute: "active". The MQTT session state itself is not shown yet. */
    String state(Instant now) {
        if (!enabled) {
            return "disabled";
        }
        if (lastSeenMillis == 0) {
            return "never seen";
        }
        return now.toEpochMilli() - lastSeenMillis < 60_000 ? "active" : "idle";
    }

    /** The registry's devices, each with its activity, then the senders it does not list; sorted by tenant, name. */
    static List<DeviceRow> join(Registry registry, List<DeviceActivity.Seen> seen) {
        Map<String, DeviceActivity.Seen> byDevice = new HashMap<>();
        List<DeviceRow> rows = new ArrayList<>();
        for (DeviceActivity.Seen s : seen) {
            if (s.device() != null) {
                byDevice.put(s.tenant() + "/" + s.device(), s);
            }
        }
        if (registry != null) {
            for (Tenant tenant : registry.tenants().values()) {
                for (Device device : tenant.devices().values()) {
                    DeviceActivity.Seen s = byDevice.remove(tenant.id() + "/" + device.id());
                    rows.add(
                            s == null
                                    ? new DeviceRow(
                                            tenant.id(),
                                            device.id(),
                                            true,
                                            device.enabled() && tenant.enabled(),
                                            "",
                                            0,
                                            0,
                                            0,
                                            null,
                                            null)
                                    : of(s, true, device.enabled() && tenant.enabled()));
                }
            }
        }
        for (DeviceActivity.Seen s : seen) {
            if (s.device() == null || byDevice.containsKey(s.tenant() + "/" + s.device())) {
                rows.add(of(s, false, true));
            }
        }
        rows.sort(Comparator.comparing((DeviceRow r) -> r.tenant() == null ? "" : r.tenant())
                .thenComparing(DeviceRow::name));
        return rows;
    }

    private static DeviceRow of(DeviceActivity.Seen s, boolean registered, boolean enabled) {
        return new DeviceRow(
                s.tenant(),
                s.device() != null ? s.device() : s.clientId(),
                registered,
                enabled,
                s.protocol(),
                s.lastSeenMillis(),
                s.messagesLastMinute(),
                s.bytesLastMinute(),
                s.lastTopic(),
                s.lastPayload());
    }
}
