package io.fogbridge.gateway.console;

import java.util.Map;

/**
 * The devices page's filters, from its query string: {@code tenant} (exact), {@code state} (one of {@link
 * DeviceRow#STATES}), {@code q} (a substring of the id, tenant, last topic or protocol, ignoring case) and {@code
 * label} ({@code key=value}, exact; a bare {@code key}: any value). Blank = no filter. Immutable.
 */
record DeviceFilter(String tenant, String state, String text, String label) {

    static final DeviceFilter NONE = new DeviceFilter("", "", "", "");

    static DeviceFilter of(Map<String, String> query) {
        return new DeviceFilter(
                query.getOrDefault("tenant", "").strip(),
                query.getOrDefault("state", "").strip(),
                query.getOrDefault("q", "").strip(),
                query.getOrDefault("label", "").strip());
    }

    /** Whether {@code labels} pass the label filter. */
    boolean labelMatches(Map<String, String> labels) {
        if (label.isEmpty()) {
            return true;
        }
        int equals = label.indexOf('=');
        if (equals < 0) {
            return labels.containsKey(label);
        }
        return label.substring(equals + 1)
                .strip()
                .equals(labels.get(label.substring(0, equals).strip()));
    }
}
