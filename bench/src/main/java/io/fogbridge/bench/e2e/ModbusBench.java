package io.fogbridge.bench.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Modbus benchmark (BENCHMARKS.md, "Modbus"; run by {@code bench/modbus-bench.sh}): {@code devices} Modbus devices
 * of {@code registers} holding registers polled every {@code interval} by the gateway into Kafka, against the bare
 * client → server ceiling on the same servers in the same run. Every part is its own process: the servers ({@link
 * ModbusFarm}: digitalpetri's Java server, {@code devices / units} ports with unit ids 1..{@code units}), the bare
 * client ({@link ModbusCeiling}, paced like the gateway, then unpaced), Kafka and the gateway ({@code Main run}, one
 * connection per device). Then the read planner's effect on a realistic register map, from {@code fogbridge modbus
 * plan}. Prints a text report; the figures are read from the gateway's own metrics and from /proc.
 */
public final class ModbusBench {

    private static final Pattern READY = Pattern.compile("mqtt=\\[(\\d+).*] http=(\\d+)");
    private static final Pattern RESULT = Pattern.compile("(\\w+)=([0-9.]+)");

    private ModbusBench() {}

    public static void main(String[] argv) throws Exception {
        CliArgs a = new CliArgs(argv, Set.of());
        int devices = a.integer("devices", 1000);
        int units = a.integer("units", 10);
        int registers = a.integer("registers", 10);
        int intervalMs = a.integer("interval-ms", 100);
        int warmup = a.integer("warmup", 20);
        int seconds = a.integer("seconds", 60);
        Path workDir = Path.of(a.string("work-dir", "bench/target/modbus-bench"));
        List<String> gatewayOpts = E2eBench.splitOptions(E2eBench.gatewayOpts(a));
        List<String> kafkaOpts = E2eBench.splitOptions(a.string("kafka-opts", "-Xmx512m"));
        a.checkAllUsed();
        if (devices % units != 0) {
            throw new IllegalArgumentException("--devices must be a multiple of --units");
        }
        int ports = devices / units;
        String classpath = System.getProperty("java.class.path");
        Files.createDirectories(workDir);
        Machine machine = Machine.current();
        String loadBefore = Machine.currentLoadAverage();
        System.out.printf(
                "Modbus benchmark %s: %d devices (%d ports x unit ids 1..%d), %d registers per read, every %d ms"
                        + " = %,.0f reads/s target; warm-up %d s, measured %d s%n",
                Instant.now(),
                devices,
                ports,
                units,
                registers,
                intervalMs,
                devices * 1000.0 / intervalMs,
                warmup,
                seconds);
        System.out.printf(
                "machine: %d cores, %d MB, %s, %s, %s; load average before: %s%n",
                machine.cores(), machine.memoryMb(), machine.cpu(), machine.os(), machine.java(), loadBefore);

        try (ChildProcess farm = ChildProcess.start(
                "modbus-servers",
                ChildProcess.java(
                        classpath,
                        List.of("-Xmx512m"),
                        ModbusFarm.class.getName(),
                        List.of(Integer.toString(ports), Integer.toString(units), Integer.toString(registers))),
                workDir.resolve("servers.log"))) {
            String portList = farm.await("READY", Duration.ofSeconds(120));

            Map<String, Double> paced =
                    ceiling(classpath, workDir, portList, units, registers, intervalMs, warmup, seconds);
            double pacedRate = paced.get("reads") / paced.get("seconds");
            System.out.printf(
                    "bare client, paced like the gateway: %,.0f reads/s, %.0f errors, lateness p99 %.1f ms,"
                            + " client CPU %.1f us/read%n",
                    pacedRate,
                    paced.get("errors"),
                    paced.get("latenessP99Ms"),
                    paced.get("cpuMs") * 1000 / paced.get("reads"));
            Map<String, Double> max =
                    ceiling(classpath, workDir, portList, units, registers, 0, 5, Math.min(seconds, 20));
            double maxRate = max.get("reads") / max.get("seconds");
            System.out.printf(
                    "bare client, unpaced (one request in flight per connection): %,.0f reads/s, client CPU %.1f us/read%n",
                    maxRate, max.get("cpuMs") * 1000 / max.get("reads"));

            try (KafkaProcess kafka = KafkaProcess.startFresh(classpath, kafkaOpts, workDir)) {
                E2eBench.deleteTree(workDir.resolve("gateway-data"));
                kafka.createTopic("fog.telemetry.bench", 4);
                kafka.createTopic("fog.event.bench", 1);
                Path config = workDir.resolve("gateway.yaml");
                Files.writeString(
                        config,
                        gatewayConfig(
                                workDir.resolve("gateway-data"),
                                kafka.bootstrapServers(),
                                portList,
                                units,
                                registers,
                                intervalMs));
                try (ChildProcess gateway = ChildProcess.start(
                        "gateway",
                        ChildProcess.java(
                                classpath,
                                gatewayOpts,
                                "io.fogbridge.gateway.cli.Main",
                                List.of("run", "--config", config.toString())),
                        workDir.resolve("gateway.log"))) {
                    Matcher ready = READY.matcher(gateway.await("READY", Duration.ofSeconds(120)));
                    if (!ready.find()) {
                        throw new IllegalStateException("unexpected READY line from the gateway");
                    }
                    GatewayMetrics metrics = new GatewayMetrics(Integer.parseInt(ready.group(2)));
                    Thread.sleep(warmup * 1000L);
                    GatewayProcess.Metrics m0 = metrics.scrape();
                    ProcessSample s0 = ProcessSample.of(gateway.pid());
                    Thread.sleep(seconds * 1000L);
                    GatewayProcess.Metrics m1 = metrics.scrape();
                    ProcessSample s1 = ProcessSample.of(gateway.pid());
                    double window = (s1.nanos() - s0.nanos()) / 1e9;
                    double reads = (ok(m1) - ok(m0)) / window;
                    double inKafka = (m1.forwarded() - m0.forwarded()) / window;
                    double cpu = ProcessSample.cpuPercent(s0, s1);
                    double missed = m1.sum("fogbridge_modbus_polls_missed_total")
                            - m0.sum("fogbridge_modbus_polls_missed_total");
                    System.out.printf(
                            "gateway: %,.0f reads/s (%.2f of the paced bare client, %.2f of the unpaced), %,.0f"
                                    + " records/s into Kafka, backlog %d%n",
                            reads, reads / pacedRate, reads / maxRate, inKafka, m1.backlog());
                    System.out.printf(
                            "gateway: poll lateness p50 %.1f ms, p99 %.1f ms (its metric, decaying window), %.0f polls"
                                    + " missed in the window; read latency p99 %.1f ms%n",
                            quantile(m1, "fogbridge_modbus_poll_lateness_seconds", "0.5") * 1000,
                            quantile(m1, "fogbridge_modbus_poll_lateness_seconds", "0.99") * 1000,
                            missed,
                            quantile(m1, "fogbridge_modbus_read_latency_seconds", "0.99") * 1000);
                    System.out.printf(
                            "gateway: CPU %.0f %% of one core = %.1f us per read; RSS %.0f MB; devices connected %.0f"
                                    + " (JVM options %s)%n",
                            cpu,
                            CpuBudget.microsPerMessage(cpu, reads),
                            s1.rssMb(),
                            m1.sum("fogbridge_modbus_devices_connected"),
                            String.join(" ", gatewayOpts));
                }
            }
        }
        System.out.println("load average after: " + Machine.currentLoadAverage());
        plan(classpath, workDir);
    }

