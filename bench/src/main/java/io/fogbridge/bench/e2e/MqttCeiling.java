package io.fogbridge.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The MQTT ceiling: the same {@link LoadGenerator} (same clients, window and payload size as a gateway run) against
 * a {@link MqttCeilingBroker} instead of the gateway, each its own process, so the gateway's rate can be read against
 * what the MQTT layer alone does on the same machine in the same invocation. The benchmark runs it after the gateway
 * runs, with Kafka stopped: only the broker and the load generator are on the cores.
 *
 * <p>Measured over {@code seconds} after a warm-up of {@code warmupSeconds} (the gateway runs' warm-up): PUBACKs per
 * second, PUBLISH→PUBACK p50/p99 from the clients, and the broker's and load generator's CPU over the measured window
 * ({@code /proc/<pid>/stat}, as for the gateway). Driven by one thread.
 */
final class MqttCeiling {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TICK_MILLIS = 250;

    private MqttCeiling() {}

    /** What one variant did for one (clients, window, size). CPU in percent of one core; µs of CPU per message. */
    record Result(
            String variant,
            int clients,
            int window,
            int size,
            double measuredSeconds,
            double msgPerSecond,
            long acked,
            long failed,
            double pubackP50Ms,
            double pubackP99Ms,
            double brokerCpuPercent,
            double loadgenCpuPercent,
            double brokerMicrosPerMsg,
            double loadgenMicrosPerMsg,
            double brokerRssPeakMb) {

        /** True if this ceiling ran the load {@code spec} runs: same clients, window and payload size. */
        boolean sameLoadAs(RunSpec spec) {
            return clients == spec.clients() && window == spec.window() && size == spec.size();
        }
    }

    static Result measure(
            MqttCeilingBroker.Variant variant,
            RunSpec shape,
            int warmupSeconds,
            int seconds,
            String classpath,
            List<String> brokerJvmOptions,
            Path workDir)
            throws Exception {
        String name = "mqtt-ceiling-" + variant.id() + "-" + shape.clients() + "c-w" + shape.window();
        RunSpec load = new RunSpec(
                name,
                shape.clients(),
                shape.size(),
                0,
                shape.window(),
                "none",
                warmupSeconds + seconds,
                warmupSeconds,
                0,
                0,
                0);
        Path dir = workDir.resolve(name);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            ChildProcess broker = ChildProcess.start(
                    name,
                    ChildProcess.java(
                            classpath,
                            brokerJvmOptions,
                            MqttCeilingBroker.class.getName(),
                            List.of(
                                    "--variant",
                                    variant.id(),
                                    "--work-dir",
                                    dir.resolve("broker").toString())),
                    dir.resolve("broker.log"));
            opened.add(broker);
            int port = Integer.parseInt(broker.await("READY", Duration.ofSeconds(120)));
            ChildProcess loadgen = ChildProcess.start(
                    "loadgen",
                    ChildProcess.java(
                            classpath, List.of("-Xmx512m"), LoadGenerator.class.getName(), E2eRun.loadArgs(load, port)),
                    dir.resolve("loadgen.log"));
            opened.add(loadgen);
            loadgen.await("CONNECTED", Duration.ofSeconds(180));
            loadgen.await("STARTED", Duration.ofSeconds(30));
            return watch(variant, load, broker, loadgen, System.nanoTime());
        } finally {
            for (int i = opened.size() - 1; i >= 0; i--) {
                opened.get(i).close();
            }
        }
    }

    /** Samples both processes over the measured window and prints progress until the load generator's RESULT. */
    private static Result watch(
            MqttCeilingBroker.Variant variant, RunSpec load, ChildProcess broker, ChildProcess loadgen, long startNanos)
            throws Exception {
        long warmupEnd = startNanos + TimeUnit.SECONDS.toNanos(load.warmupSeconds());
        long loadEnd = startNanos + TimeUnit.SECONDS.toNanos(load.durationSeconds());
        long nextPrint = startNanos + TimeUnit.SECONDS.toNanos(1);
        ProcessSample brokerFrom = null, brokerTo = null, loadFrom = null, loadTo = null, loadLast = null;
        double rssPeakMb = 0;
        long lastAcked = 0;
        while (true) {
            String result = loadgen.poll("RESULT");
            if (result == null && !loadgen.alive()) {
                result = loadgen.poll("RESULT"); // it may have printed it just before exiting
                if (result == null) {
                    throw new IllegalStateException("load generator died:\n" + loadgen.tail());
                }
            }
            long now = System.nanoTime();
            ProcessSample b = ProcessSample.of(broker.pid());
            rssPeakMb = Math.max(rssPeakMb, b.rssMb());
            ProcessSample l = ProcessSample.of(loadgen.pid());
            if (l.valid()) {
                loadLast = l; // it may exit right after its RESULT
            }
            if (brokerFrom == null && now >= warmupEnd) {
                brokerFrom = b;
                loadFrom = l;
            }
            if (brokerTo == null && brokerFrom != null && (now >= loadEnd || result != null)) {
                brokerTo = b;
                loadTo = loadLast;
            }
            if (now >= nextPrint) {
                nextPrint += TimeUnit.SECONDS.toNanos(1);
                long acked = field(loadgen.latestProgress(), "acked");
                System.out.printf(
                        "  [%s] t=%3.0fs acked=%,d (%,d/s) broker rss=%.0fMB%n",
                        load.name(), (now - startNanos) / 1e9, acked, acked - lastAcked, b.rssMb());
                lastAcked = acked;
            }
            if (result != null) {
                JsonNode r = JSON.readTree(result);
                double rate = r.get("measuredRate").asDouble();
                double brokerCpu = ProcessSample.cpuPercent(brokerFrom, brokerTo);
                double loadCpu = ProcessSample.cpuPercent(loadFrom, loadTo);
                return new Result(
                        variant.id(),
                        load.clients(),
                        load.window(),
                        load.size(),
                        r.get("measuredSeconds").asDouble(),
                        rate,
                        r.get("ackedTotal").asLong(),
                        r.get("failedTotal").asLong(),
                        r.get("pubackP50Ms").asDouble(),
                        r.get("pubackP99Ms").asDouble(),
                        brokerCpu,
                        loadCpu,
                        CpuBudget.microsPerMessage(brokerCpu, rate),
                        CpuBudget.microsPerMessage(loadCpu, rate),
                        rssPeakMb);
            }
            if (!broker.alive()) {
                throw new IllegalStateException("MQTT ceiling broker died:\n" + broker.tail());
            }
            Thread.sleep(TICK_MILLIS);
        }
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
