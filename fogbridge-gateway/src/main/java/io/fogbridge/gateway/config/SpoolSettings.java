package io.fogbridge.gateway.config;

import io.fogbridge.spool.FsyncPolicy;
import io.fogbridge.spool.FullPolicy;
import java.time.Duration;

/**
 * {@code spool.*}.
 *
 * @param maxBytes     bound on the bytes on disk
 * @param maxAge       records older than this are dropped (counted); {@link Duration#ZERO} = no limit
 * @param fsync        when an append counts as durable
 * @param whenFull     what an append does at {@code maxBytes}
 * @param segmentBytes size of one segment file
 */
public record SpoolSettings(
        long maxBytes, Duration maxAge, FsyncPolicy fsync, FullPolicy whenFull, long segmentBytes) {}