    private static Map<String, Double> ceiling(
            String classpath,
            Path workDir,
            String ports,
            int units,
            int registers,
            int intervalMs,
            int warmup,
            int seconds)
            throws Exception {
        try (ChildProcess client = ChildProcess.start(
                "modbus-client",
                ChildProcess.java(
                        classpath,
                        List.of("-Xmx512m"),
                        ModbusCeiling.class.getName(),
                        List.of(
                                ports,
                                Integer.toString(units),
                                Integer.toString(registers),
                                Integer.toString(intervalMs),
                                Integer.toString(warmup),
                                Integer.toString(seconds))),
                workDir.resolve("client.log"))) {
            String line = client.await("RESULT", Duration.ofSeconds(warmup + seconds + 120L));
            Map<String, Double> values = new java.util.HashMap<>();
            Matcher m = RESULT.matcher(line);
            while (m.find()) {
                values.put(m.group(1), Double.parseDouble(m.group(2)));
            }
            return values;
        }
    }

    /** The read planner on a realistic map: 100 tags scattered over three tables of one device. */
    private static void plan(String classpath, Path workDir) throws Exception {
        for (int maxGap : new int[] {0, 8}) {
            plan(classpath, workDir, maxGap);
        }
    }

    private static void plan(String classpath, Path workDir, int maxGap) throws Exception {
        Path config = workDir.resolve("plan-maxgap-" + maxGap + ".yaml");
        Files.writeString(config, planConfig(maxGap));
        Process plan = new ProcessBuilder(ChildProcess.java(
                        classpath,
                        List.of("-Xmx128m"),
                        "io.fogbridge.gateway.cli.Main",
                        List.of("modbus", "plan", config.toString())))
                .redirectErrorStream(true)
                .start();
        String out = new String(plan.getInputStream().readAllBytes());
        plan.waitFor();
        System.out.println("read planner, 100 tags over 3 tables, one device polled every second, maxGap " + maxGap
                + " (" + config + "):");
        for (String line : out.split("\n")) {
            if (line.contains("group ")
                    || line.contains("in all")
                    || line.trim().startsWith("FC")) {
                System.out.println("  " + line.trim());
            }
        }
    }

