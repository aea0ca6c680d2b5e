package io.fogbridge.gateway.config;

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
import io.fogbridge.pipeline.TopicFilter;
import io.fogbridge.pipeline.reduction.Aggregate;
import io.fogbridge.pipeline.reduction.Deadband;
import io.fogbridge.pipeline.reduction.ReductionRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code reduction}: rules that send less of slowly changing signals (see {@link
 * io.fogbridge.pipeline.reduction.Reduction}); one list key, a section of its own.
 */
public final class ReductionSection implements ConfigSection<List<ReductionRule>> {

    /** A parsed rule and where its {@code route} was written, for the check against the routes. */
    public record Item(ReductionRule rule, Origin routeOrigin) {
        @Override
        public String toString() {
            return rule.toString();
        }
    }

    public static final ConfigKey<String> NAME =
            ConfigKey.required("reduction[].name", ValueTypes.identifier(), "Name in metrics (`rule` tag) and logs.");
    public static final ConfigKey<String> ROUTE = ConfigKey.define(
                    "reduction[].route",
                    ValueTypes.identifier(),
                    null,
                    "Only records sent by this route: a built-in device route (`telemetry`, `event` …) or a"
                            + " `routes[].name`.")
            .defaultDescribedAs("any route");
    public static final ConfigKey<TopicFilter> TOPIC = ConfigKey.define(
                    "reduction[].topic",
                    ValueTypes.scalar("MQTT topic filter", TopicFilter::parse, TopicFilter::text),
                    null,
                    "Only records published on a topic this MQTT filter matches: `telemetry/acme/+/spindle`.")
            .defaultDescribedAs("any topic");
    public static final ConfigKey<String> DEVICE = ConfigKey.define(
                    "reduction[].device", ValueTypes.string(), null, "Only records about this device id.")
            .defaultDescribedAs("any device");
    public static final ConfigKey<Map<String, Deadband>> DEADBAND = ConfigKey.define(
            "reduction[].deadband",
            new FieldMap<>("field: 0.5 or 2%", node -> Deadband.parse(FieldMap.scalarText(node, "0.5 or 2%"))),
            Map.of(),
            "Per JSON field (`values.rpm` reaches into objects): send a record only when a field left its band"
                    + " around the value last sent, absolute (`0.5`) or percent of it (`2%`; around 0 every change is"
                    + " sent). A non-numeric field is sent when it differs; a missing one changes nothing.");
    public static final ConfigKey<Duration> MIN_INTERVAL = ConfigKey.define(
            "reduction[].minInterval",
            ValueTypes.duration(true),
            Duration.ZERO,
            "At most one record per device and topic per interval: a later one is answered at once, held, and"
                    + " sent when the interval ends unless a newer one replaced it (latest wins). 0 = off.");
    public static final ConfigKey<Duration> MAX_SILENCE = ConfigKey.define(
            "reduction[].maxSilence",
            ValueTypes.duration(true),
            Duration.ZERO,
            "With a `deadband`: send an unchanged record once this long passed since the last one sent (a"
                    + " heartbeat: silence then means a dead device, not a steady value). 0 = off.");
    public static final ConfigKey<Duration> WINDOW = ConfigKey.define(
            "reduction[].window",
            ValueTypes.duration(true),
            Duration.ZERO,
            "Tumbling window, aligned to the epoch: every record is answered at once and folded in; one JSON"
                    + " record with the `aggregate`s is sent per window per device and topic. Not with the filters"
                    + " above. 0 = off.");
    public static final ConfigKey<Map<String, Set<Aggregate>>> AGGREGATE = ConfigKey.define(
            "reduction[].aggregate",
            new FieldMap<>("field: min,max,avg,count,last", ReductionSection::aggregates),
            Map.of(),
            "With a `window`, per JSON field: `min`, `max`, `avg`, `count`, `last` (comma-separated or a list),"
                    + " over the finite numbers the window saw.");
    public static final ConfigKey<Integer> MAX_STREAMS = ConfigKey.define(
            "reduction[].maxStreams",
            ValueTypes.intRange(1, 10_000_000, "1-10000000"),
            10_000,
            "Devices × topics this rule keeps state for; beyond, the least recently seen tenth is dropped (their"
                    + " pending window or held record is sent first). Device ids come from outside: this bounds"
                    + " memory.");

    private static final ItemSchema<Item> RULE = new ItemSchema<>(
            List.of(NAME, ROUTE, TOPIC, DEVICE, DEADBAND, MIN_INTERVAL, MAX_SILENCE, WINDOW, AGGREGATE, MAX_STREAMS),
            ReductionSection::buildRule);

    public static final ConfigKey<List<Item>> REDUCTION = ConfigKey.define(
            "reduction",
            ValueTypes.listOf(
                    "list of {name, route?, topic?, device?, deadband?, minInterval?, maxSilence?, window?,"
                            + " aggregate?, maxStreams?}",
                    RULE,
                    ReductionSection::checkRules),
            List.of(),
            "Edge reduction of routed records, after enrichment and before the spool: the first rule whose"
                    + " `route`, `topic` and `device` all match takes a record. Suppressed records are answered"
                    + " at once (QoS 1 too) and counted in `fogbridge_reduction_suppressed_total{rule,reason}`.");

