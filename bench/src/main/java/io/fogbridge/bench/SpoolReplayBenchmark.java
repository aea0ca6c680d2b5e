package io.fogbridge.bench;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.SpooledRecord;
import io.fogbridge.spool.SegmentedSpool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * part drains 500,000 records of 200-byte payloads through the cursor. Score = records/s. The records are
 * {@link BenchRecords#oneHeaderEnvelope()}, not the gateway's shape: the spool's own read cost.
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
        dir = ScratchSpool.create("spool-replay-jmh");
        Envelope e = BenchRecords.oneHeaderEnvelope();
        ScratchSpool.fill(ScratchSpool.options(dir, "interval:5"), RECORDS, i -> e);
    }

    @Setup(Level.Invocation)
    public void open() throws IOException {
        spool = SegmentedSpool.open(ScratchSpool.options(dir, "interval:5"));
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
        ScratchSpool.delete(dir);
    }
}
