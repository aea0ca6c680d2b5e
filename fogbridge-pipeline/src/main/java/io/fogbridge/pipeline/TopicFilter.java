package io.fogbridge.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An MQTT topic filter whose single-level wildcards may carry a name: {@code factory/+site/lathe/+device/#}.
 *
 * <ul>
 *   <li>{@code +name} matches exactly one level (possibly empty) and captures it under {@code name};
 *   <li>{@code +} matches one level without capturing it;
 *   <li>{@code #} matches any number of levels, including none (so {@code a/#} also matches {@code a}); last
 *       level only.
 * </ul>
 *
 * As in MQTT, a topic starting with {@code $} (such as {@code $SYS/...}) never matches a filter whose first level
 * is a wildcard.
 *
 * <p>Immutable and thread-safe. {@link #match} walks the topic in place: no regex, no splitting, nothing
 * allocated except the capture map of a successful match.
 */
public final class TopicFilter {

    private static final Pattern CAPTURE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int MAX_LENGTH = 65_535;

    private enum Kind {
        LITERAL,
        SINGLE,
        MULTI
    }

    private final String text;
    private final Kind[] kinds;
    /** Per level: the literal text for LITERAL, the capture name (or null) for SINGLE, null for MULTI. */
    private final String[] values;

    private final List<String> captureNames;
    private final String mqttFilter;

    private TopicFilter(String text, Kind[] kinds, String[] values, List<String> captureNames) {
        this.text = text;
        this.kinds = kinds;
        this.values = values;
        this.captureNames = captureNames;
        StringBuilder plain = new StringBuilder(text.length());
        for (int i = 0; i < kinds.length; i++) {
            if (i > 0) {
                plain.append('/');
            }
            plain.append(
                    switch (kinds[i]) {
                        case LITERAL -> values[i];
                        case SINGLE -> "+";
                        case MULTI -> "#";
                    });
        }
        this.mqttFilter = plain.toString();
    }

    /**
     * Parses a filter.
     *
     * @throws IllegalArgumentException naming the problem when the filter is malformed: empty, {@code #} not
     *     alone in the last level, {@code +} not at the start of a level, a bad or duplicate capture name
     */
    public static TopicFilter parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("topic filter must not be empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("topic filter longer than " + MAX_LENGTH + " characters");
        }
        if (text.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("topic filter '" + text + "' contains a NUL character");
        }
        String[] levels = text.split("/", -1);
        Kind[] kinds = new Kind[levels.length];
        String[] values = new String[levels.length];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals("#")) {
                if (i != levels.length - 1) {
                    throw new IllegalArgumentException(
                            "'#' must be the last level of a topic filter, in '" + text + "'");
                }
                kinds[i] = Kind.MULTI;
            } else if (level.indexOf('#') >= 0) {
                throw new IllegalArgumentException(
                        "'#' must stand alone in its level, got '" + level + "' in '" + text + "'");
            } else if (level.startsWith("+")) {
                kinds[i] = Kind.SINGLE;
                String name = level.substring(1);
                if (!name.isEmpty()) {
                    if (!CAPTURE_NAME.matcher(name).matches()) {
                        throw new IllegalArgumentException("bad capture name '" + name + "' in '" + text
                                + "': use letters, digits and '_', starting with a letter");
                    }
                    if (names.contains(name)) {
                        throw new IllegalArgumentException("capture name '" + name + "' used twice in '" + text + "'");
                    }
                    names.add(name);
                    values[i] = name;
                }
            } else if (level.indexOf('+') >= 0) {
                throw new IllegalArgumentException(
                        "'+' must start a level (as '+' or '+name'), got '" + level + "' in '" + text + "'");
            } else {
                kinds[i] = Kind.LITERAL;
                values[i] = level;
            }
        }
        return new TopicFilter(text, kinds, values, Collections.unmodifiableList(names));
    }

    /** The filter as written, captures included. */
    public String text() {
        return text;
    }

    /** The plain MQTT filter, captures replaced by {@code +}: what to subscribe to on an external broker. */
    public String mqttFilter() {
        return mqttFilter;
    }

    /** The capture names, in the order they appear. */
    public List<String> captureNames() {
        return captureNames;
    }

    /** Whether {@code topic} matches, without capturing. Allocates nothing. */
    public boolean matches(String topic) {
        return walk(topic, null);
    }

    /**
     * Matches a published topic (not a filter) against this filter.
     *
     * @return the captured levels by name (empty map when the filter names none), or empty when it does not match
     */
    public Optional<Map<String, String>> match(String topic) {
        // Check first so a miss, the common case in a route table, allocates nothing.
        if (!walk(topic, null)) {
            return Optional.empty();
        }
        if (captureNames.isEmpty()) {
            return Optional.of(Map.of());
        }
        Map<String, String> captures = new HashMap<>(captureNames.size() * 2);
        walk(topic, captures);
        return Optional.of(captures);
    }

    private boolean walk(String topic, Map<String, String> captures) {
        int n = topic.length();
        if (n == 0) {
            return false;
        }
        if (topic.charAt(0) == '$' && kinds[0] != Kind.LITERAL) {
            return false;
        }
        int pos = 0; // start of the current level; n + 1 once the topic's last level is consumed
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] == Kind.MULTI) {
                return true; // also when the topic has no levels left: '#' matches the parent level
            }
            if (pos > n) {
                return false;
            }
            int end = topic.indexOf('/', pos);
            if (end < 0) {
                end = n;
            }
            if (kinds[i] == Kind.LITERAL) {
                String literal = values[i];
                if (end - pos != literal.length() || !topic.startsWith(literal, pos)) {
                    return false;
                }
            } else if (captures != null && values[i] != null) {
                captures.put(values[i], topic.substring(pos, end));
            }
            pos = end + 1;
        }
        return pos == n + 1;
    }

    /**
     * Whether every topic this filter's other argument matches is also matched by this filter. Used to drop
     * redundant subscriptions and to find routes that can never match because an earlier one takes all their
     * topics.
     */
    public boolean covers(TopicFilter other) {
        if (kinds[0] != Kind.LITERAL && other.kinds[0] == Kind.LITERAL && other.values[0].startsWith("$")) {
            return false;
        }
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] == Kind.MULTI) {
                return true;
            }
            if (i >= other.kinds.length || other.kinds[i] == Kind.MULTI) {
                return false;
            }
            if (kinds[i] == Kind.LITERAL && (other.kinds[i] != Kind.LITERAL || !values[i].equals(other.values[i]))) {
                return false;
            }
        }
        return kinds.length == other.kinds.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicFilter f && f.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