    @Override
    public String name() {
        return "reduction";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(REDUCTION);
    }

    @Override
    public List<ReductionRule> build(SectionValues values, Problems problems) {
        List<Item> items = values.get(REDUCTION);
        if (items == null) {
            return null;
        }
        // A reference to another section's names: checked here because a misspelt route would silently turn the
        // rule off, not because the routes change what this section means.
        List<Route> routes = values.get(RoutesSection.ROUTES);
        Set<String> known = new LinkedHashSet<>();
        DeviceRoutes.ALL.forEach(r -> known.add(r.name()));
        if (routes != null) {
            routes.forEach(r -> known.add(r.name()));
        }
        List<ReductionRule> rules = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            ReductionRule rule = items.get(i).rule();
            if (routes != null && rule.route() != null && !known.contains(rule.route())) {
                problems.add(
                        items.get(i).routeOrigin(),
                        "reduction[" + i + "].route",
                        "no route is named '" + rule.route() + "' (routes: " + String.join(", ", known) + ")");
            }
            rules.add(rule);
        }
        return List.copyOf(rules);
    }

    private static Set<Aggregate> aggregates(ConfigNode node) {
        List<String> names = new ArrayList<>();
        if (node instanceof ConfigNode.Sequence sequence) {
            for (ConfigNode item : sequence.items()) {
                names.add(FieldMap.scalarText(item, "an aggregate name"));
            }
        } else {
            for (String part :
                    FieldMap.scalarText(node, "min,max,avg,count,last").split(",")) {
                names.add(part);
            }
        }
        Set<Aggregate> aggregates = EnumSet.noneOf(Aggregate.class);
        for (String name : names) {
            aggregates.add(Aggregate.parse(name));
        }
        return aggregates;
    }

    private static Item buildRule(ItemSchema.Fields fields, Problems problems) {
        int before = problems.size();
        boolean windowed = !fields.get(WINDOW).isZero();
        boolean filters = !fields.get(DEADBAND).isEmpty()
                || !fields.get(MIN_INTERVAL).isZero()
                || !fields.get(MAX_SILENCE).isZero();
        if (windowed && filters) {
            problems.add(
                    fields.origin(WINDOW),
                    fields.path(WINDOW),
                    "a rule either aggregates over a window or filters (deadband, minInterval, maxSilence), not both:"
                            + " split it into two rules with different selectors");
        } else if (windowed && fields.get(AGGREGATE).isEmpty()) {
            problems.add(fields.origin(WINDOW), fields.path(WINDOW), "a window needs `aggregate` (field: min,max …)");
        } else if (!windowed && !fields.get(AGGREGATE).isEmpty()) {
            problems.add(fields.origin(AGGREGATE), fields.path(AGGREGATE), "aggregates need a `window`");
        } else if (!windowed && !filters) {
            problems.add(
                    fields.itemOrigin(),
                    fields.itemPath(),
                    "does nothing: give a deadband, minInterval (with maxSilence if wanted) or a window");
        }
        Duration maxSilence = fields.get(MAX_SILENCE);
        if (!maxSilence.isZero() && fields.get(DEADBAND).isEmpty()) {
            problems.add(
                    fields.origin(MAX_SILENCE),
                    fields.path(MAX_SILENCE),
                    "needs a deadband: without one every record is sent anyway");
        } else if (!maxSilence.isZero() && maxSilence.compareTo(fields.get(MIN_INTERVAL)) <= 0) {
            problems.add(
                    fields.origin(MAX_SILENCE),
                    fields.path(MAX_SILENCE),
                    "must be longer than minInterval (" + fields.get(MIN_INTERVAL) + ")");
        }
        if (problems.size() != before) {
            return null;
        }
        ReductionRule rule = new ReductionRule(
                fields.get(NAME),
                fields.get(ROUTE),
                fields.get(TOPIC),
                fields.get(DEVICE),
                fields.get(DEADBAND),
                fields.get(MIN_INTERVAL),
                maxSilence,
                fields.get(WINDOW),
                fields.get(AGGREGATE),
                fields.get(MAX_STREAMS));
        return new Item(rule, fields.origin(ROUTE));
    }

    private static List<ValueTypes.Problem> checkRules(List<Item> items, List<ConfigNode> nodes) {
        List<ValueTypes.Problem> problems = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String name = items.get(i).rule().name();
            Integer taken = names.putIfAbsent(name, i);
            if (taken != null) {
                problems.add(new ValueTypes.Problem(
                        nodes.get(i).origin(),
                        "reduction[" + i + "].name",
                        "rule name '" + name + "' is already used by reduction[" + taken + "]"));
            }
        }
        return problems;
    }
}
