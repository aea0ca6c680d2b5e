package io.fogbridge.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link RunSpec}: a fresh gateway process against the shared Kafka process, a verifying consumer
 * and a load generator (each its own process), progress every second while it runs, and the figures at the
 * end. In the outage scenario it stops Kafka (SIGTERM) during the run, restarts it with the same data and
 * port, and times the spool's drain. Not thread-safe; one run at a time.
 */
final class E2eRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TICK_MILLIS = 250;

    /** What every run of one benchmark invocation shares. {@code jfr} null = no flight recording. */
    record Env(
            String benchClasspath,
            String gatewayClasspath,
            List<String> gatewayJvmOptions,
            KafkaProcess kafka,
            Path workDir,
            int partitions,
            Path jfr) {}

    private final RunSpec spec;
    private final Env env;
    private final Path runDir;
    private final OutageProbe outage;

    E2eRun(RunSpec spec, Env env) {
        this.spec = spec;
        this.env = env;
        this.runDir = env.workDir().resolve(spec.tenant());
        this.outage = spec.outageSeconds() > 0 ? new OutageProbe(spec) : null;
    }

    RunResult execute() throws Exception {
        System.out.printf(
                "%n== %s: %d clients x %d B, %s, fsync %s%n",
                spec.name(), spec.clients(), spec.size(), spec.offered(), spec.fsync());
        String topic = GatewayProcess.telemetryTopic(spec.tenant());
        env.kafka().createTopic(topic, env.partitions());
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            GatewayProcess gateway = GatewayProcess.start(
                    env.gatewayClasspath(),
                    gatewayJvmOptions(),
                    runDir,
                    env.kafka().bootstrapServers(),
                    spec.fsync());
            opened.add(gateway);
            ChildProcess consumer = ChildProcess.start(
                    "consumer",
                    ChildProcess.java(
                            env.benchClasspath(),
                            List.of("-Xmx512m"),
                            VerifyingConsumer.class.getName(),
                            List.of(
                                    "--bootstrap", env.kafka().bootstrapServers(),
                                    "--topic", topic,
                                    "--idle-timeout-ms", Long.toString(outage == null ? 30_000 : 120_000))),
                    runDir.resolve("consumer.log"));
            opened.add(consumer);
            consumer.await("READY", Duration.ofSeconds(90));
            ChildProcess loadgen = ChildProcess.start(
                    "loadgen",
                    ChildProcess.java(
                            env.benchClasspath(),
                            List.of("-Xmx512m"),
                            LoadGenerator.class.getName(),
                            loadArgs(spec, gateway.mqttPort())),
                    runDir.resolve("loadgen.log"));
            opened.add(loadgen);
            loadgen.await("CONNECTED", Duration.ofSeconds(180));
            long startMicros = Long.parseLong(loadgen.await("STARTED", Duration.ofSeconds(30)));
            long startNanos = System.nanoTime();
            consumer.send("MEASURE_FROM " + (startMicros + TimeUnit.SECONDS.toMicros(spec.warmupSeconds())));

            Watch watch = new Watch(gateway, consumer, loadgen);
            JsonNode load = watch.untilDone(startNanos);
            consumer.send("EXPECT " + load);
            JsonNode seen = JSON.readTree(consumer.await("RESULT", Duration.ofMinutes(5)));
            return result(load, seen, watch);
        } finally {
            for (int i = opened.size() - 1; i >= 0; i--) {
                opened.get(i).close();
            }
            if (env.kafka().pid() < 0) {
                env.kafka().start(); // an outage run failed while Kafka was down: the next run needs it
            }
        }
    }

    private List<String> gatewayJvmOptions() {
        List<String> options = new ArrayList<>(env.gatewayJvmOptions());
        if (env.jfr() != null) {
            options.add("-XX:StartFlightRecording=filename=" + env.jfr() + ",settings=profile,dumponexit=true,delay="
                    + (spec.warmupSeconds() + 2) + "s");
        }
        return options;
    }

    /** The load generator's arguments for {@code spec} against the MQTT port (the MQTT ceiling uses the same). */
    static List<String> loadArgs(RunSpec spec, int mqttPort) {
        long durationMillis =
                spec.messages() > 0 ? TimeUnit.MINUTES.toMillis(10) : TimeUnit.SECONDS.toMillis(spec.durationSeconds());
        return List.of(
                "--port", Integer.toString(mqttPort),
                "--clients", Integer.toString(spec.clients()),
                "--size", Integer.toString(spec.size()),
                "--rate", Double.toString(spec.rate()),
                "--window", Integer.toString(spec.window()),
                "--messages", Long.toString(spec.messages()),
                "--duration-ms", Long.toString(durationMillis),
                "--warmup-ms", Long.toString(TimeUnit.SECONDS.toMillis(spec.warmupSeconds())),
                "--tenant", spec.tenant());
    }

    private RunResult result(JsonNode load, JsonNode seen, Watch watch) {
        RunResult.Drain drain =
                outage == null ? null : outage.result(load.get("measuredRate").asDouble());
        return new RunResult(
                spec,
                load.get("measuredRate").asDouble(),
                load.get("ackedTotal").asLong(),
                load.get("unconfirmed").size(),
                seen.get("received").asLong(),
                seen.get("missing").asLong(),
                seen.get("duplicates").asLong(),
                seen.get("reordered").asLong(),
                seen.get("p50Ms").asDouble(),
                seen.get("p95Ms").asDouble(),
                seen.get("p99Ms").asDouble(),
                seen.get("maxMs").asDouble(),
                seen.get("fromActualSendP50Ms").asDouble(),
                seen.get("fromActualSendP99Ms").asDouble(),
                load.get("pubackP50Ms").asDouble(),
                load.get("pubackP99Ms").asDouble(),
                watch.rssPeakMb,
                watch.rssEndMb,
                ProcessSample.cpuPercent(watch.gwFrom, watch.gwTo),
                ProcessSample.cpuPercent(watch.kafkaFrom, watch.kafkaTo),
                ProcessSample.cpuPercent(watch.loadFrom, watch.loadTo),
                ProcessSample.cpuPercent(watch.consumerFrom, watch.consumerTo),
                watch.recordsPerSync(),
                watch.syncsPerSecond(),
                drain,
                null,
                null);
    }

    /** The monitoring loop of a run: samples, progress lines, the outage, until the load generator's RESULT. */
    private final class Watch {
        private final GatewayProcess gateway;
        private final ChildProcess consumer;
        private final ChildProcess loadgen;
        ProcessSample gwFrom, gwTo, kafkaFrom, kafkaTo, loadFrom, loadTo, loadLast, consumerFrom, consumerTo;
        GatewayProcess.Metrics metricsFrom, metricsTo;
        double rssPeakMb;
        double rssEndMb;
        private long lastAcked;
        private long lastReceived;

        Watch(GatewayProcess gateway, ChildProcess consumer, ChildProcess loadgen) {
            this.gateway = gateway;
            this.consumer = consumer;
            this.loadgen = loadgen;
        }

        JsonNode untilDone(long startNanos) throws Exception {
            long warmupEnd = startNanos + TimeUnit.SECONDS.toNanos(spec.warmupSeconds());
            long loadEnd = spec.messages() > 0
                    ? Long.MAX_VALUE
                    : startNanos + TimeUnit.SECONDS.toNanos(spec.durationSeconds());
            long nextPrint = startNanos + TimeUnit.SECONDS.toNanos(1);
            while (true) {
                String result = loadgen.poll("RESULT");
                long now = System.nanoTime();
                ProcessSample gw = ProcessSample.of(gateway.pid());
                rssPeakMb = Math.max(rssPeakMb, gw.rssMb());
                // The load generator may exit right after its RESULT: keep its last sample taken while alive.
                ProcessSample load = ProcessSample.of(loadgen.pid());
                if (load.valid()) {
                    loadLast = load;
                }
                boolean print = now >= nextPrint;
                // Scraping costs the gateway CPU: once a second, or every tick while an outage is being timed.
                GatewayProcess.Metrics metrics = print
                                || outage != null
                                || (gwFrom == null && now >= warmupEnd)
                                || (gwTo == null && gwFrom != null && (now >= loadEnd || result != null))
                        ? gateway.scrape()
                        : null;
                if (gwFrom == null && now >= warmupEnd) {
                    gwFrom = gw;
                    metricsFrom = metrics;
                    kafkaFrom = ProcessSample.of(env.kafka().pid());
                    loadFrom = ProcessSample.of(loadgen.pid());
                    consumerFrom = ProcessSample.of(consumer.pid());
                }
                if (gwTo == null && gwFrom != null && (now >= loadEnd || result != null)) {
                    gwTo = gw;
                    metricsTo = metrics;
                    rssEndMb = gw.rssMb();
                    kafkaTo = ProcessSample.of(env.kafka().pid());
                    loadTo = loadLast;
                    consumerTo = ProcessSample.of(consumer.pid());
                }
                if (outage != null) {
                    outage.tick(now - startNanos, metrics);
                }
                if (print) {
                    nextPrint += TimeUnit.SECONDS.toNanos(1);
                    printProgress((now - startNanos) / 1e9, gw, metrics);
                }
                if (result != null) {
                    if (gwTo == null) {
                        gwTo = gw;
                        rssEndMb = gw.rssMb();
                    }
                    return JSON.readTree(result);
                }
                if (!loadgen.alive() && loadgen.poll("RESULT") == null) {
                    throw new IllegalStateException("load generator died:\n" + loadgen.tail());
                }
                Thread.sleep(TICK_MILLIS);
            }
        }

        /** Records per spool fsync over the measured window (group commit at work), or 0 if unknown. */
        double recordsPerSync() {
            if (metricsFrom == null || metricsTo == null) {
                return 0;
            }
            long syncs = metricsTo.syncs() - metricsFrom.syncs();
            return syncs <= 0 ? 0 : (double) (metricsTo.appended() - metricsFrom.appended()) / syncs;
        }

        /** Spool fsyncs per second over the measured window. */
        double syncsPerSecond() {
            if (metricsFrom == null || metricsTo == null || gwTo == null) {
                return 0;
            }
            return (metricsTo.syncs() - metricsFrom.syncs()) / ((gwTo.nanos() - gwFrom.nanos()) / 1e9);
        }

        private void printProgress(double seconds, ProcessSample gw, GatewayProcess.Metrics metrics) {
            long acked = field(loadgen.latestProgress(), "acked");
            long received = field(consumer.latestProgress(), "received");
            System.out.printf(
                    "  [%s] t=%3.0fs acked=%,d (%,d/s) in-kafka=%,d (%,d/s) backlog=%,d gw rss=%.0fMB%s%n",
                    spec.name(),
                    seconds,
                    acked,
                    acked - lastAcked,
                    received,
                    received - lastReceived,
                    metrics.backlog(),
                    gw.rssMb(),
                    outage == null ? "" : outage.status());
            lastAcked = acked;
            lastReceived = received;
        }

        private static long field(String json, String name) {
            if (json == null) {
                return 0;
            }
            try {
                return JSON.readTree(json).get(name).asLong();
            } catch (Exception e) {
                return 0;
            }
        }
    }

    /**
     * Takes Kafka away {@code outageAt} seconds into the run for {@code outageSeconds}, then measures the
     * drain: from the forwarder's first acknowledgement after the restart until the backlog is down to what
     * steady flow leaves in the spool.
     */
    private final class OutageProbe {
        private final RunSpec spec;
        private volatile CompletableFuture<Void> cycle;
        private volatile long downNanos;
        private volatile long upNanos;
        private long backlogAtRestart = -1;
        private long backlogPeak;
        private long forwardedAtUp = -1;
        private long drainStartNanos;
        private long drainStartForwarded = -1;
        private long drainEndNanos;
        private long drainEndForwarded;
        private long lastTickNanos;
        private long lastForwarded;

        OutageProbe(RunSpec spec) {
            this.spec = spec;
        }

        void tick(long sinceStartNanos, GatewayProcess.Metrics metrics) {
            long now = System.nanoTime();
            if (cycle == null && sinceStartNanos >= TimeUnit.SECONDS.toNanos(spec.outageAtSeconds())) {
                // A thread of its own: it blocks for the whole outage, and on 2 cores (JDK 25) the common pool has one.
                cycle = CompletableFuture.runAsync(this::takeKafkaAway, task -> Thread.ofPlatform()
                        .daemon()
                        .name("bench-outage")
                        .start(task));
            }
            long backlog = metrics.backlog();
            long forwarded = metrics.forwarded();
            backlogPeak = Math.max(backlogPeak, backlog);
            if (upNanos != 0 && drainEndNanos == 0) {
                if (backlogAtRestart < 0) {
                    backlogAtRestart = backlog;
                    forwardedAtUp = forwarded;
                } else if (drainStartForwarded < 0 && forwarded > forwardedAtUp) {
                    // first acknowledgement since the restart: the drain starts at the previous tick
                    drainStartNanos = lastTickNanos;
                    drainStartForwarded = lastForwarded;
                }
                long steady = Math.max(500, (long) (spec.rate() * 0.25));
                if (drainStartForwarded >= 0 && backlog >= 0 && backlog <= steady) {
                    drainEndNanos = now;
                    drainEndForwarded = forwarded;
                }
            }
            lastTickNanos = now;
            lastForwarded = forwarded;
        }

        private void takeKafkaAway() {
            try {
                System.out.printf("  [%s] stopping Kafka (SIGTERM) for %d s%n", spec.name(), spec.outageSeconds());
                env.kafka().stop();
                downNanos = System.nanoTime();
                Thread.sleep(TimeUnit.SECONDS.toMillis(spec.outageSeconds()));
                System.out.printf("  [%s] restarting Kafka (same data dir and port)%n", spec.name());
                env.kafka().start();
                upNanos = System.nanoTime();
                System.out.printf("  [%s] Kafka ready again%n", spec.name());
            } catch (Exception e) {
                throw new IllegalStateException("outage cycle failed", e);
            }
        }

        String status() {
            if (cycle == null) {
                return "";
            }
            if (upNanos == 0) {
                return downNanos == 0 ? " [kafka stopping]" : " [kafka DOWN]";
            }
            return drainEndNanos == 0 ? " [draining]" : " [drained]";
        }

        RunResult.Drain result(double ingestRate) {
            if (cycle != null) {
                cycle.join();
            }
            if (upNanos == 0 || drainEndNanos == 0 || drainStartForwarded < 0) {
                return new RunResult.Drain(
                        (upNanos - downNanos) / 1e9, backlogAtRestart, backlogPeak, -1, -1, 0, ingestRate, 0);
            }
            double seconds = (drainEndNanos - drainStartNanos) / 1e9;
            double rate = (drainEndForwarded - drainStartForwarded) / seconds;
            return new RunResult.Drain(
                    (upNanos - downNanos) / 1e9,
                    backlogAtRestart,
                    backlogPeak,
                    (drainStartNanos - upNanos) / 1e9,
                    seconds,
                    rate,
                    ingestRate,
                    rate / ingestRate);
        }
    }
}
