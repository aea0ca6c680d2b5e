package io.fogbridge.bench;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.Envelope;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Spool;
import io.fogbridge.api.SpoolCursor;
import io.fogbridge.api.SpoolStats;
import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.gateway.config.ConfigException;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.pipeline.Pipeline;
import io.fogbridge.pipeline.reduction.Reduction;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records (and payload bytes) the uplink carries with each reduction against none, for one hour of a slowly
 * varying signal from {@value #DEVICES} devices at one reading a second: a spindle temperature {@code 40 + 5·sin(2πt
 * / 1 h)} °C plus Gaussian noise (σ 0.05 °C, seeded), as {@code {"ts":…,"values":{"temp":…}}}.
 *
 * <p>Each run pushes every reading through a real {@link Pipeline} (routing, enrichment, the configured {@link
 * Reduction}) into a spool that only counts appends: the forwarder sends each appended record to Kafka exactly once
 * (replays aside), so appends are the records into Kafka. Time is the readings' own (arrival = reading time), and
 * the stage is closed at the end, so open windows and held records are counted too. Also prints the CPU time of the
 * run per reading (this thread; the whole pipeline, not the stage alone — see {@link ReductionBenchmark}).
 *
 * <p>Run: {@code bench/reduction-ratio.sh} (or the class's main with the bench classpath). {@code --smoke} (CI,
 * {@code bench/smoke.sh}) runs six minutes of the signal, one pass per case and a short stage-alone loop: its
 * figures mean nothing; it exits 1 if the pipeline without reduction did not append every reading.
 */
public final class ReductionRatio {

    static final int DEVICES = 100;
    static final int SECONDS = 3600;

    private static final Map<String, String> CASES = new LinkedHashMap<>();

    static {
        CASES.put("none", "");
        CASES.put("deadband 0.5", "deadband: {values.temp: 0.5}");
        CASES.put("deadband 0.5 + maxSilence 60s", "deadband: {values.temp: 0.5}\n    maxSilence: 60s");
        CASES.put("deadband 0.2", "deadband: {values.temp: 0.2}");
        CASES.put("deadband 1%", "deadband: {values.temp: 1%}");
        CASES.put("minInterval 10s", "minInterval: 10s");
        CASES.put("window 60s (min,max,avg)", "window: 60s\n    aggregate: {values.temp: \"min,max,avg\"}");
    }

    private ReductionRatio() {}

    public static void main(String[] args) throws Exception {
        boolean smoke = Arrays.asList(args).contains("--smoke");
        int seconds = smoke ? SECONDS / 10 : SECONDS;
        stageCpu(smoke ? 30_000 : 3_000_000);
        System.out.printf("%d devices x %d readings (1/s), %d readings in all%n", DEVICES, seconds, DEVICES * seconds);
        System.out.printf(
                "%-32s %10s %8s %12s %8s %10s%n", "reduction", "records", "ratio", "bytes", "ratio", "cpu/read");
        long[] baseline = null;
        for (Map.Entry<String, String> entry : CASES.entrySet()) {
            if (!smoke) {
                run(entry.getValue(), seconds); // warm-up pass: the JIT, not the signal
            }
            long[] result = run(entry.getValue(), seconds);
            if (baseline == null) {
                baseline = result;
                if (baseline[0] != (long) DEVICES * seconds) {
                    System.out.printf(
                            "LOST: without reduction %d of %d readings were appended%n",
                            baseline[0], DEVICES * seconds);
                    System.exit(1);
                }
            }
            System.out.printf(
                    "%-32s %10d %8.4f %12d %8.4f %8.0f ns%n",
                    entry.getKey(),
                    result[0],
                    (double) result[0] / baseline[0],
                    result[1],
                    (double) result[1] / baseline[1],
                    (double) result[2] / (DEVICES * seconds));
        }
    }

