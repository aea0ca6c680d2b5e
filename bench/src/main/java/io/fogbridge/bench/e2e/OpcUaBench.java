package io.fogbridge.bench.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The OPC UA benchmark (BENCHMARKS.md, "OPC UA"; run by {@code bench/opcua-bench.sh}): {@code items} monitored items
 * changing every {@code interval} on one OPC UA server, subscribed by the gateway into Kafka, against the bare Milo
 * client on the same server in the same run; then {@code restarts} server restarts, each timed from the server
 * listening again to the first of its notifications readable in Kafka.
 *
 * <p>Every part is its own process: the server ({@code --server milo}, the default: Eclipse Milo's server SDK, {@link
 * MiloLoadServer}; {@code --server node}: node-opcua, {@code fogbridge-opcua/src/test/node/opcua_load.js}; both give
 * every variable a new value with the current time as its source timestamp each interval), the bare client ({@link
 * OpcUaCeiling}), Kafka and the gateway ({@code Main run}, one endpoint with all items). A Kafka consumer in this
 * process reads the records and takes each one's age: read time minus its {@code ts} (the newest source timestamp in
 * it). Prints a text report; the gateway's figures come from its own metrics and /proc.
 */
public final class OpcUaBench {

    private static final Pattern READY = Pattern.compile("mqtt=\\[(\\d+).*] http=(\\d+)");
    private static final Pattern RESULT = Pattern.compile("(\\w+)=([0-9.]+)");
    private static final Path NODE_DIR = Path.of("fogbridge-opcua/src/test/node");
    private static final String TOPIC = "fog.telemetry.bench";

    private OpcUaBench() {}

