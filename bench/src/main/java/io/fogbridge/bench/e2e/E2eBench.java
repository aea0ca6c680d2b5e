package io.fogbridge.bench.e2e;

import io.fogbridge.testkit.LauncherJvmOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The end-to-end benchmark ({@code bench/e2e.sh}): MQTT QoS 1 publish → gateway (embedded broker, spool,
 * forwarder) → Kafka, each part its own process, then the Kafka producer ceiling on the same broker.
 *
 * <pre>
 * bench/e2e.sh --scenario 1            100 clients x 200 B as fast as possible, fsync group
 * bench/e2e.sh --scenario all --duration 30 --outage 60 --json e2e.json
 * bench/e2e.sh --scenario custom --clients 10 --rate 0 --window 4 --fsync interval:5
 * bench/e2e.sh --scenario sweep --rates 1000,5000,10000 --plot latency.png
 * </pre>
 *
 * Options: {@code --scenario} (1-5, comma list, all, sweep, custom), {@code --duration}/{@code --warmup}
 * seconds per run, {@code --outage}/{@code --outage-at}/{@code --drain-tail} seconds (scenario 5), {@code --size}
 * bytes, {@code --window} in-flight publishes per client, custom: {@code --clients --rate --fsync --messages},
 * {@code --partitions} of each topic, {@code --gateway-dist} (folder with fogbridge-gateway-*.jar and lib/),
 * {@code --gateway-opts}/{@code --kafka-opts} JVM options (gateway default: the launcher's), {@code --jfr <file>} (flight recording of the first
 * run's gateway), {@code --ceiling-s} (0 = no ceiling), {@code --ceiling-tuned} (also the gateway's producer
 * settings), {@code --mqtt-ceiling-s} (see below), {@code --json <file>}, {@code --plot <png>}, {@code --work-dir},
 * {@code --keep}.
 *
 * <p><b>MQTT ceiling</b> ({@code --mqtt-ceiling-s N}, seconds measured after {@code --warmup}; 0 = none; default 15
 * when the scenarios include 1 or 2, else 0): after the gateway runs and the Kafka ceiling, with Kafka stopped, the
 * same load generator runs against the embedded HiveMQ CE with the gateway's broker settings, once {@code bare} (no
 * interceptor) and once {@code instant-ack} (the gateway's own interceptor path with an uplink that acknowledges at
 * once on another thread), for each distinct (clients, window, size) of the as-fast-as-possible runs; the broker gets
 * the gateway's JVM options. See {@link MqttCeiling}. For each such run the summary then gives the gateway's rate
 * against both MQTT ceilings beside the Kafka ceiling, and the CPU-budget bound {@code cores × 1e6 / (µs of CPU per
 * message of Kafka + load generator + consumer)}: the rate the run could reach if the gateway cost nothing (see
 * {@link RunBounds}).
 */
public final class E2eBench {

    /**
     * What {@code bin/fogbridge run} gives the gateway's JVM when {@code FOGBRIDGE_JAVA_OPTS} is unset (read from the
     * launcher's own files, bin/jvm), so the benchmark measures the gateway as it is deployed unless {@code
     * --gateway-opts} says otherwise.
     */
    static String launcherJvmOptions() {
        return String.join(" ", LauncherJvmOptions.forJdk(Runtime.version().feature()));
    }

    /**
     * {@code --gateway-opts}, else {@link #launcherJvmOptions()}: read only then, so a run that names its options does
     * not need the launcher's files (a checkout above the working directory).
     */
    static String gatewayOpts(CliArgs a) {
        String given = a.string("gateway-opts", null);
        return given != null ? given : launcherJvmOptions();
    }

    private E2eBench() {}

    public static void main(String[] args) throws Exception {
        Report report = run(args);
        List<String> lost = report.runs().stream()
                .filter(r -> r.missing() > 0 || r.reordered() > 0 || r.acked() == 0)
                .map(r -> r.spec().name() + ": acknowledged " + r.acked() + ", missing in Kafka " + r.missing()
                        + ", reordered " + r.reordered())
                .toList();
        // A figure from a run that lost acknowledged messages (or did nothing) measures a broken gateway, and
        // bench/smoke.sh relies on this exit status to tell "ran and lost nothing" from the rest.
        lost.forEach(l -> System.out.println("LOST " + l));
        System.exit(report.failures().isEmpty() && lost.isEmpty() ? 0 : 1);
    }

