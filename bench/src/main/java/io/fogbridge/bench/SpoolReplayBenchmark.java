package io.fogbridge.bench;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.SpooledRecord;
import io.fogbridge.spool.FsyncPolicy;
import io.fogbridge.spool.SegmentedSpool;
import io.fogbridge.spool.SpoolOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Replay with JMH: each invocation opens the spool (recovery scan not timed), then the timed
 * part drains 500,000 records of 200-byte payloads through the cursor. Score = records/s.
 *
 * <p>Run: {@code bench/spool-bench.sh jmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SpoolReplayBenchmark {
    static final int RECORDS = 500_000;

    private Path dir;
    private SegmentedSpool spool;

    @Setup(Level.Trial)
    public void fill() throws Exception {
        dir = Files.createTempDirectory("spool-replay-jmh");
        byte[] payload = new byte[200];
        Envelope e = new Envelope(
                "fog.telemetry.bench",
                "device-0001",
                Map.of("device_id", "device-0001"),
                payload,
                0,
                QoS.AT_LEAST_ONCE,
                Lane.BULK);
        try (SegmentedSpool s = SegmentedSpool.open(options())) {
            ArrayDeque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
            for (int i = 0; i < RECORDS; i++) {
                inFlight.add(s.append(e));
                if (inFlight.size() >= 8192) {
                    inFlight.poll().join();
                }
            }
            inFlight.forEach(CompletableFuture::join);
        }
    }

    private SpoolOptions options() {
        return SpoolOptions.builder(dir)
                .fsync(FsyncPolicy.parse("interval:5"))
                .maxBytes(8L << 30)
                .build();
    }

    @Setup(Level.Invocation)
    public void open() throws IOException {
        spool = SegmentedSpool.open(options());
    }

    @TearDown(Level.Invocation)
    public void close() {
        spool.close();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long replay() throws InterruptedException {
        long n = 0;
        long sum = 0;
        while (n < RECORDS) {
            List<SpooledRecord> got = spool.cursor().poll(10_000, 1000);
            if (got.isEmpty()) {
                throw new IllegalStateException("replay stalled at " + n);
            }
            n += got.size();
            sum += got.get(got.size() - 1).sequence();
        }
        return sum;
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
