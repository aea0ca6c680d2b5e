package io.fogbridge.bench;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.pipeline.Destination;
import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.api.pipeline.Verdict;
import io.fogbridge.gateway.config.ConfigException;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.pipeline.reduction.Reduction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CPU per record of the reduction stage, in ns/op (average time, one thread): {@link Reduction#apply} on a routed,
 * enriched record with a Modbus-shaped payload of about 200 bytes,
 *
 * <pre>{@code {"ts":…,"values":{"rpm":1200.5,"temp":41.25,"load":0.73,"state":"run"},"quality":{…}}}</pre>
 *
 * from {@value #DEVICES} devices in turn (so the per-stream lookup is a real hash-map hit, not one hot entry). The
 * rules come from a YAML config loaded by {@link ConfigLoader}, as the gateway gets them:
 *
 * <ul>
 *   <li>{@code deadbandSuppressed}: {@code deadband {values.rpm: 5, values.temp: 0.5}}; every record in the band
 *       (the steady-signal case the stage exists for);
 *   <li>{@code deadbandSent}: same rule, every record outside the band (values alternate by more than it);
 *   <li>{@code window}: {@code window 1h, aggregate values.rpm: min,max,avg; values.temp: last}; every record
 *       folded into an open window;
 *   <li>{@code unselected}: a record on a topic no rule selects: what the stage costs other traffic.
 * </ul>
 *
 * Nothing is released during a measurement (the window outlasts it; nothing is held), so no append is timed.
 *
 * <p>Run: {@code bench/jmh.sh ReductionBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ReductionBenchmark {

    static final int DEVICES = 1000;

    /** The rules of every case, as an operator would write them. */
    static final String RULES = """
            kafka: {bootstrapServers: "localhost:9092"}
            reduction:
              - name: spindle
                topic: telemetry/+/+/spindle
                deadband: {values.rpm: 5, values.temp: 0.5}
              - name: energy
                topic: telemetry/+/+/energy
                window: 1h
                aggregate: {values.rpm: "min,max,avg", values.temp: last}
            """;

    private Reduction deadband;
    private Reduction window;
    private UplinkRecord[] steady;
    private UplinkRecord[] jumping;
    private UplinkRecord[] other;
    private UplinkRecord[] windowRecords;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws ConfigException {
        GatewayConfig config = ConfigLoader.load("ReductionBenchmark", RULES, Map.of());
        deadband = new Reduction(config.reduction(), Clock.systemUTC(), null);
        window = new Reduction(config.reduction(), Clock.systemUTC(), null);
        deadband.start(record -> {}, false);
        window.start(record -> {}, false);
        long now = System.currentTimeMillis();
        steady = new UplinkRecord[DEVICES];
        jumping = new UplinkRecord[2 * DEVICES];
        other = new UplinkRecord[DEVICES];
        UplinkRecord[] energy = new UplinkRecord[DEVICES];
        for (int d = 0; d < DEVICES; d++) {
            steady[d] = record(d, "spindle", 1200.5, now);
            jumping[2 * d] = record(d, "spindle", 1200.5, now);
            jumping[2 * d + 1] = record(d, "spindle", 1300.5, now);
            other[d] = record(d, "coolant", 1200.5, now);
            energy[d] = record(d, "energy", 1200.5, now);
        }
        for (int d = 0; d < DEVICES; d++) { // each stream's first record is sent: get it out of the way
            deadband.apply(steady[d]);
            window.apply(energy[d]);
        }
        windowRecords = energy;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        deadband.close();
        window.close();
    }

    static UplinkRecord record(int device, String what, double rpm, long arrival) {
        String id = "lathe-" + device;
        String topic = "telemetry/plant-1/" + id + "/" + what;
        String json = "{\"ts\":" + arrival + ",\"values\":{\"rpm\":" + rpm
                + ",\"temp\":41.25,\"load\":0.73,\"state\":\"run\"},"
                + "\"quality\":{\"rpm\":\"good\",\"temp\":\"good\",\"load\":\"good\",\"state\":\"good\"}}";
        InboundMessage message = new InboundMessage(
                topic,
                json.getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE,
                new DeviceRef("plant-1", id, id),
                null,
                arrival);
        Destination destination = new Destination(
                "telemetry", "fog.telemetry.plant-1", id, "plant-1", id, QoS.AT_LEAST_ONCE, Lane.BULK, null);
        return UplinkRecord.of(message)
                .routedTo(destination)
                .withHeaders(Map.of("device_id", id, "tenant_id", "plant-1", "mqtt-topic", topic));
    }

    private int nextIndex(int length) {
        int i = next + 1;
        next = i == length ? 0 : i;
        return next;
    }

    @Benchmark
    public Verdict deadbandSuppressed() {
        return deadband.apply(steady[nextIndex(DEVICES)]);
    }

    @Benchmark
    public Verdict deadbandSent() {
        return deadband.apply(jumping[nextIndex(2 * DEVICES)]);
    }

    @Benchmark
    public Verdict window() {
        return window.apply(windowRecords[nextIndex(DEVICES)]);
    }

    @Benchmark
    public Verdict unselected() {
        return deadband.apply(other[nextIndex(DEVICES)]);
    }
}
