package io.fogbridge.bench;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Uplink;
import io.fogbridge.gateway.console.DeviceActivity;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the console's {@link DeviceActivity} adds to each message on the data path, in ns/op (average time): the same
 * messages handed to a pipeline stand-in that answers at once, once directly ({@code direct}) and once through {@code
 * DeviceActivity} ({@code throughActivity}). The difference is the console's cost per message: one map lookup, one
 * short lock, a copy of at most 4 KiB of the payload and a small record for the recent-messages ring.
 *
 * <p>Parameters: {@code payload} bytes (200: a telemetry reading; 4096: the most it keeps; 65536: a large one, of
 * which it keeps 4 KiB) and {@code senders} (1: one device; 1000: the messages cycle through a thousand devices, so
 * the map and the per-device state miss the CPU caches as on a busy gateway). {@code *Contended} runs two threads
 * that send as the same device, the worst case for the per-device lock. {@code watched}: whether a console page is
 * open (every message kept for the recent list) or not (kept once a second per sender).
 *
 * <p>Run: {@code bench/jmh.sh DeviceActivityBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DeviceActivityBenchmark {

    @Param({"200", "4096", "65536"})
    int payload;

    @Param({"1", "1000"})
    int senders;

    /** true: a console page is open, every message is kept; false: kept once a second per sender. */
    @Param({"true", "false"})
    boolean watched;

    private static final CompletableFuture<Outcome> DONE = CompletableFuture.completedFuture(Outcome.LOCAL);

    private final Uplink pipeline = message -> DONE;
    private DeviceActivity activity;
    private InboundMessage[] messages;

    @Setup(Level.Trial)
    public void setUp() {
        activity = new DeviceActivity(pipeline, System::currentTimeMillis);
        boolean watching = watched;
        activity.watchedBy(() -> watching);
        messages = new InboundMessage[senders];
        byte[] bytes = new byte[payload];
        java.util.Arrays.fill(bytes, (byte) 'x');
        for (int i = 0; i < senders; i++) {
            String device = "lathe-" + i;
            messages[i] = new InboundMessage(
                    "telemetry/plant-1/" + device,
                    bytes,
                    QoS.AT_LEAST_ONCE,
                    new DeviceRef("plant-1", device, device),
                    "application/json",
                    0,
                    false,
                    Map.of());
        }
    }

    /** Cycles through the senders; one counter per thread, so the threads do not share it. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        InboundMessage next(InboundMessage[] messages) {
            InboundMessage m = messages[next];
            next = next + 1 == messages.length ? 0 : next + 1;
            return m;
        }
    }

    @Benchmark
    public CompletableFuture<Outcome> direct(Cursor cursor) {
        return pipeline.accept(cursor.next(messages));
    }

    @Benchmark
    public CompletableFuture<Outcome> throughActivity(Cursor cursor) {
        return activity.accept(cursor.next(messages));
    }

    @Benchmark
    @Threads(2)
    public CompletableFuture<Outcome> throughActivityContended(Cursor cursor) {
        return activity.accept(messages[0]);
    }
}