    /** Runs the benchmark the arguments describe and returns what it measured (also printed). */
    public static Report run(String[] args) throws Exception {
        CliArgs a = new CliArgs(args, Set.of("keep", "ceiling-tuned"));
        Scenarios.Durations durations = new Scenarios.Durations(
                a.integer("duration", 30),
                a.integer("warmup", 5),
                a.integer("outage-at", 10),
                a.integer("outage", 60),
                a.integer("drain-tail", 40));
        int size = a.integer("size", 200);
        int window = a.integer("window", 1);
        String scenario = a.string("scenario", "1");
        List<Double> rates = Arrays.stream(
                        a.string("rates", "1000,2500,5000,7500,10000").split(","))
                .map(Double::parseDouble)
                .toList();
        List<RunSpec> specs = scenario.equals("custom")
                ? List.of(new RunSpec(
                        a.string("name", "custom"),
                        a.integer("clients", 10),
                        size,
                        Double.parseDouble(a.string("rate", "0")),
                        window,
                        a.string("fsync", "group"),
                        durations.duration(),
                        durations.warmup(),
                        a.longValue("messages", 0),
                        0,
                        0))
                : Scenarios.of(scenario, durations, size, window, rates);
        int partitions = a.integer("partitions", 1);
        String benchClasspath = System.getProperty("java.class.path");
        String gatewayClasspath = gatewayClasspath(a.string("gateway-dist", null), benchClasspath);
        List<String> gatewayOpts = splitOptions(gatewayOpts(a));
        List<String> kafkaOpts = splitOptions(a.string("kafka-opts", "-Xmx1g"));
        Path jfr = a.has("jfr") ? Path.of(a.string("jfr", null)).toAbsolutePath() : null;
        int ceilingSeconds = a.integer("ceiling-s", 20);
        if (ceilingSeconds > 0 && ceilingSeconds < 15) {
            throw new IllegalArgumentException(
                    "--ceiling-s must be 0 (none) or at least 15: ProducerPerformance reports every 5 s"
                            + " and the first window is warm-up");
        }
        boolean ceilingTuned = a.flag("ceiling-tuned");
        int mqttCeilingSeconds = a.integer("mqtt-ceiling-s", mqttCeilingByDefault(scenario) ? 15 : 0);
        if (mqttCeilingSeconds < 0) {
            throw new IllegalArgumentException("--mqtt-ceiling-s must be 0 (none) or a number of seconds");
        }
        Path json = a.has("json") ? Path.of(a.string("json", null)) : null;
        Path plot = a.has("plot") ? Path.of(a.string("plot", null)) : null;
        boolean keep = a.flag("keep");
        Path workDir = a.has("work-dir")
                ? Files.createDirectories(Path.of(a.string("work-dir", null)))
                : Files.createTempDirectory("fogbridge-e2e-");
        a.checkAllUsed();

        Machine machine = Machine.current();
        System.out.printf("fogbridge e2e benchmark: %d run(s), work dir %s%n", specs.size(), workDir);
        System.out.printf(
                "machine: %d cores, %,d MB, %s, %s; load average %s%n",
                machine.cores(), machine.memoryMb(), machine.cpu(), machine.java(), machine.loadAverage());
        System.out.println("gateway classpath: "
                + (gatewayClasspath.equals(benchClasspath) ? "(bench classpath)" : gatewayClasspath) + ", JVM options "
                + gatewayOpts);

        List<RunResult> results = new ArrayList<>();
        List<Ceiling.Result> ceilings = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        KafkaProcess kafka = new KafkaProcess(
                benchClasspath, kafkaOpts, workDir.resolve("kafka"), freePort(), workDir.resolve("kafka.log"));
        try {
            kafka.start();
            System.out.println("kafka: " + kafka.bootstrapServers() + " (pid " + kafka.pid() + ")");
            for (int i = 0; i < specs.size(); i++) {
                RunSpec spec = specs.get(i);
                E2eRun.Env env = new E2eRun.Env(
                        benchClasspath, gatewayClasspath, gatewayOpts, kafka, workDir, partitions, i == 0 ? jfr : null);
                try {
                    results.add(new E2eRun(spec, env).execute());
                } catch (Exception e) {
                    failures.add(spec.name() + ": " + e.getMessage());
                    System.out.println("run " + spec.name() + " failed: " + e.getMessage());
                }
            }
            if (ceilingSeconds > 0 && !results.isEmpty()) {
                try {
                    ceilings.addAll(ceilings(
                            kafka, benchClasspath, results, partitions, ceilingSeconds, ceilingTuned, workDir));
                } catch (Exception e) {
                    failures.add("ceiling: " + e.getMessage());
                }
            }
        } finally {
            kafka.close();
        }
        List<MqttCeiling.Result> mqttCeilings = new ArrayList<>();
        if (mqttCeilingSeconds > 0) {
            mqttCeilings.addAll(mqttCeilings(
                    results, durations.warmup(), mqttCeilingSeconds, benchClasspath, gatewayOpts, workDir, failures));
        }
        Report report = new Report(
                machine,
                Machine.currentLoadAverage(),
                List.of(args),
                RunBounds.attach(results, ceilings, mqttCeilings, machine.cores()),
                ceilings,
                mqttCeilings,
                failures);
        report.printTable(System.out);
        if (json != null) {
            report.writeJson(json);
            System.out.println("wrote " + json);
        }
        if (plot != null) {
            LatencyPlot.write(report, plot);
            System.out.println("wrote " + plot);
        }
        if (!keep && failures.isEmpty()) {
            deleteTree(workDir);
        } else {
            System.out.println("kept work dir (logs, configs) " + workDir);
        }
        return report;
    }

