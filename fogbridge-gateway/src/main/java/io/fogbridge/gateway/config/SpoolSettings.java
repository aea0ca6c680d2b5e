package io.fogbridge.gateway.config;

import java.time.Duration;

/**
 * {@code spool.*}, validated here and kept in the spool's own syntax for its parsers ({@code FsyncPolicy.parse},
 * {@code FullPolicy.parse}).
 *
 * @param maxBytes     bound on the bytes on disk
 * @param maxAge       records older than this are dropped (counted); {@link Duration#ZERO} = no limit
 * @param fsync        {@code group} or {@code interval:<ms>} (normalized: lower case, no spaces)
 * @param whenFull     {@code block}, {@code drop-oldest} or {@code drop-newest}
 * @param segmentBytes size of one segment file
 */
public record SpoolSettings(long maxBytes, Duration maxAge, String fsync, String whenFull, long segmentBytes) {}
