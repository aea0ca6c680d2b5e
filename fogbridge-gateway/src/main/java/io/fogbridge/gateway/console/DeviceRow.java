package io.fogbridge.gateway.console;

import io.fogbridge.gateway.console.DeviceActivity.Link;
import io.fogbridge.gateway.console.DeviceActivity.Seen;
import io.fogbridge.registry.Device;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.Tenant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One line of the devices page: a registered device joined with what {@link DeviceActivity} saw from it, or a sender
 * the registry does not know (an anonymous client). Immutable.
 *
 * @param name the device id, or the MQTT client id of an anonymous sender
 * @param seen what the gateway saw of it; null when nothing yet
 */
record DeviceRow(String tenant, String name, boolean registered, boolean enabled, Seen seen) {

    /** Per row in a list that refreshes every two seconds: a glance, not the whole payload. */
    static final int PAYLOAD_SHOWN = 512;

    /** The states the filter offers, in the words the page shows. */
    static final List<String> STATES = List.of("connected", "disconnected", "active", "idle", "never seen", "disabled");

    /**
     * {@code connected}/{@code disconnected} where the protocol has sessions (the embedded broker, the converters);
     * otherwise {@code active} when it sent within the last minute, else {@code idle}.
     */
    String state(Instant now) {
        if (!enabled) {
            return "disabled";
        }
        if (seen == null || (seen.link() == Link.UNKNOWN && seen.lastSeenMillis() == 0)) {
            return "never seen";
        }
        return switch (seen.link()) {
            case CONNECTED -> "connected";
            case DISCONNECTED -> "disconnected";
            case UNKNOWN -> now.toEpochMilli() - seen.lastSeenMillis() < 60_000 ? "active" : "idle";
        };
    }

    /** The device's labels: a converter's from its config; none for registry devices (the registry keeps none). */
    Map<String, String> labels() {
        return seen == null ? Map.of() : seen.labels();
    }

    long lastSeenMillis() {
        return seen == null ? 0 : seen.lastSeenMillis();
    }

    /** Whether the row passes the page's filters; blank or null filters pass everything. */
    boolean matches(DeviceFilter filter, Instant now) {
        if (!filter.tenant().isBlank() && !filter.tenant().equals(tenant)) {
            return false;
        }
        if (!filter.state().isBlank() && !filter.state().equals(state(now))) {
            return false;
        }
        if (!filter.labelMatches(labels())) {
            return false;
        }
        if (filter.text().isBlank()) {
            return true;
        }
        String needle = filter.text().toLowerCase(Locale.ROOT);
        return contains(name, needle)
                || contains(tenant, needle)
                || (seen != null && (contains(seen.lastTopic(), needle) || contains(seen.protocol(), needle)));
    }

    private static boolean contains(String haystack, String needle) {
        return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(needle);
    }

    /** The registry's devices, each with its activity, then the senders it does not list; sorted by tenant, name. */
    static List<DeviceRow> join(Registry registry, List<Seen> seen) {
        Map<String, Seen> byDevice = new HashMap<>();
        List<DeviceRow> rows = new ArrayList<>();
        for (Seen s : seen) {
            if (s.device() != null) {
                byDevice.put(s.tenant() + "/" + s.device(), s);
            }
        }
        if (registry != null) {
            for (Tenant tenant : registry.tenants().values()) {
                for (Device device : tenant.devices().values()) {
                    Seen s = byDevice.remove(tenant.id() + "/" + device.id());
                    rows.add(new DeviceRow(tenant.id(), device.id(), true, device.enabled() && tenant.enabled(), s));
                }
            }
        }
        for (Seen s : seen) {
            if (s.device() == null || byDevice.containsKey(s.tenant() + "/" + s.device())) {
                rows.add(new DeviceRow(s.tenant(), s.device() != null ? s.device() : s.clientId(), false, true, s));
            }
        }
        rows.sort(Comparator.comparing((DeviceRow r) -> r.tenant() == null ? "" : r.tenant())
                .thenComparing(DeviceRow::name));
        return rows;
    }
}
