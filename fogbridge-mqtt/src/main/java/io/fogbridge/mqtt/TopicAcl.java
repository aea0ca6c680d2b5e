package io.fogbridge.mqtt;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The topic rules of the device-facing contract (ARCHITECTURE.md): an authenticated device may publish to
 * {@code telemetry/{tenant}/{device}/…}, {@code event/{tenant}/{device}/…} and
 * {@code command/{tenant}/{device}/res/…}, and subscribe to {@code command/{tenant}/{device}/req/…}, where tenant is its
 * own and device is itself or one it acts for ({@code via}); empty tenant/device levels and the short forms
 * {@code telemetry} / {@code event} mean "my own". Everything else needs a role. Thread-safe; pure.
 */
final class TopicAcl {

    private final Map<String, TopicPermissions> roles;
    private final TopicPermissions anonymous;

    TopicAcl(Map<String, TopicPermissions> roles, TopicPermissions anonymous) {
        this.roles = Map.copyOf(roles);
        this.anonymous = anonymous;
    }

    /** Null if {@code principal} (null = anonymous) may publish to {@code topic}, else why not. */
    String publishDenial(ConnectionPrincipal principal, String topic) {
        if (principal == null) {
            return anyMatches(anonymous.publish(), topic) ? null : "anonymous clients may not publish to " + topic;
        }
        String[] levels = topic.split("/", -1);
        boolean deviceTopic =
                switch (levels[0]) {
                    case "telemetry", "event" -> levels.length == 1 || levels.length >= 3;
                    case "command" -> levels.length >= 6 && levels[3].equals("res");
                    default -> false;
                };
        if (deviceTopic && (levels.length == 1 || ownsLevels(principal, levels[1], levels[2]))) {
            return null;
        }
        for (String role : principal.roles()) {
            TopicPermissions permissions = roles.get(role);
            if (permissions != null && anyMatches(permissions.publish(), topic)) {
                return null;
            }
        }
        return "device " + principal.name() + " may not publish to " + topic;
    }

    /** Null if {@code principal} (null = anonymous) may subscribe to {@code filter}, else why not. */
    String subscribeDenial(ConnectionPrincipal principal, String filter) {
        if (principal == null) {
            return anyCovers(anonymous.subscribe(), filter) ? null : "anonymous clients may not subscribe to " + filter;
        }
        String[] levels = filter.split("/", -1);
        if (levels.length >= 5
                && levels[0].equals("command")
                && levels[3].equals("req")
                && !isWildcard(levels[1])
                && !isWildcard(levels[2])
                && ownsLevels(principal, levels[1], levels[2])) {
            return null;
        }
        for (String role : principal.roles()) {
            TopicPermissions permissions = roles.get(role);
            if (permissions != null && anyCovers(permissions.subscribe(), filter)) {
                return null;
            }
        }
        return "device " + principal.name() + " may not subscribe to " + filter;
    }

    private static boolean ownsLevels(ConnectionPrincipal principal, String tenantLevel, String deviceLevel) {
        String tenant = tenantLevel.isEmpty() ? principal.tenant() : tenantLevel;
        String device = deviceLevel.isEmpty() ? principal.device() : deviceLevel;
        return tenant.equals(principal.tenant()) && principal.mayActFor(device);
    }

    private static boolean isWildcard(String level) {
        return level.equals("+") || level.equals("#");
    }

    private static boolean anyMatches(List<String> filters, String topic) {
        for (String filter : filters) {
            if (matches(filter, topic)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyCovers(List<String> filters, String subscription) {
        for (String filter : filters) {
            if (covers(filter, subscription)) {
                return true;
            }
        }
        return false;
    }

    /** MQTT matching of a topic name against a filter. */
    static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /** Whether every topic {@code subscription} can match is matched by {@code filter}. */
    static boolean covers(String filter, String subscription) {
        String[] f = filter.split("/", -1);
        String[] s = subscription.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= s.length || s[i].equals("#")) {
                return false;
            }
            if (f[i].equals("+") ? false : !f[i].equals(s[i])) {
                return false;
            }
        }
        return f.length == s.length;
    }

    private static final Set<String> WILDCARDS = Set.of("+", "#");

    /** Validates a role's filter (config time). */
    static void checkFilter(String filter) {
        if (filter == null || filter.isEmpty()) {
            throw new IllegalArgumentException("empty topic filter");
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            boolean wildcard = WILDCARDS.contains(level);
            if (!wildcard && (level.contains("+") || level.contains("#"))) {
                throw new IllegalArgumentException("topic filter '" + filter + "': a wildcard must be a whole level");
            }
            if (level.equals("#") && i != levels.length - 1) {
                throw new IllegalArgumentException("topic filter '" + filter + "': '#' must be the last level");
            }
        }
    }
}
