package io.fogbridge.pipeline;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides where each inbound message goes: the built-in device routes first ({@link DeviceRoutes}), then the
 * configured routes in order; the first match wins, and what nothing matches stays at the edge (default deny).
 *
 * <p>Immutable and thread-safe.
 */
public final class RouteTable {

    private final List<Route> configured;

    /** @param configured the configured routes, in the order they are tried (after the built-ins) */
    public RouteTable(List<Route> configured) {
        this.configured = List.copyOf(configured);
    }

    /** Built-ins first, then the configured routes: the order {@link #decide} tries them. */
    public List<Route> routes() {
        List<Route> all = new ArrayList<>(DeviceRoutes.ALL);
        all.addAll(configured);
        return List.copyOf(all);
    }

    public RouteDecision decide(InboundMessage message) {
        String topic = message.topic();
        String deviceTopic = DeviceRoutes.expandShortForm(topic);
        for (Route route : DeviceRoutes.ALL) {
            Optional<Map<String, String>> captures = route.from().match(deviceTopic);
            if (captures.isPresent()) {
                return DeviceRoutes.decide(route, captures.get(), message.sender(), this);
            }
        }
        for (Route route : configured) {
            Optional<Map<String, String>> captures = route.from().match(topic);
            if (captures.isPresent()) {
                Map<String, String> values = captures.get();
                DeviceRef sender = message.sender();
                return render(
                        route,
                        values,
                        nonEmptyOr(values.get(DeviceRoutes.TENANT), sender.tenant()),
                        nonEmptyOr(values.get(DeviceRoutes.DEVICE), sender.device()),
                        sender);
            }
        }
        return RouteDecision.STAY;
    }

    RouteDecision render(Route route, Map<String, String> captures, String tenant, String device, DeviceRef sender) {
        String topic = route.to().render(captures);
        if (!TopicTemplate.isLegalKafkaTopic(topic)) {
            return new RouteDecision.Refuse("route '" + route.name() + "' rendered '" + abbreviate(topic)
                    + "', which is not a legal Kafka topic name");
        }
        String key = route.key() != null ? route.key().render(captures) : device != null ? device : sender.clientId();
        Map<String, String> extra = Map.of();
        if (!route.headers().isEmpty()) {
            extra = new LinkedHashMap<>();
            for (Map.Entry<String, TopicTemplate> header : route.headers().entrySet()) {
                extra.put(header.getKey(), header.getValue().render(captures));
            }
        }
        return new RouteDecision.Forward(route, topic, key, tenant, device, extra);
    }

    /**
     * The filters an external-broker subscriber needs so that every message some route could take reaches the
     * gateway: the device topics, then each configured route's plain MQTT filter. A filter another one in the list
     * covers is left out, so a broker does not deliver the same message twice through two of our subscriptions
     * (overlaps neither covers, such as {@code a/+} and {@code +/b}, can still deliver twice; the spool's
     * {@code fog-seq} lets consumers drop such repeats).
     */
    public List<String> subscriptionFilters() {
        List<TopicFilter> candidates = new ArrayList<>(DeviceRoutes.SUBSCRIPTIONS);
        for (Route route : configured) {
            candidates.add(TopicFilter.parse(route.from().mqttFilter()));
        }
        List<String> filters = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            if (!coveredByOther(candidates, i)) {
                filters.add(candidates.get(i).text());
            }
        }
        return List.copyOf(filters);
    }

    private static boolean coveredByOther(List<TopicFilter> candidates, int index) {
        TopicFilter filter = candidates.get(index);
        for (int j = 0; j < candidates.size(); j++) {
            TopicFilter other = candidates.get(j);
            // Two equal filters cover each other: keep the first.
            boolean equal = other.mqttFilter().equals(filter.mqttFilter());
            if (j != index && other.covers(filter) && (!equal || j < index)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The route that takes every topic {@code candidate} matches before it could (a built-in, or one of
     * {@code earlier}), if any: then {@code candidate} can never match. Config validation reports it.
     */
    public static Optional<Route> shadowing(List<Route> earlier, Route candidate) {
        for (Route route : DeviceRoutes.ALL) {
            if (route.from().covers(candidate.from())) {
                return Optional.of(route);
            }
        }
        for (Route route : earlier) {
            if (route.from().covers(candidate.from())) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    private static String nonEmptyOr(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
