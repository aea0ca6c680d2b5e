package io.fogbridge.bench;

import io.fogbridge.api.Envelope;
import io.fogbridge.spool.SegmentedSpool;
import io.fogbridge.spool.SpoolOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * The spool alone at a fixed, moderate rate, the way the gateway drives it: {@code clients} appenders, each waiting
 * for its own acknowledgement before its next append (an MQTT connection under HiveMQ CE), together offering {@code
 * rate} appends/s on a fixed schedule (a late appender sends at once). Reports, for each group-commit delay given, the
 * process CPU per append (whole JVM: appenders, writer, completions), fsyncs per append, and append→ack latency.
 * Both delays run in the same JVM, alternating, so a busy machine affects them alike.
 *
 * <pre>
 * bench/spool-paced.sh [rate=1000] [clients=100] [seconds=10] [rounds=3] [delays-ms=0,2]
 * </pre>
 */
public final class SpoolPacedBench {

    private SpoolPacedBench() {}

    public static void main(String[] args) throws Exception {
        double rate = args.length > 0 ? Double.parseDouble(args[0]) : 1000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        String[] delays = (args.length > 4 ? args[4] : "0,2").split(",");
        System.out.printf(
                "spool paced: %.0f appends/s from %d waiting appenders, %d s per run, %d rounds, group commit delays %s"
                        + " ms; load average %s%n",
                rate, clients, seconds, rounds, String.join(",", delays), loadAverage());
        for (int round = 1; round <= rounds; round++) {
            for (String d : delays) {
                run(rate, clients, seconds, Duration.ofMillis(Long.parseLong(d.trim())), round);
            }
        }
    }

    private static void run(double rate, int clients, int seconds, Duration delay, int round) throws Exception {
        Path dir = ScratchSpool.create("spool-paced-");
        SpoolOptions options = SpoolOptions.builder(dir)
                .maxBytes(8L << 30)
                .groupCommitDelay(delay)
                .build();
        Envelope envelope = BenchRecords.gatewayEnvelope(42, System.currentTimeMillis());
        LongAdder done = new LongAdder();
        Recorder latency = new Recorder(3);
        try (SegmentedSpool spool = SegmentedSpool.open(options)) {
            // warm-up: a second at the rate
            drive(spool, envelope, rate, clients, 1, done, latency);
            latency.reset();
            long syncs0 = spool.syncCount();
            long done0 = done.sum();
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            drive(spool, envelope, rate, clients, seconds, done, latency);
            long wall = System.nanoTime() - t0;
            long cpu = processCpuNanos() - cpu0;
            long n = done.sum() - done0;
            long syncs = spool.syncCount() - syncs0;
            var h = latency.getIntervalHistogram();
            System.out.printf(
                    "round %d delay %d ms: %,d appends in %.1f s (%,.0f/s); CPU %.1f us per append (%.0f%% of a core);"
                            + " %.2f appends per fsync; ack p50 %.2f p99 %.2f ms; load %s%n",
                    round,
                    delay.toMillis(),
                    n,
                    wall / 1e9,
                    n / (wall / 1e9),
                    cpu / 1e3 / n,
                    cpu * 100.0 / wall,
                    (double) n / Math.max(1, syncs),
                    h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0,
                    loadAverage());
        } finally {
            ScratchSpool.delete(dir);
        }
    }

    /** Client k % clients appends at start + k / rate, after its previous append was acknowledged. */
    private static void drive(
            SegmentedSpool spool,
            Envelope envelope,
            double rate,
            int clients,
            int seconds,
            LongAdder done,
            Recorder latency)
            throws Exception {
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        double interval = 1e9 / rate;
        Thread[] threads = new Thread[clients];
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads[c] = Thread.ofPlatform().start(() -> {
                for (long k = client; ; k += clients) {
                    long due = start + (long) (k * interval);
                    if (due >= end) {
                        return;
                    }
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    long t = System.nanoTime();
                    CompletableFuture<Long> f = spool.append(envelope);
                    f.join();
                    latency.recordValue((System.nanoTime() - t) / 1000);
                    done.increment();
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String loadAverage() {
        return String.format(
                "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
