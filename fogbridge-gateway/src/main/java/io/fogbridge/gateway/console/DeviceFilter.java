package io.fogbridge.gateway.console;

import java.util.Map;

/**
 * The devices page's filters, from its query string: {@code tenant} (exact), {@code state} (one of {@link
 * DeviceRow#STATES}) and {@code q} (a substring of the id, tenant, last topic or protocol, ignoring case). Blank =
 * no filter. Immutable.
 */
record DeviceFilter(String tenant, String state, String text) {

    static final DeviceFilter NONE = new DeviceFilter("", "", "");

    static DeviceFilter of(Map<String, String> query) {
        return new DeviceFilter(
                query.getOrDefault("tenant", "").strip(),
                query.getOrDefault("state", "").strip(),
                query.getOrDefault("q", "").strip());
    }
}
