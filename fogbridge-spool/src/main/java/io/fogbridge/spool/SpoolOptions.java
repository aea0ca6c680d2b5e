package io.fogbridge.spool;

import io.fogbridge.api.Ticker;
import io.fogbridge.api.config.Units;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Configuration of a {@link SegmentedSpool}. Immutable; build with {@link #builder(Path)}.
 *
 * @param directory    the spool's own directory (created if missing); one process at a time
 * @param maxBytes     bound on segment bytes on disk, all lanes (default 1 GiB)
 * @param maxAge       records older than this are dropped (reason {@code max-age}); {@link Duration#ZERO} = unlimited
 * @param fsync        durability of an acknowledged append (default {@code group})
 * @param whenFull     policy at {@code maxBytes} (default {@code block})
 * @param segmentBytes segment file size before rolling (default 64 MiB, at most {@code maxBytes / 2})
 * @param blockTimeout how long an append may wait for room under {@code block} (default 30 s)
 * @param clock        wall time: arrival times and the {@code maxAge} cutoff; tests inject their own
 * @param ticker       elapsed time: {@code blockTimeout}, the {@code interval:<ms>} and commit-log fsync timers, how
 *                     often {@code maxAge} is checked; tests inject their own
 * @param groupCommitDelay under {@code group}: the longest an append may be held for company before its fsync, when
 *                     the load is moderate enough that appends would otherwise pay one fsync each (default 2 ms,
 *                     {@link Duration#ZERO} = never hold); see {@code GroupCommitWindow}
 */
public record SpoolOptions(
        Path directory,
        long maxBytes,
        Duration maxAge,
        FsyncPolicy fsync,
        FullPolicy whenFull,
        long segmentBytes,
        Duration blockTimeout,
        InstantSource clock,
        Ticker ticker,
        Duration groupCommitDelay) {

    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    /** Smallest accepted segment size: a few records plus the header. */
    public static final long MIN_SEGMENT_BYTES = 4096;
    /**
     * Default {@code groupCommitDelay}. At 1,000 appends/s from 100 connections, 2 ms gave 3 appends per fsync and
     * 8 ms gives 9, which takes the gateway's CPU per message from about 300 to 230 µs (BENCHMARKS.md, session 15):
     * every group commit costs an fsync, a wake-up of each connection's event loop it answers, and the forwarder's
     * and the producer's turns. The price is acknowledgement latency at such loads (PUBACK p50 2.5 → 6 ms). At
     * 5,000 appends/s the hold ends at 16 appends, after about 3 ms, as it did with 2 ms.
     */
    public static final Duration DEFAULT_GROUP_COMMIT_DELAY = Duration.ofMillis(8);
    /** Longest accepted {@code groupCommitDelay}: it is added to acknowledgement latency at moderate loads. */
    public static final Duration MAX_GROUP_COMMIT_DELAY = Duration.ofMillis(100);

    /** The options without a {@code groupCommitDelay}: the default applies (kept for callers of the earlier form). */
    public SpoolOptions(
            Path directory,
            long maxBytes,
            Duration maxAge,
            FsyncPolicy fsync,
            FullPolicy whenFull,
            long segmentBytes,
            Duration blockTimeout,
            InstantSource clock,
            Ticker ticker) {
        this(
                directory,
                maxBytes,
                maxAge,
                fsync,
                whenFull,
                segmentBytes,
                blockTimeout,
                clock,
                ticker,
                DEFAULT_GROUP_COMMIT_DELAY);
    }

    public SpoolOptions {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(whenFull, "whenFull");
        Objects.requireNonNull(blockTimeout, "blockTimeout");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(groupCommitDelay, "groupCommitDelay");
        if (groupCommitDelay.isNegative() || groupCommitDelay.compareTo(MAX_GROUP_COMMIT_DELAY) > 0) {
            throw new IllegalArgumentException("groupCommitDelay must be 0 to " + MAX_GROUP_COMMIT_DELAY.toMillis()
                    + " ms, got " + groupCommitDelay);
        }
        if (segmentBytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException(
                    "spool.segmentBytes must be >= " + MIN_SEGMENT_BYTES + ", got " + segmentBytes);
        }
        String sizes = sizeProblem(maxBytes, segmentBytes);
        if (sizes != null) {
            throw new IllegalArgumentException(sizes);
        }
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("spool.maxAge must not be negative, got " + maxAge);
        }
        if (blockTimeout.isNegative()) {
            throw new IllegalArgumentException("blockTimeout must not be negative, got " + blockTimeout);
        }
    }

    /**
     * The rule between the two bounds, shared with the gateway's config check so that a file {@code config check}
     * accepts never fails here: the spool frees a whole segment at a time and writes into another, so it needs room for
     * two.
     *
     * @return null when they fit, else why not, naming the config keys
     */
    public static String sizeProblem(long maxBytes, long segmentBytes) {
        if (maxBytes / 2 >= segmentBytes) {
            return null;
        }
        return "spool.maxBytes (" + Units.formatSize(maxBytes) + ") must be at least twice spool.segmentBytes ("
                + Units.formatSize(segmentBytes) + ")";
    }

    /** The segment size when none is given: {@value #DEFAULT_SEGMENT_BYTES} bytes, or {@code maxBytes / 4} if smaller. */
    public static long defaultSegmentBytes(long maxBytes) {
        return Math.max(MIN_SEGMENT_BYTES, Math.min(DEFAULT_SEGMENT_BYTES, maxBytes / 4));
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** Not thread-safe. */
    public static final class Builder {
        private final Path directory;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private Duration maxAge = Duration.ZERO;
        private FsyncPolicy fsync = FsyncPolicy.group();
        private FullPolicy whenFull = FullPolicy.BLOCK;
        private long segmentBytes = -1;
        private Duration blockTimeout = Duration.ofSeconds(30);
        private InstantSource clock = InstantSource.system();
        private Ticker ticker = Ticker.system();
        private Duration groupCommitDelay = DEFAULT_GROUP_COMMIT_DELAY;

        private Builder(Path directory) {
            this.directory = directory;
        }

        public Builder maxBytes(long v) {
            this.maxBytes = v;
            return this;
        }

        public Builder maxAge(Duration v) {
            this.maxAge = v;
            return this;
        }

        public Builder fsync(FsyncPolicy v) {
            this.fsync = v;
            return this;
        }

        public Builder whenFull(FullPolicy v) {
            this.whenFull = v;
            return this;
        }
        /** Default: 64 MiB, or {@code maxBytes / 4} when that is smaller. */
        public Builder segmentBytes(long v) {
            this.segmentBytes = v;
            return this;
        }

        public Builder blockTimeout(Duration v) {
            this.blockTimeout = v;
            return this;
        }

        public Builder clock(InstantSource v) {
            this.clock = v;
            return this;
        }

        public Builder ticker(Ticker v) {
            this.ticker = v;
            return this;
        }

        /** Under {@code group}: the longest an append is held for company before its fsync (default 2 ms). */
        public Builder groupCommitDelay(Duration v) {
            this.groupCommitDelay = v;
            return this;
        }

        public SpoolOptions build() {
            long seg = segmentBytes > 0 ? segmentBytes : defaultSegmentBytes(maxBytes);
            return new SpoolOptions(
                    directory, maxBytes, maxAge, fsync, whenFull, seg, blockTimeout, clock, ticker, groupCommitDelay);
        }
    }
}
