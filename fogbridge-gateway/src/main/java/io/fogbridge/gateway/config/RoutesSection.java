package io.fogbridge.gateway.config;

import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigNode;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.ItemSchema;
import io.fogbridge.api.config.Origin;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.ValueTypes;
import io.fogbridge.pipeline.DeviceRoutes;
import io.fogbridge.pipeline.Route;
import io.fogbridge.pipeline.RouteTable;
import io.fogbridge.pipeline.TopicFilter;
import io.fogbridge.pipeline.TopicTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code routes}: what leaves the edge besides the device topics; one list key, a section of its own. */
public final class RoutesSection implements ConfigSection<List<Route>> {

    public static final ConfigKey<String> NAME = ConfigKey.define(
                    "routes[].name", ValueTypes.identifier(), null, "Name in metrics (`route` tag) and logs.")
            .defaultDescribedAs("the `from` filter");
    public static final ConfigKey<String> FROM = ConfigKey.required(
            "routes[].from",
            ValueTypes.string(),
            "MQTT filter; `+name` captures a level, `+` matches one, `#` the rest: `factory/+site/lathe/+device/#`.");
    public static final ConfigKey<String> TO = ConfigKey.required(
            "routes[].to", ValueTypes.string(), "Kafka topic template using the captures: `fog.telemetry.{site}`.");
    public static final ConfigKey<String> KEY = ConfigKey.define(
                    "routes[].key", ValueTypes.string(), null, "Kafka key template: `{device}`.")
            .defaultDescribedAs("the sender's device id, else its client id");
    public static final ConfigKey<QoS> QOS = ConfigKey.define(
                    "routes[].qos",
                    ValueTypes.qos(),
                    null,
                    "Override the sender's QoS: 0 answers the device at once even for a QoS 1 publish, 1 waits"
                            + " for the durable append.")
            .defaultDescribedAs("as published");
    public static final ConfigKey<Lane> LANE = ConfigKey.define(
            "routes[].lane", ValueTypes.lane(), Lane.BULK, "Spool lane: `priority` drains before `bulk`.");

    private static final ItemSchema<Route> ROUTE =
            new ItemSchema<>(List.of(NAME, FROM, TO, KEY, QOS, LANE), RoutesSection::buildRoute);

    public static final ConfigKey<List<Route>> ROUTES = ConfigKey.define(
            "routes",
            ValueTypes.listOf("list of {name?, from, to, key?, qos?, lane?}", ROUTE, RoutesSection::checkRoutes),
            List.of(),
            "What leaves the edge besides the device topics: first match wins, what nothing matches stays local.");

    @Override
    public String name() {
        return "routes";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(ROUTES);
    }

    @Override
    public List<Route> build(SectionValues values, Problems problems) {
        return values.get(ROUTES);
    }

    private static Route buildRoute(ItemSchema.Fields fields, Problems problems) {
        TopicFilter filter;
        try {
            filter = TopicFilter.parse(fields.get(FROM));
        } catch (IllegalArgumentException e) {
            problems.add(fields.origin(FROM), fields.path(FROM), e.getMessage());
            return null;
        }
        TopicTemplate to = template(fields, TO, filter, true, problems);
        TopicTemplate key = fields.get(KEY) == null ? null : template(fields, KEY, filter, false, problems);
        if (to == null || (fields.get(KEY) != null && key == null)) {
            return null;
        }
        return new Route(fields.get(NAME), filter, to, key, fields.get(QOS), fields.get(LANE), Map.of());
    }

    private static TopicTemplate template(
            ItemSchema.Fields fields,
            ConfigKey<String> key,
            TopicFilter filter,
            boolean kafkaTopic,
            Problems problems) {
        try {
            return kafkaTopic
                    ? TopicTemplate.parseKafkaTopic(fields.get(key), filter.captureNames())
                    : TopicTemplate.parse(fields.get(key), filter.captureNames());
        } catch (IllegalArgumentException e) {
            problems.add(fields.origin(key), fields.path(key), e.getMessage());
            return null;
        }
    }

    private static List<ValueTypes.Problem> checkRoutes(List<Route> routes, List<ConfigNode> nodes) {
        List<ValueTypes.Problem> problems = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        DeviceRoutes.ALL.forEach(r -> names.put(r.name(), "the built-in device route"));
        for (int i = 0; i < routes.size(); i++) {
            Route route = routes.get(i);
            Origin origin = nodes.get(i).origin();
            String path = "routes[" + i + "]";
            String taken = names.putIfAbsent(route.name(), path);
            if (taken != null) {
                problems.add(new ValueTypes.Problem(
                        origin, path + ".name", "route name '" + route.name() + "' is already used by " + taken));
            }
            RouteTable.shadowing(routes.subList(0, i), route)
                    .ifPresent(earlier -> problems.add(new ValueTypes.Problem(
                            origin,
                            path + ".from",
                            "never matches: '" + earlier.from().text() + "' ("
                                    + (DeviceRoutes.ALL.contains(earlier) ? "built-in route " : "route ")
                                    + earlier.name()
                                    + ") comes first and takes every topic '"
                                    + route.from().text() + "' matches")));
        }
        return problems;
    }
}
