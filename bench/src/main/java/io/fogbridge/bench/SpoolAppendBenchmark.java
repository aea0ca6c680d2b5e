package io.fogbridge.bench;

import io.fogbridge.api.Envelope;
import io.fogbridge.pipeline.Enricher;
import io.fogbridge.spool.SegmentedSpool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Spool append with JMH: the envelope of a 200-byte telemetry publish as the gateway's pipeline builds it (built-in
 * telemetry route, topic {@code fog.telemetry.plant-1}, key the device id, the contract headers from
 * {@link Enricher} plus one label), appended to a {@link SegmentedSpool} under {@code fsync: group} and
 * {@code interval:5}. Score = appends/s whose future completed, summed over threads.
 *
 * <ul>
 *   <li>{@link #inFlight}: one thread appends {@value #BATCH} records, then waits for all their futures (many in
 *       flight, as when many connections publish at once);
 *   <li>{@link #waitEach1}, {@link #waitEach10}, {@link #waitEach100}: that many threads, each waiting for its own
 *       append before the next, like MQTT connections (the broker handles one intercepted publish per client at a
 *       time).
 * </ul>
 *
 * <p>Bounded disk: each iteration (warm-up included) gets a fresh spool directory, deleted after the iteration, so
 * at most one iteration's records (~1 GB at 1 M appends/s) are on disk. Nothing reads the spool. At the end of each
 * iteration the fork prints the records per fsync round and bytes per record, to read the score against.
 *
 * <p>Run: {@code bench/jmh.sh SpoolAppendBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SpoolAppendBenchmark {
    static final int BATCH = 4096;

    @Param({"group", "interval:5"})
    public String fsync;

    private Envelope envelope;
    private Path dir;
    private SegmentedSpool spool;

    @Setup(Level.Trial)
    public void envelope() {
        // the same record every append: telemetry/plant-1/lathe-0042
        envelope = BenchRecords.gatewayEnvelope(42, System.currentTimeMillis());
    }

    @Setup(Level.Iteration)
    public void open() throws IOException {
        dir = ScratchSpool.create("spool-append-jmh");
        spool = SegmentedSpool.open(ScratchSpool.options(dir, fsync));
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        long appended = spool.stats().appended();
        long bytes = spool.stats().bytes();
        long syncs = spool.syncCount();
        spool.close();
        System.out.printf(
                Locale.ROOT,
                "  [%s: %,d appends, %.1f records per fsync round, %d B per record on disk]%n",
                fsync,
                appended,
                appended / (double) Math.max(1, syncs),
                bytes / Math.max(1, appended));
        ScratchSpool.delete(dir);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long inFlight() {
        @SuppressWarnings("unchecked")
        CompletableFuture<Long>[] futures = new CompletableFuture[BATCH];
        for (int i = 0; i < BATCH; i++) {
            futures[i] = spool.append(envelope);
        }
        long last = 0;
        for (CompletableFuture<Long> f : futures) {
            last = f.join();
        }
        return last;
    }

    @Benchmark
    @Threads(1)
    public long waitEach1() {
        return spool.append(envelope).join();
    }

    @Benchmark
    @Threads(10)
    public long waitEach10() {
        return spool.append(envelope).join();
    }

    @Benchmark
    @Threads(100)
    public long waitEach100() {
        return spool.append(envelope).join();
    }
}
