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
                    "%s: PUBLISH->PUBACK p50 %.1f ms p99 %.1f ms; spool %.0f fsync/s, %.1f records/fsync;"
                            + " acknowledged %,d, unconfirmed %d, read back %,d; consumer CPU %.0f%%; gateway RSS at end"
                            + " %.0f MB%n",
                    r.spec().name(),
                    r.pubackP50Ms(),
                    r.pubackP99Ms(),
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
        failures.forEach(f -> out.println("FAILED " + f));
    }

    void writeJson(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }
}
