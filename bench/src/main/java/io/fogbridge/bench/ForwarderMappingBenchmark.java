package io.fogbridge.bench;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.SpooledRecord;
import io.fogbridge.pipeline.Enricher;
import io.fogbridge.spool.SegmentedSpool;
import io.fogbridge.spool.SpoolOptions;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The forwarder's per-record work on the path spool record → Kafka record, without the Kafka client: records of
 * the gateway's shape (200-byte payload, the 7 contract headers the {@link Enricher} writes plus one label, 100
 * devices interleaved, a creation time per record) are read back through the spool cursor in the forwarder's batches
 * of 1,000 and mapped to {@link ProducerRecord}s by the forwarder's own mapper. Score = ns per record; add
 * {@code -prof gc} for bytes allocated per record ({@code gc.alloc.rate.norm}).
 *
 * <ul>
 *   <li>{@code pollAndMap}: cursor poll (scan, CRC, decode) + mapping, what {@code KafkaForwarder} does per record
 *       before {@code KafkaProducer.send}. The spool is opened before each invocation (not timed).
 *   <li>{@code mapOnly}: mapping alone, of records decoded once in the setup.
 * </ul>
 *
 * <p>{@code RecordMapper} is package-private in {@code fogbridge-kafka}; it is reached by reflection once, so the
 * same class measures the jars of any commit. Run: {@code bench/jmh.sh ForwarderMapping -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ForwarderMappingBenchmark {
    static final int RECORDS = 100_000;
    static final int DEVICES = 100;
    static final int POLL_BATCH = 1_000;

    private static final MethodHandle NEW_MAPPER;
    private static final MethodHandle TO_PRODUCER_RECORD;

    static {
        try {
            Class<?> type = Class.forName("io.fogbridge.kafka.RecordMapper");
            Constructor<?> constructor = type.getDeclaredConstructor(String.class);
            constructor.setAccessible(true);
            Method map = type.getDeclaredMethod("toProducerRecord", SpooledRecord.class);
            map.setAccessible(true);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            // erased types, so invokeExact below links once
            NEW_MAPPER =
                    lookup.unreflectConstructor(constructor).asType(MethodType.methodType(Object.class, String.class));
            TO_PRODUCER_RECORD = lookup.unreflect(map)
                    .asType(MethodType.methodType(ProducerRecord.class, Object.class, SpooledRecord.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Path dir;
    private SegmentedSpool spool;
    private Object mapper;
    private List<SpooledRecord> decoded;

    @Setup(Level.Trial)
    public void fill() throws Throwable {
        dir = ScratchSpool.create("forwarder-mapping-jmh");
        long arrival = System.currentTimeMillis();
        Envelope[] byDevice = new Envelope[DEVICES];
        ScratchSpool.fill(options(), RECORDS, i -> {
            // one template per device, re-stamped per record: the Enricher's creation-time is unique per record
            int device = i % DEVICES;
            if (byDevice[device] == null) {
                byDevice[device] = BenchRecords.gatewayEnvelope(device, arrival);
            }
            return stamped(byDevice[device], arrival + i);
        });
        decoded = new ArrayList<>(RECORDS);
        try (SegmentedSpool s = SegmentedSpool.open(options())) {
            while (decoded.size() < RECORDS) {
                List<SpooledRecord> got = s.cursor().poll(POLL_BATCH, 1000);
                if (got.isEmpty()) {
                    throw new IllegalStateException("spool stalled at " + decoded.size());
                }
                decoded.addAll(got);
            }
        }
        mapper = (Object) NEW_MAPPER.invokeExact("edge-1");
    }

    private static Envelope stamped(Envelope e, long arrival) {
        Map<String, String> headers = new LinkedHashMap<>(e.headers());
        headers.put("creation-time", Long.toString(arrival));
        return new Envelope(e.topic(), e.key(), headers, e.payload(), arrival, e.qos(), e.lane());
    }

    private SpoolOptions options() {
        return ScratchSpool.options(dir, "interval:5");
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
    public void pollAndMap(Blackhole bh) throws Throwable {
        int n = 0;
        while (n < RECORDS) {
            List<SpooledRecord> got = spool.cursor().poll(POLL_BATCH, 1000);
            if (got.isEmpty()) {
                throw new IllegalStateException("replay stalled at " + n);
            }
            for (SpooledRecord r : got) {
                bh.consume((ProducerRecord<?, ?>) TO_PRODUCER_RECORD.invokeExact(mapper, r));
            }
            n += got.size();
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void mapOnly(Blackhole bh) throws Throwable {
        for (SpooledRecord r : decoded) {
            bh.consume((ProducerRecord<?, ?>) TO_PRODUCER_RECORD.invokeExact(mapper, r));
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        ScratchSpool.delete(dir);
    }
}