    private static List<Ceiling.Result> ceilings(
            KafkaProcess kafka,
            String classpath,
            List<RunResult> results,
            int partitions,
            int seconds,
            boolean tuned,
            Path workDir)
            throws Exception {
        List<Ceiling.Result> out = new ArrayList<>();
        for (int size : results.stream().map(r -> r.spec().size()).distinct().toList()) {
            String topic = "bench.ceiling-" + size;
            kafka.createTopic(topic, partitions);
            System.out.printf(
                    "%n== ceiling: ProducerPerformance, %d B records, acks=all, idempotence, %d s%n", size, seconds);
            out.add(Ceiling.measure(
                    "stock-" + size,
                    classpath,
                    kafka.bootstrapServers(),
                    topic,
                    size,
                    Duration.ofSeconds(seconds),
                    List.of(),
                    workDir.resolve("ceiling-stock.log")));
            if (tuned) {
                // The forwarder's own producer settings (fogbridge-kafka ProducerSettings): what its client could do.
                out.add(Ceiling.measure(
                        "forwarder-settings-" + size,
                        classpath,
                        kafka.bootstrapServers(),
                        topic,
                        size,
                        Duration.ofSeconds(seconds),
                        List.of("linger.ms=5", "batch.size=131072", "compression.type=lz4", "buffer.memory=67108864"),
                        workDir.resolve("ceiling-tuned.log")));
            }
        }
        return out;
    }

    /** Scenarios 1 and 2 are the as-fast-as-possible ones whose bound the MQTT ceiling explains. */
    static boolean mqttCeilingByDefault(String scenario) {
        return Arrays.stream(scenario.split(","))
                .map(String::trim)
                .anyMatch(id -> id.equals("1") || id.equals("2") || id.equals("all"));
    }

    /** Both MQTT ceiling variants for each distinct load of the as-fast-as-possible runs; failures are collected. */
    private static List<MqttCeiling.Result> mqttCeilings(
            List<RunResult> results,
            int warmupSeconds,
            int seconds,
            String classpath,
            List<String> brokerJvmOptions,
            Path workDir,
            List<String> failures) {
        List<MqttCeiling.Result> out = new ArrayList<>();
        List<RunSpec> loads = new ArrayList<>();
        for (RunResult r : results) {
            RunSpec spec = r.spec();
            boolean seen = loads.stream()
                    .anyMatch(l ->
                            l.clients() == spec.clients() && l.window() == spec.window() && l.size() == spec.size());
            if (spec.asFastAsPossible() && !seen) {
                loads.add(spec);
            }
        }
        for (RunSpec load : loads) {
            for (MqttCeilingBroker.Variant variant : MqttCeilingBroker.Variant.values()) {
                System.out.printf(
                        "%n== mqtt ceiling %s: %d clients, window %d, %d B, %d s after %d s warm-up (Kafka stopped)%n",
                        variant.id(), load.clients(), load.window(), load.size(), seconds, warmupSeconds);
                try {
                    out.add(MqttCeiling.measure(
                            variant, load, warmupSeconds, seconds, classpath, brokerJvmOptions, workDir));
                } catch (Exception e) {
                    failures.add("mqtt ceiling " + variant.id() + " " + load.clients() + "c: " + e.getMessage());
                    System.out.println("mqtt ceiling " + variant.id() + " failed: " + e.getMessage());
                }
            }
        }
        return out;
    }

    /** The distribution bin/fogbridge runs (jar + lib/*) if there is one, else this classpath (tests). */
    static String gatewayClasspath(String dist, String fallback) throws IOException {
        if (dist != null && dist.isEmpty()) {
            return fallback; // explicitly none: the gateway runs from this classpath
        }
        Path dir = dist != null ? Path.of(dist) : Path.of("fogbridge-gateway", "target");
        if (!Files.isDirectory(dir.resolve("lib"))) {
            if (dist != null) {
                throw new IllegalArgumentException("--gateway-dist " + dist + " has no lib/ folder");
            }
            return fallback;
        }
        try (Stream<Path> files = Files.list(dir)) {
            Path jar = files.filter(p -> p.getFileName().toString().matches("fogbridge-gateway-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().matches(".*-(sources|tests)\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no fogbridge-gateway-*.jar in " + dir));
            return jar.toAbsolutePath() + java.io.File.pathSeparator
                    + dir.toAbsolutePath().resolve("lib") + "/*";
        }
    }

    /** JVM options given as one string on the command line, split at white space. */
    static List<String> splitOptions(String options) {
        return options.isBlank() ? List.of() : List.of(options.trim().split("\\s+"));
    }

    static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Deletes {@code dir} and everything under it; a missing {@code dir} is not an error. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
