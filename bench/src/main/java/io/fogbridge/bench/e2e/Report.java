package io.fogbridge.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** Everything one invocation measured: the summary table on the console and the {@code --json} file. */
record Report(
        Machine machine,
        String loadAverageAfter,
        List<String> arguments,
        List<RunResult> runs,
        List<Ceiling.Result> ceilings,
        List<MqttCeiling.Result> mqttCeilings,
        List<String> failures) {

    void printTable(PrintStream out) {
        out.println();
        out.printf(
                "Machine: %d cores, %,d MB RAM, %s; load average before %s, after %s%n",
                machine.cores(), machine.memoryMb(), machine.cpu(), machine.loadAverage(), loadAverageAfter);
        String header = String.format(
                "%-18s %5s %5s %-10s %-9s %9s %8s %8s %8s %8s %7s %5s %5s %7s %6s %6s %6s %7s",
                "run", "cli", "size", "fsync", "offered", "msg/s", "p50ms", "p95ms", "p99ms", "maxms", "missing", "dup",
                "reord", "rssMB", "gwCPU%", "kfCPU%", "lgCPU%", "x ceil");
        out.println(header);
        out.println("-".repeat(header.length()));
        for (RunResult r : runs) {
            RunSpec s = r.spec();
            out.printf(
                    "%-18s %5d %5d %-10s %-9s %,9.0f %8.1f %8.1f %8.1f %8.1f %7d %5d %5d %7.0f %6.0f %6.0f %6.0f %7s%n",
                    s.name(),
                    s.clients(),
                    s.size(),
                    s.fsync(),
                    s.offered(),
                    r.msgPerSecond(),
                    r.p50Ms(),
                    r.p95Ms(),
                    r.p99Ms(),
                    r.maxMs(),
                    r.missing(),
                    r.duplicates(),
                    r.reordered(),
                    r.gatewayRssPeakMb(),
                    r.gatewayCpuPercent(),
                    r.kafkaCpuPercent(),
                    r.loadgenCpuPercent(),
                    r.ceilingRatio() == null ? "" : String.format("%.2f", r.ceilingRatio()));
        }
        for (RunResult r : runs) {
            out.printf(
                    "%s: PUBLISH->PUBACK p50 %.1f ms p99 %.1f ms; from the actual PUBLISH to Kafka p50 %.1f ms p99"
                            + " %.1f ms; spool %.0f fsync/s, %.1f records/fsync; acknowledged %,d, unconfirmed %d, read"
                            + " back %,d; consumer CPU %.0f%%; gateway RSS at end %.0f MB%n",
                    r.spec().name(),
                    r.pubackP50Ms(),
                    r.pubackP99Ms(),
                    r.fromActualSendP50Ms(),
                    r.fromActualSendP99Ms(),
                    r.syncsPerSecond(),
                    r.recordsPerSync(),
                    r.acked(),
                    r.unconfirmed(),
                    r.received(),
                    r.consumerCpuPercent(),
                    r.gatewayRssEndMb());
        }
        for (RunResult r : runs) {
            if (r.drain() != null) {
                RunResult.Drain d = r.drain();
                out.printf(
                        "%s: Kafka away %.0f s, backlog at restart %,d (peak %,d), reconnect %.1f s, drained in %.1f s"
                                + " at %,.0f records/s = %.1f x the ingest rate %,.0f msg/s%n",
                        r.spec().name(),
                        d.outageSeconds(),
                        d.backlogAtRestart(),
                        d.backlogPeak(),
                        d.secondsToReconnect(),
                        d.drainSeconds(),
                        d.drainRate(),
                        d.ratio(),
                        d.ingestRate());
            }
        }
        for (Ceiling.Result c : ceilings) {
            out.printf(
                    "ceiling %s: ProducerPerformance %d B, %s: %,.0f records/s (avg latency %.1f ms)%n",
                    c.name(),
                    c.recordSize(),
                    c.producerProps().replaceAll("bootstrap.servers=\\S+ ", ""),
                    c.recordsPerSecond(),
                    c.avgLatencyMs());
        }
        for (MqttCeiling.Result m : mqttCeilings) {
            out.printf(
                    "mqtt ceiling %s: %d clients, window %d, %d B, %.0f s: %,.0f msg/s; PUBLISH->PUBACK p50 %.1f ms p99"
                            + " %.1f ms; broker CPU %.0f%% (%.1f us/msg), load generator CPU %.0f%% (%.1f us/msg);"
                            + " broker RSS peak %.0f MB%s%n",
                    m.variant(),
                    m.clients(),
                    m.window(),
                    m.size(),
                    m.measuredSeconds(),
                    m.msgPerSecond(),
                    m.pubackP50Ms(),
                    m.pubackP99Ms(),
                    m.brokerCpuPercent(),
                    m.brokerMicrosPerMsg(),
                    m.loadgenCpuPercent(),
                    m.loadgenMicrosPerMsg(),
                    m.brokerRssPeakMb(),
                    m.failed() > 0 ? ", " + m.failed() + " publishes FAILED" : "");
        }
        for (RunResult r : runs) {
            if (r.bounds() != null) {
                printBounds(out, r);
            }
        }
        failures.forEach(f -> out.println("FAILED " + f));
    }

    private static void printBounds(PrintStream out, RunResult r) {
        RunBounds b = r.bounds();
        out.printf(
                "%s: gateway %,.0f msg/s = %s of the Kafka ceiling, %s of the bare MQTT ceiling, %s of the instant-ack"
                        + " MQTT ceiling%n",
                r.spec().name(),
                r.msgPerSecond(),
                ratio(r.ceilingRatio(), b.kafkaCeiling()),
                ratio(b.overMqttBare(), b.mqttBare()),
                ratio(b.overMqttInstantAck(), b.mqttInstantAck()));
        out.printf(
                "%s: CPU per message (us): gateway %.1f, Kafka %.1f, load generator %.1f, consumer %.1f; %d cores%n",
                r.spec().name(),
                b.gatewayMicrosPerMsg(),
                b.kafkaMicrosPerMsg(),
                b.loadgenMicrosPerMsg(),
                b.consumerMicrosPerMsg(),
                b.cores());
        out.printf(
                "%s: bound if the gateway were free: %s msg/s (= %s of the Kafka ceiling)%n",
                r.spec().name(), rate(b.boundIfGatewayFree()), fraction(b.boundIfGatewayFreeOverKafkaCeiling()));
        if (b.boundWithMqttLayerOnly() != null) {
            out.printf(
                    "%s: bound if only the gateway's MQTT layer cost CPU (instant-ack broker, %.1f us/msg): %s msg/s"
                            + " (= %s of the Kafka ceiling)%n",
                    r.spec().name(),
                    b.instantAckBrokerMicrosPerMsg(),
                    rate(b.boundWithMqttLayerOnly()),
                    fraction(b.boundWithMqttLayerOnlyOverKafkaCeiling()));
        }
    }

    /** "0.05 (398,720/s)", or "- (not measured)". */
    private static String ratio(Double ratio, Double ceiling) {
        return ceiling == null ? "- (not measured)" : fraction(ratio) + " (" + rate(ceiling) + "/s)";
    }

    private static String fraction(Double value) {
        return value == null ? "-" : String.format("%.2f", value);
    }

    private static String rate(Double value) {
        return value == null ? "-" : String.format("%,.0f", value);
    }

    void writeJson(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }
}