    /**
     * A drive-like register map: 40 holding registers (setpoints and parameters in blocks with holes), 40 input
     * registers (measurements, some 32-bit), 20 coils; a fixed seed, so every run plans the same map.
     */
    static String planConfig(int maxGap) {
        Random random = new Random(12);
        StringBuilder tags = new StringBuilder();
        String[][] tables = {{"holding-registers", "40", "hr"}, {"input-registers", "40", "ir"}, {"coils", "20", "co"}};
        for (String[] table : tables) {
            int address = random.nextInt(20);
            for (int i = 0; i < Integer.parseInt(table[1]); i++) {
                boolean wide = !table[0].equals("coils") && random.nextInt(4) == 0;
                String type = table[0].equals("coils") ? "bool" : wide ? "float32" : "uint16";
                tags.append("          - {name: ")
                        .append(table[2])
                        .append(i)
                        .append(", table: ")
                        .append(table[0])
                        .append(", address: ")
                        .append(address)
                        .append(", type: ")
                        .append(type)
                        .append("}\n");
                // mostly neighbours, sometimes a small hole, now and then a jump to another block
                int gap = random.nextInt(10) < 6
                        ? 0
                        : random.nextInt(10) < 8 ? 1 + random.nextInt(6) : 20 + random.nextInt(80);
                address += (wide ? 2 : 1) + gap;
            }
        }
        return """
                # Written by io.fogbridge.bench.e2e.ModbusBench: the planner's effect on a realistic register map.
                gateway: {id: bench-plan, dataDir: /tmp/fogbridge-bench-plan}
                kafka: {bootstrapServers: "127.0.0.1:9"}
                adapters:
                  modbus:
                    enabled: true
                    maxGap: %d
                    devices:
                      - id: drive-1
                        tenant: bench
                        host: 127.0.0.1
                        port: 502
                        tags:
                %s""".formatted(maxGap, tags);
    }

    static String gatewayConfig(
            Path dataDir, String bootstrap, String portList, int units, int registers, int intervalMs) {
        StringBuilder devices = new StringBuilder();
        for (String port : portList.split(",")) {
            for (int unit = 1; unit <= units; unit++) {
                devices.append("      - {id: plc-")
                        .append(port)
                        .append('-')
                        .append(unit)
                        .append(", tenant: bench, host: 127.0.0.1, port: ")
                        .append(port)
                        .append(", unitId: ")
                        .append(unit)
                        .append(", timeout: 1s, pollGroups: [{name: fast, interval: ")
                        .append(intervalMs)
                        .append("ms}], tags: [");
                for (int r = 0; r < registers; r++) {
                    devices.append(r == 0 ? "" : ", ")
                            .append("{name: r")
                            .append(r)
                            .append(", table: holding-registers, address: ")
                            .append(r)
                            .append(", group: fast}");
                }
                devices.append("]}\n");
            }
        }
        return """
                # Written by io.fogbridge.bench.e2e.ModbusBench.
                gateway: {id: bench-gw, dataDir: "%s"}
                mqtt:
                  listeners: [{host: 127.0.0.1, port: 0}]
                kafka: {bootstrapServers: "%s"}
                spool: {maxBytes: 4GiB, fsync: group, whenFull: block}
                http: {host: 127.0.0.1, port: 0}
                adapters:
                  modbus:
                    enabled: true
                    devices:
                %s""".formatted(dataDir, bootstrap, devices);
    }

    private static double ok(GatewayProcess.Metrics m) {
        double sum = 0;
        for (String line : m.text().split("\n")) {
            if (line.startsWith("fogbridge_modbus_reads_total{") && line.contains("result=\"ok\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static double quantile(GatewayProcess.Metrics m, String name, String quantile) {
        for (String line : m.text().split("\n")) {
            if (line.startsWith(name + "{") && line.contains("quantile=\"" + quantile + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    /** The gateway's Prometheus endpoint. */
    record GatewayMetrics(int httpPort) {
        GatewayProcess.Metrics scrape() {
            try {
                var client = java.net.http.HttpClient.newHttpClient();
                var response = client.send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                return new GatewayProcess.Metrics(response.body());
            } catch (java.io.IOException e) {
                return new GatewayProcess.Metrics("");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new GatewayProcess.Metrics("");
            }
        }
    }
}
