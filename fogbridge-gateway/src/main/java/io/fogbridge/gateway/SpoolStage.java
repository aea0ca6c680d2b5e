package io.fogbridge.gateway;

import io.fogbridge.gateway.config.SpoolSettings;
import io.fogbridge.spool.SegmentedSpool;
import io.fogbridge.spool.SpoolOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable store between the devices and Kafka ({@code spool.*}), opened first: every later stage writes into it
 * or reads from it, and a device is acknowledged only once its record is here. A data dir that is not writable opens
 * the spool read-only ({@link SegmentedSpool#readOnly()}): the gateway starts, forwards the backlog on disk, refuses
 * new QoS 1 data ("spool: data dir is read-only"), runs no command path, and says so in {@code /readyz}.
 */
final class SpoolStage {

    private static final Logger log = LoggerFactory.getLogger(SpoolStage.class);

    private SpoolStage() {}

    /**
     * Opens (or recovers) the spool in {@code dir} and registers its {@code fogbridge.spool.*} meters.
     *
     * @throws IOException the directory cannot be used: the gateway must not start
     */
    static SegmentedSpool open(
            SpoolSettings settings, Path dir, Clock clock, MeterRegistry registry, StartedStages stages)
            throws IOException {
        SegmentedSpool spool = stages.push(SegmentedSpool.open(options(settings, dir, clock)));
        spool.bindMetrics(registry);
        return spool;
    }

    /**
     * Where the other stages keep their working files (the embedded broker's folders): the data dir, or, when the
     * spool found it read-only, a temporary directory, so that the gateway still starts and forwards the backlog. The
     * gateway deletes that directory when it stops: a gateway whose card went read-only is restarted by its supervisor
     * again and again, and /tmp is often RAM.
     */
    static Path workDir(SegmentedSpool spool, Path dataDir, StartedStages stages) throws IOException {
        if (!spool.readOnly()) {
            return dataDir;
        }
        Path scratch = Files.createTempDirectory("fogbridge-readonly-");
        log.warn("data dir {} is read-only: the broker's working files go to {}", dataDir, scratch);
        stages.push(() -> deleteTree(scratch));
        return scratch;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static SpoolOptions options(SpoolSettings settings, Path dir, Clock clock) {
        return SpoolOptions.builder(dir)
                .maxBytes(settings.maxBytes())
                .maxAge(settings.maxAge())
                .fsync(settings.fsync())
                .whenFull(settings.whenFull())
                .segmentBytes(settings.segmentBytes())
                .groupCommitDelay(settings.groupCommitDelay())
                .clock(clock)
                .build();
    }
}
