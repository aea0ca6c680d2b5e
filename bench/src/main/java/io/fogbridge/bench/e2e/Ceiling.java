package io.fogbridge.bench.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ceiling: Kafka's own {@code ProducerPerformance} (kafka-tools) with the benchmark's record size,
 * {@code acks=all} and {@code enable.idempotence=true}, as fast as it goes, against the same broker, as its
 * own process. Its other producer settings are the client defaults unless {@code extraProps} says otherwise.
 *
 * <p>It runs for a fixed time, not a fixed count, so the same command fits a slow and a fast machine:
 * ProducerPerformance prints a windowed rate every 5 s; the first window (connection, metadata, JIT) is left
 * out and the rest are averaged weighted by records.
 */
final class Ceiling {

    private static final Pattern WINDOW = Pattern.compile(
            "^(\\d+) records sent, ([\\d.]+) records/sec .*?([\\d.]+) ms avg latency, ([\\d.]+) ms max latency");

    private Ceiling() {}

    record Result(
            String name,
            int recordSize,
            double recordsPerSecond,
            double avgLatencyMs,
            String producerProps,
            int windows) {}

    static Result measure(
            String name,
            String classpath,
            String bootstrap,
            String topic,
            int recordSize,
            Duration duration,
            List<String> extraProps,
            Path log)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--topic",
                topic,
                "--num-records",
                "1000000000",
                "--record-size",
                Integer.toString(recordSize),
                "--throughput",
                "-1",
                "--producer-props",
                "bootstrap.servers=" + bootstrap,
                "acks=all",
                "enable.idempotence=true"));
        args.addAll(extraProps);
        ChildProcess producer = ChildProcess.start(
                name, ChildProcess.java(classpath, List.of(), "org.apache.kafka.tools.ProducerPerformance", args), log);
        long records = 0;
        double weightedSeconds = 0;
        double latencySum = 0;
        int windows = 0;
        int seen = 0;
        long deadline = System.nanoTime() + duration.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                String line;
                try {
                    line = producer.await("", Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                } catch (IllegalStateException timeUp) {
                    if (producer.alive()) {
                        break;
                    }
                    throw timeUp;
                }
                Matcher m = WINDOW.matcher(line);
                if (!m.find()) {
                    continue;
                }
                if (seen++ == 0) {
                    continue; // warm-up window
                }
                long n = Long.parseLong(m.group(1));
                double rate = Double.parseDouble(m.group(2));
                records += n;
                weightedSeconds += n / rate;
                latencySum += Double.parseDouble(m.group(3)) * n;
                windows++;
                System.out.printf("  [ceiling %s] %,.0f records/s (window %d)%n", name, rate, windows);
            }
        } finally {
            producer.close();
        }
        if (windows == 0) {
            throw new IllegalStateException(
                    "ProducerPerformance printed no full window in " + duration + " (log " + log + ")");
        }
        return new Result(
                name,
                recordSize,
                records / weightedSeconds,
                latencySum / records,
                String.join(" ", args.subList(args.indexOf("--producer-props") + 1, args.size())),
                windows);
    }
}
