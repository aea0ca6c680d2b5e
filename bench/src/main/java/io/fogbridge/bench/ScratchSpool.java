package io.fogbridge.bench;

import io.fogbridge.api.Envelope;
import io.fogbridge.spool.FsyncPolicy;
import io.fogbridge.spool.SegmentedSpool;
import io.fogbridge.spool.SpoolOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * Temporary spool directories for the JMH benchmarks: create one, open spools in it, fill it, delete it with all its
 * segments. Stateless; the benchmark owns the directory between {@link #create} and {@link #delete}.
 */
final class ScratchSpool {
    /** Appends allowed in flight while filling: bounds the futures held, keeps the writer's batches full. */
    private static final int FILL_WINDOW = 8192;

    private ScratchSpool() {}

    /** A new empty directory under the system temp directory, named {@code prefix} plus a random suffix. */
    static Path create(String prefix) throws IOException {
        return Files.createTempDirectory(prefix);
    }

    /**
     * Options for a spool in {@code dir} under the given fsync policy (as in the config, e.g. {@code interval:5}). The
     * size bound (8 GiB) is never reached: the benchmarks start from a fresh directory.
     */
    static SpoolOptions options(Path dir, String fsync) {
        return SpoolOptions.builder(dir)
                .fsync(FsyncPolicy.parse(fsync))
                .maxBytes(8L << 30)
                .build();
    }

    /**
     * Opens a spool with {@code options}, appends {@code count} records ({@code record} of 0, 1, …, in that order),
     * waits until all are durable and closes it. Not timed by the benchmarks (setup).
     */
    static void fill(SpoolOptions options, int count, IntFunction<Envelope> record) throws IOException {
        try (SegmentedSpool s = SegmentedSpool.open(options)) {
            append(s, count, record);
        }
    }

    /** Appends {@code count} records to an open spool and waits until all are durable. */
    static void append(SegmentedSpool s, int count, IntFunction<Envelope> record) {
        ArrayDeque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
        for (int i = 0; i < count; i++) {
            inFlight.add(s.append(record.apply(i)));
            if (inFlight.size() >= FILL_WINDOW) {
                inFlight.poll().join();
            }
        }
        inFlight.forEach(CompletableFuture::join);
    }

    /** Deletes {@code dir} and everything below it (the spool in it must be closed). */
    static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
