package io.fogbridge.gateway;

import io.fogbridge.gateway.config.SpoolSettings;
import io.fogbridge.spool.SegmentedSpool;
import io.fogbridge.spool.SpoolOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The durable store between the devices and Kafka ({@code spool.*}), opened first: every later stage writes into it
 * or reads from it, and a device is acknowledged only once its record is here.
 */
final class SpoolStage {

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

    private static SpoolOptions options(SpoolSettings settings, Path dir, Clock clock) {
        return SpoolOptions.builder(dir)
                .maxBytes(settings.maxBytes())
                .maxAge(settings.maxAge())
                .fsync(settings.fsync())
                .whenFull(settings.whenFull())
                .segmentBytes(settings.segmentBytes())
                .clock(clock)
                .build();
    }
}