    /**
     * CPU time of {@link Reduction#apply} alone per record, as thread CPU time (unlike JMH's wall-clock average, it
     * does not grow when other processes take the CPU): the records and rules of {@link ReductionBenchmark}, 1,000
     * devices in turn, 3 million applies after 3 million of warm-up.
     */
    private static void stageCpu(int applies) throws ConfigException {
        GatewayConfig config = ConfigLoader.load("ReductionRatio", ReductionBenchmark.RULES, Map.of());
        long now = System.currentTimeMillis();
        int n = ReductionBenchmark.DEVICES;
        Map<String, UplinkRecord[]> cases = new LinkedHashMap<>();
        UplinkRecord[] steady = new UplinkRecord[n];
        UplinkRecord[] jumping = new UplinkRecord[2 * n];
        UplinkRecord[] window = new UplinkRecord[n];
        UplinkRecord[] other = new UplinkRecord[n];
        for (int d = 0; d < n; d++) {
            steady[d] = ReductionBenchmark.record(d, "spindle", 1200.5, now);
            jumping[2 * d] = ReductionBenchmark.record(d, "spindle", 1300.5, now);
            jumping[2 * d + 1] = ReductionBenchmark.record(d, "spindle", 1200.5, now);
            window[d] = ReductionBenchmark.record(d, "energy", 1200.5, now);
            other[d] = ReductionBenchmark.record(d, "coolant", 1200.5, now);
        }
        cases.put("deadbandSuppressed", steady);
        cases.put("deadbandSent", jumping);
        cases.put("window", window);
        cases.put("unselected", other);
        System.out.println("stage alone, thread CPU time per apply:");
        for (Map.Entry<String, UplinkRecord[]> entry : cases.entrySet()) {
            Reduction stage = new Reduction(config.reduction(), Clock.systemUTC(), null);
            stage.start(record -> {}, false);
            UplinkRecord[] records = entry.getValue();
            for (UplinkRecord record : steady) {
                stage.apply(record); // first records of each stream: sent, out of the way
            }
            long sink = applyMany(stage, records, applies);
            long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            sink += applyMany(stage, records, applies);
            long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0;
            System.out.printf("  %-20s %6.0f ns   (%d)%n", entry.getKey(), cpu / (double) applies, sink % 10);
            stage.close();
        }
    }

    private static long applyMany(Reduction stage, UplinkRecord[] records, int count) {
        long kept = 0;
        for (int i = 0; i < count; i++) {
            if (stage.apply(records[i % records.length]) instanceof UplinkRecord) {
                kept++;
            }
        }
        return kept;
    }

    /** @return records appended, payload bytes appended, CPU ns of this thread */
    private static long[] run(String rule, int seconds) throws ConfigException {
        String yaml = "kafka: {bootstrapServers: \"localhost:9092\"}\n"
                + (rule.isEmpty()
                        ? ""
                        : "reduction:\n  - name: temp\n    topic: telemetry/+/+/temp\n    " + rule + "\n");
        GatewayConfig config = ConfigLoader.load("ReductionRatio", yaml, Map.of());
        CountingSpool spool = new CountingSpool();
        long start = Instant.parse("2026-12-03T00:00:00Z").toEpochMilli();
        Reduction reduction =
                new Reduction(config.reduction(), Clock.fixed(Instant.ofEpochMilli(start), ZoneOffset.UTC), null);
        Pipeline pipeline = new Pipeline(
                config.routeTable(),
                config.enricher(),
                spool,
                config.devices().maxPayload(),
                null,
                config.reduction().isEmpty() ? List.of() : List.of(reduction));
        reduction.start(record -> pipeline.release(reduction, record), false);
        Random noise = new Random(42);
        DeviceRef[] devices = new DeviceRef[DEVICES];
        for (int d = 0; d < DEVICES; d++) {
            devices[d] = new DeviceRef("plant-1", "lathe-" + d, "lathe-" + d);
        }
        long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        for (int s = 0; s < seconds; s++) {
            long t = start + s * 1000L;
            for (int d = 0; d < DEVICES; d++) {
                double phase = 2 * Math.PI * (s + d * 36) / SECONDS; // devices out of step (the smoke run: 1/10 of it)
                double temp = 40 + 5 * Math.sin(phase) + noise.nextGaussian() * 0.05;
                String json = "{\"ts\":" + t + ",\"values\":{\"temp\":" + Math.round(temp * 100) / 100.0 + "}}";
                pipeline.accept(new InboundMessage(
                        "telemetry/plant-1/lathe-" + d + "/temp",
                        json.getBytes(StandardCharsets.UTF_8),
                        QoS.AT_LEAST_ONCE,
                        devices[d],
                        "application/json",
                        t));
            }
        }
        reduction.close();
        long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0;
        return new long[] {spool.records.get(), spool.bytes.get(), cpu};
    }

    /** Counts appends and acknowledges them at once. */
    private static final class CountingSpool implements Spool {
        final AtomicLong records = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();

        @Override
        public CompletableFuture<Long> append(Envelope envelope) {
            bytes.addAndGet(envelope.payload().length);
            return CompletableFuture.completedFuture(records.getAndIncrement());
        }

        @Override
        public SpoolCursor cursor() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SpoolStats stats() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
    }
}
