package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.Units;
import io.fogbridge.api.config.ValueTypes;
import io.fogbridge.spool.FsyncPolicy;
import io.fogbridge.spool.FullPolicy;
import io.fogbridge.spool.SpoolOptions;
import java.time.Duration;
import java.util.List;

/** {@code spool.*}: the durable store's bounds and durability. Policies are parsed once, by the spool's own rules. */
public final class SpoolSection implements ConfigSection<SpoolSettings> {

    public static final ConfigKey<Long> MAX_BYTES = ConfigKey.define(
            "spool.maxBytes",
            ValueTypes.size(1L << 20, Long.MAX_VALUE),
            1L << 30,
            "Bound on the spool's bytes on disk; at the bound `spool.whenFull` applies.");

    public static final ConfigKey<Duration> MAX_AGE = ConfigKey.define(
            "spool.maxAge",
            ValueTypes.duration(true),
            Duration.ZERO,
            "Records older than this are dropped (counted in metrics); 0 = no age limit.");

    public static final ConfigKey<FsyncPolicy> FSYNC = ConfigKey.define(
            "spool.fsync",
            ValueTypes.scalar("'group' or 'interval:<ms>'", FsyncPolicy::parse, FsyncPolicy::toString),
            FsyncPolicy.group(),
            "`group`: acknowledge after fsync, with group commit (survives power loss). `interval:<ms>`: acknowledge"
                    + " once the OS has the write, fsync every <ms> (survives a process crash; a power cut may lose"
                    + " the last <ms>).");

    public static final ConfigKey<FullPolicy> WHEN_FULL = ConfigKey.define(
            "spool.whenFull",
            ValueTypes.scalar("block | drop-oldest | drop-newest", FullPolicy::parse, FullPolicy::id),
            FullPolicy.BLOCK,
            "At the bound: `block` (devices wait for space, then get an error), `drop-oldest`, `drop-newest`."
                    + " Every drop is counted and logged. Applies to QoS 1: a QoS 0 record that finds the spool full is"
                    + " always dropped and counted (`reason=\"full\",qos=\"0\"`), never held in memory.");

    public static final ConfigKey<Long> SEGMENT_BYTES = ConfigKey.define(
            "spool.segmentBytes",
            ValueTypes.size(64L << 10, 1L << 30),
            SpoolOptions.DEFAULT_SEGMENT_BYTES,
            "Size of one segment file; space is freed a whole segment at a time, so `spool.maxBytes` must be at least"
                    + " twice this. Unset: 64 MiB, or a quarter of `spool.maxBytes` when that is smaller.");

    public static final ConfigKey<Duration> GROUP_COMMIT_DELAY = ConfigKey.define(
            "spool.groupCommitDelay",
            ValueTypes.scalar(
                    "a duration of 0 to " + SpoolOptions.MAX_GROUP_COMMIT_DELAY.toMillis() + " ms, e.g. 8ms",
                    SpoolSection::groupCommitDelay,
                    Units::formatDuration),
            SpoolOptions.DEFAULT_GROUP_COMMIT_DELAY,
            "Under `group`: the longest an append may wait for company before its fsync, when the measured arrival"
                    + " rate says more appends are coming (fewer fsyncs and less CPU at moderate rates, up to this much"
                    + " more acknowledgement latency). `0ms` = fsync as soon as one append is in hand.");

    @Override
    public String name() {
        return "spool";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(MAX_BYTES, MAX_AGE, FSYNC, WHEN_FULL, SEGMENT_BYTES, GROUP_COMMIT_DELAY);
    }

    @Override
    public SpoolSettings build(SectionValues values, Problems problems) {
        long maxBytes = values.get(MAX_BYTES);
        long segmentBytes =
                values.isSet(SEGMENT_BYTES) ? values.get(SEGMENT_BYTES) : SpoolOptions.defaultSegmentBytes(maxBytes);
        // The spool's own rule, so that what passes here opens there.
        String sizes = SpoolOptions.sizeProblem(maxBytes, segmentBytes);
        if (sizes != null) {
            ConfigKey<?> blame = values.isSet(MAX_BYTES) ? MAX_BYTES : SEGMENT_BYTES;
            problems.add(values.origin(blame), blame.path(), sizes);
            return null;
        }
        return new SpoolSettings(
                maxBytes,
                values.get(MAX_AGE),
                values.get(FSYNC),
                values.get(WHEN_FULL),
                segmentBytes,
                values.get(GROUP_COMMIT_DELAY));
    }

    private static Duration groupCommitDelay(String text) {
        Duration delay = Units.parseDuration(text);
        if (delay.compareTo(SpoolOptions.MAX_GROUP_COMMIT_DELAY) > 0) {
            throw new IllegalArgumentException("at most " + SpoolOptions.MAX_GROUP_COMMIT_DELAY.toMillis()
                    + " ms: it is added to every" + " acknowledgement at moderate loads");
        }
        return delay;
    }
}
