package io.fogbridge.gateway.config;

import io.fogbridge.spool.FsyncPolicy;
import io.fogbridge.spool.FullPolicy;
import io.fogbridge.spool.SpoolOptions;
import java.time.Duration;

/**
 * {@code spool.*}.
 *
 * @param maxBytes     bound on the bytes on disk
 * @param maxAge       records older than this are dropped (counted); {@link Duration#ZERO} = no limit
 * @param fsync        when an append counts as durable
 * @param whenFull     what an append does at {@code maxBytes}
 * @param segmentBytes size of one segment file
 * @param groupCommitDelay under {@code group}: the longest an append may be held for company before its fsync
 */
public record SpoolSettings(
        long maxBytes,
        Duration maxAge,
        FsyncPolicy fsync,
        FullPolicy whenFull,
        long segmentBytes,
        Duration groupCommitDelay) {

    /** The settings with the default group-commit delay. */
    public SpoolSettings(long maxBytes, Duration maxAge, FsyncPolicy fsync, FullPolicy whenFull, long segmentBytes) {
        this(maxBytes, maxAge, fsync, whenFull, segmentBytes, SpoolOptions.DEFAULT_GROUP_COMMIT_DELAY);
    }
}