    public static void main(String[] argv) throws Exception {
        CliArgs a = new CliArgs(argv, Set.of());
        int items = a.integer("items", 2000);
        int intervalMs = a.integer("interval-ms", 200);
        int warmup = a.integer("warmup", 20);
        int seconds = a.integer("seconds", 60);
        int restarts = a.integer("restarts", 10);
        int downSeconds = a.integer("down-seconds", 2);
        String serverKind = a.string("server", "milo");
        if (!serverKind.equals("milo") && !serverKind.equals("node")) {
            throw new IllegalArgumentException("--server is milo or node, not " + serverKind);
        }
        Path workDir = Path.of(a.string("work-dir", "bench/target/opcua-bench"));
        List<String> gatewayOpts = E2eBench.splitOptions(E2eBench.gatewayOpts(a));
        List<String> kafkaOpts = E2eBench.splitOptions(a.string("kafka-opts", "-Xmx512m"));
        a.checkAllUsed();
        String classpath = System.getProperty("java.class.path");
        Files.createDirectories(workDir);
        Machine machine = Machine.current();
        System.out.printf(
                "OPC UA benchmark %s: %d monitored items changing every %d ms = %,.0f notifications/s offered by %s;"
                        + " warm-up %d s, measured %d s; then %d server restarts (down %d s each)%n",
                Instant.now(),
                items,
                intervalMs,
                items * 1000.0 / intervalMs,
                serverKind.equals("milo") ? "Milo's server SDK" : "node-opcua",
                warmup,
                seconds,
                restarts,
                downSeconds);
        System.out.printf(
                "machine: %d cores, %d MB, %s, %s, %s; load average before: %s%n",
                machine.cores(),
                machine.memoryMb(),
                machine.cpu(),
                machine.os(),
                machine.java(),
                Machine.currentLoadAverage());

        int port = E2eBench.freePort();
        String url = "opc.tcp://127.0.0.1:" + port + "/load";
        ChildProcess server = startServer(serverKind, classpath, port, items, intervalMs, workDir);
        try {
            Map<String, Double> bare = ceiling(classpath, workDir, url, items, intervalMs, warmup, seconds);
            double bareRate = bare.get("notifications") / bare.get("seconds");
            System.out.printf(
                    "bare Milo client: %,.0f notifications/s, age at the client p50 %.0f ms p99 %.0f ms, client CPU"
                            + " %.1f us/notification%n",
                    bareRate,
                    bare.get("ageP50Ms"),
                    bare.get("ageP99Ms"),
                    bare.get("cpuMs") * 1000 / bare.get("notifications"));

            try (KafkaProcess kafka = KafkaProcess.startFresh(classpath, kafkaOpts, workDir)) {
                E2eBench.deleteTree(workDir.resolve("gateway-data"));
                kafka.createTopic(TOPIC, 1);
                kafka.createTopic("fog.event.bench", 1);
                Path config = workDir.resolve("gateway.yaml");
                Files.writeString(
                        config,
                        gatewayConfig(
                                workDir.resolve("gateway-data"), kafka.bootstrapServers(), url, items, intervalMs));
                try (ChildProcess gateway = ChildProcess.start(
                                "gateway",
                                ChildProcess.java(
                                        classpath,
                                        gatewayOpts,
                                        "io.fogbridge.gateway.cli.Main",
                                        List.of("run", "--config", config.toString())),
                                workDir.resolve("gateway.log"));
                        AgeConsumer ages = new AgeConsumer(kafka.bootstrapServers())) {
                    Matcher ready = READY.matcher(gateway.await("READY", Duration.ofSeconds(120)));
                    if (!ready.find()) {
                        throw new IllegalStateException("unexpected READY line from the gateway");
                    }
                    ModbusBench.GatewayMetrics metrics =
                            new ModbusBench.GatewayMetrics(Integer.parseInt(ready.group(2)));
                    Thread.ofPlatform().daemon().name("age-consumer").start(ages);
                    Thread.sleep(warmup * 1000L);
                    GatewayProcess.Metrics m0 = metrics.scrape();
                    ProcessSample s0 = ProcessSample.of(gateway.pid());
                    ages.reset();
                    Thread.sleep(seconds * 1000L);
                    GatewayProcess.Metrics m1 = metrics.scrape();
                    ProcessSample s1 = ProcessSample.of(gateway.pid());
                    var age = ages.interval();
                    double window = (s1.nanos() - s0.nanos()) / 1e9;
                    double rate = (m1.sum("fogbridge_opcua_notifications_total")
                                    - m0.sum("fogbridge_opcua_notifications_total"))
                            / window;
                    double records = (m1.forwarded() - m0.forwarded()) / window;
                    double cpu = ProcessSample.cpuPercent(s0, s1);
                    System.out.printf(
                            "gateway: %,.0f notifications/s (%.2f of the bare client), %,.1f records/s into Kafka"
                                    + " (one per publish), backlog %d%n",
                            rate, rate / bareRate, records, m1.backlog());
                    System.out.printf(
                            "gateway: source timestamp -> readable in Kafka p50 %d ms, p99 %d ms, max %d ms (%d"
                                    + " records)%n",
                            age.getValueAtPercentile(50),
                            age.getValueAtPercentile(99),
                            age.getMaxValue(),
                            age.getTotalCount());
                    System.out.printf(
                            "gateway: CPU %.0f %% of one core = %.2f us per notification; RSS %.0f MB (JVM options"
                                    + " %s)%n",
                            cpu, CpuBudget.microsPerMessage(cpu, rate), s1.rssMb(), String.join(" ", gatewayOpts));
                    System.out.println("load average after the steady phase: " + Machine.currentLoadAverage());

                    List<Long> times = new ArrayList<>();
                    for (int i = 0; i < restarts; i++) {
                        killHard(server);
                        long killed = System.currentTimeMillis();
                        Thread.sleep(downSeconds * 1000L);
                        server = startServer(serverKind, classpath, port, items, intervalMs, workDir);
                        long back = System.currentTimeMillis();
                        long first = ages.firstTsAfter(killed, Duration.ofSeconds(30));
                        times.add(first < 0 ? -1 : first - back);
                        System.out.printf(
                                "  restart %d: first notification in Kafka %s after the server listened%n",
                                i + 1, first < 0 ? "NOT within 30 s" : (first - back) + " ms");
                        Thread.sleep(2000);
                    }
                    GatewayProcess.Metrics m2 = metrics.scrape();
                    List<Long> sorted = times.stream().sorted().toList();
                    System.out.printf(
                            "resubscription over %d restarts: p50 %d ms, p100 %d ms (%s); reconnects %.0f, resumes"
                                    + " %.0f%n",
                            restarts,
                            sorted.get(sorted.size() / 2),
                            sorted.getLast(),
                            times,
                            Math.max(0, m2.sum("fogbridge_opcua_reconnects_total")),
                            Math.max(0, m2.sum("fogbridge_opcua_resumes_total")));
                }
            }
        } finally {
            server.close();
        }
        System.out.println("load average after: " + Machine.currentLoadAverage());
    }

    private static ChildProcess startServer(
            String kind, String classpath, int port, int items, int intervalMs, Path workDir) throws Exception {
        if (kind.equals("milo")) {
            ChildProcess server = ChildProcess.start(
                    "opcua-server",
                    ChildProcess.java(
                            classpath,
                            List.of("-Xmx512m"),
                            MiloLoadServer.class.getName(),
                            List.of(Integer.toString(port), Integer.toString(items), Integer.toString(intervalMs))),
                    workDir.resolve("server.log"));
            server.await("READY", Duration.ofSeconds(120));
            return server;
        }
        String node = Files.isExecutable(Path.of("/usr/bin/node")) ? "/usr/bin/node" : "node";
        ChildProcess server = ChildProcess.start(
                "opcua-server",
                List.of(
                        "sh",
                        "-c",
                        "cd " + NODE_DIR + " && exec " + node + " opcua_load.js " + port + " " + items + " "
                                + intervalMs),
                workDir.resolve("server.log"));
        server.await("READY", Duration.ofSeconds(120));
        return server;
    }

