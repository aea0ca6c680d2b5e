package io.fogbridge.bench;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.QoS;
import io.fogbridge.gateway.config.ConfigException;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.pipeline.Enricher;
import io.fogbridge.pipeline.Route;
import io.fogbridge.pipeline.RouteDecision;
import io.fogbridge.pipeline.RouteTable;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Routing cost per message, in ns/op (average time, one thread). The table is what the gateway runs: a YAML config
 * with {@value #ROUTES} routes loaded by {@link ConfigLoader} (so validated like a real one: no route shadows
 * another), {@link GatewayConfig#routeTable()} with the three built-in device routes in front, and
 * {@link GatewayConfig#enricher()} with two labels.
 *
 * <p>The configured routes come in three shapes, by index {@code i}:
 *
 * <pre>
 * i % 4 in {0, 3}: factory/+site/machine{i}/+device/#  → fog.telemetry.{site}   key {device}
 * i % 4 == 1:      building/+site/floor{i}/+room/+sensor → fog.building.{site}  key {room}.{sensor}
 * i % 4 == 2:      energy{i}/+meter/+quantity            → fog.energy.{quantity} key {meter}, qos 0
 * </pre>
 *
 * so a topic for the last route (machine39) walks past 19 other {@code factory/+site/…} filters that fail only at
 * the third level. {@link RouteTable#decide} matches and renders the Kafka topic and key in one call; the render
 * and the enrichment are also measured alone. Every result is returned, so JMH consumes it.
 *
 * <p>Run: {@code bench/jmh.sh RouteMatchBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RouteMatchBenchmark {
    static final int ROUTES = 40;

    private RouteTable table;
    private Enricher enricher;
    private InboundMessage deviceTelemetry;
    private InboundMessage firstRoute;
    private InboundMessage lastRoute;
    private InboundMessage noRoute;
    private Route last;
    private Map<String, String> lastCaptures;
    private RouteDecision.Forward lastForward;

    @Setup(Level.Trial)
    public void load() throws ConfigException {
        GatewayConfig config = ConfigLoader.load("RouteMatchBenchmark", yaml(), Map.of());
        table = config.routeTable();
        enricher = config.enricher();
        if (table.routes().size() != ROUTES + 3) {
            throw new IllegalStateException("expected " + (ROUTES + 3) + " routes, got "
                    + table.routes().size());
        }
        byte[] payload = new byte[200];
        long now = System.currentTimeMillis();
        DeviceRef lathe = new DeviceRef("plant-1", "lathe-0042", "lathe-0042");
        DeviceRef plcBridge = DeviceRef.anonymous("plc-bridge");
        deviceTelemetry =
                new InboundMessage("telemetry/plant-1/lathe-0042", payload, QoS.AT_LEAST_ONCE, lathe, null, now);
        firstRoute = new InboundMessage(
                "factory/plant-1/machine0/lathe-0042/spindle/temp", payload, QoS.AT_LEAST_ONCE, plcBridge, null, now);
        lastRoute = new InboundMessage(
                "factory/plant-1/machine39/lathe-0042/spindle/temp", payload, QoS.AT_LEAST_ONCE, plcBridge, null, now);
        noRoute = new InboundMessage(
                "factory/plant-1/machine40/lathe-0042/spindle/temp", payload, QoS.AT_LEAST_ONCE, plcBridge, null, now);

        expect(deviceTelemetry, "telemetry", "fog.telemetry.plant-1");
        expect(firstRoute, "machine0", "fog.telemetry.plant-1");
        lastForward = expect(lastRoute, "machine39", "fog.telemetry.plant-1");
        if (!(table.decide(noRoute) instanceof RouteDecision.Stay)) {
            throw new IllegalStateException("expected no route for " + noRoute.topic());
        }
        last = lastForward.route();
        lastCaptures = last.from().match(lastRoute.topic()).orElseThrow();
    }

    /** The config the routes come from: what an operator would write, one flow-style line per route. */
    static String yaml() {
        StringBuilder y = new StringBuilder();
        y.append("gateway: {id: edge-1, dataDir: /tmp/fogbridge-bench, labels: {site: plant-1, location: hall-3}}\n");
        y.append("kafka: {bootstrapServers: \"127.0.0.1:9092\"}\n");
        y.append("routes:\n");
        for (int i = 0; i < ROUTES; i++) {
            String route =
                    switch (i % 4) {
                        case 1 ->
                            "{name: floor%1$d, from: \"building/+site/floor%1$d/+room/+sensor\","
                                    + " to: \"fog.building.{site}\", key: \"{room}.{sensor}\"}";
                        case 2 ->
                            "{name: energy%1$d, from: \"energy%1$d/+meter/+quantity\","
                                    + " to: \"fog.energy.{quantity}\", key: \"{meter}\", qos: 0}";
                        default ->
                            "{name: machine%1$d, from: \"factory/+site/machine%1$d/+device/#\","
                                    + " to: \"fog.telemetry.{site}\", key: \"{device}\"}";
                    };
            y.append("  - ").append(route.formatted(i)).append('\n');
        }
        return y.toString();
    }

    private RouteDecision.Forward expect(InboundMessage message, String route, String topic) {
        if (table.decide(message) instanceof RouteDecision.Forward f
                && f.route().name().equals(route)
                && f.topic().equals(topic)
                && "lathe-0042".equals(f.key())) {
            return f;
        }
        throw new IllegalStateException(message.topic() + " was not routed by " + route + " to " + topic);
    }

    /** Built-in telemetry route, the first one tried. */
    @Benchmark
    public RouteDecision decideDeviceTelemetry() {
        return table.decide(deviceTelemetry);
    }

    /** First configured route: after the three built-ins. */
    @Benchmark
    public RouteDecision decideFirstRoute() {
        return table.decide(firstRoute);
    }

    /** Last configured route: all 43 filters tried. */
    @Benchmark
    public RouteDecision decideLastRoute() {
        return table.decide(lastRoute);
    }

    /** Nothing matches: default deny after all 43 filters. */
    @Benchmark
    public RouteDecision decideNoRoute() {
        return table.decide(noRoute);
    }

    /** The Kafka topic and key templates alone, from captures already made (part of every decide above). */
    @Benchmark
    public void renderTopicAndKey(Blackhole bh) {
        bh.consume(last.to().render(lastCaptures));
        bh.consume(last.key().render(lastCaptures));
    }

    /** The record headers ({@code Pipeline} does this after decide, for every forwarded message). */
    @Benchmark
    public Map<String, String> enrich() {
        return enricher.headers(lastRoute, lastForward, QoS.AT_LEAST_ONCE);
    }

    /** What the pipeline spends per device publish before the spool: decide, then the headers. */
    @Benchmark
    public Map<String, String> decideAndEnrichDeviceTelemetry() {
        RouteDecision.Forward f = (RouteDecision.Forward) table.decide(deviceTelemetry);
        return enricher.headers(deviceTelemetry, f, f.route().effectiveQos(deviceTelemetry.qos()));
    }
}