    /** SIGKILL: the server goes without a goodbye, as when its machine loses power. */
    private static void killHard(ChildProcess server) throws InterruptedException {
        ProcessHandle.of(server.pid()).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.alive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static Map<String, Double> ceiling(
            String classpath, Path workDir, String url, int items, int intervalMs, int warmup, int seconds)
            throws Exception {
        try (ChildProcess client = ChildProcess.start(
                "opcua-client",
                ChildProcess.java(
                        classpath,
                        List.of("-Xmx256m"),
                        OpcUaCeiling.class.getName(),
                        List.of(
                                url,
                                Integer.toString(items),
                                Integer.toString(intervalMs),
                                Integer.toString(warmup),
                                Integer.toString(seconds))),
                workDir.resolve("client.log"))) {
            String line = client.await("RESULT", Duration.ofSeconds(warmup + seconds + 120L));
            Map<String, Double> values = new HashMap<>();
            Matcher m = RESULT.matcher(line);
            while (m.find()) {
                values.put(m.group(1), Double.parseDouble(m.group(2)));
            }
            return values;
        }
    }

    static String gatewayConfig(Path dataDir, String bootstrap, String url, int items, int intervalMs) {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < items; i++) {
            list.append("          - {name: v")
                    .append(i)
                    .append(", nodeId: \"ns=1;s=v")
                    .append(i)
                    .append("\"}\n");
        }
        return """
                # Written by io.fogbridge.bench.e2e.OpcUaBench.
                gateway: {id: bench-gw, dataDir: "%s"}
                mqtt:
                  listeners: [{host: 127.0.0.1, port: 0}]
                kafka: {bootstrapServers: "%s"}
                spool: {maxBytes: 4GiB, fsync: group, whenFull: block}
                http: {host: 127.0.0.1, port: 0}
                devices: {maxPayload: 1MiB}
                adapters:
                  opcua:
                    enabled: true
                    endpoints:
                      - id: load
                        tenant: bench
                        url: "%s"
                        publishingInterval: %dms
                        items:
                %s""".formatted(dataDir, bootstrap, url, intervalMs, list);
    }

    /**
     * Reads the telemetry topic from its end and records each record's age: read time minus its {@code ts}. Also
     * answers when the first record with a source timestamp after a given time was read.
     */
    private static final class AgeConsumer implements Runnable, AutoCloseable {

        private static final byte[] TS = "\"ts\":".getBytes(StandardCharsets.UTF_8);

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Recorder ages = new Recorder(3);
        private final AtomicLong newestTs = new AtomicLong();
        private final Map<Long, Long> readAt = new java.util.concurrent.ConcurrentSkipListMap<>();
        private volatile boolean running = true;

        AgeConsumer(String bootstrap) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 << 20));
            consumer = new KafkaConsumer<>(p);
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
        }

        @Override
        public void run() {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    long ts = ts(r.value());
                    if (ts > 0) {
                        ages.recordValue(Math.max(0, now - ts));
                        if (ts > newestTs.get()) {
                            newestTs.set(ts);
                            readAt.put(ts, now);
                        }
                    }
                }
            }
        }

        void reset() {
            ages.reset();
        }

        org.HdrHistogram.Histogram interval() {
            return ages.getIntervalHistogram();
        }

        /** When the first record with a source timestamp after {@code after} was read, or -1 after {@code wait}. */
        long firstTsAfter(long after, Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                for (Map.Entry<Long, Long> e : readAt.entrySet()) {
                    if (e.getKey() > after) {
                        return e.getValue();
                    }
                }
                Thread.sleep(5);
            }
            return -1;
        }

        /** The record's {@code "ts":} number, the first field of an OPC UA record; -1 if absent. */
        private static long ts(byte[] value) {
            outer:
            for (int i = 0; i + TS.length < value.length && i < 16; i++) {
                for (int j = 0; j < TS.length; j++) {
                    if (value[i + j] != TS[j]) {
                        continue outer;
                    }
                }
                long ts = 0;
                for (int k = i + TS.length; k < value.length && Character.isDigit(value[k]); k++) {
                    ts = ts * 10 + (value[k] - '0');
                }
                return ts;
            }
            return -1;
        }

        @Override
        public void close() {
            running = false; // the polling thread ends at its next poll; the process exits after the report
        }
    }
}
