package io.fogbridge.api;

import java.util.Map;

/**
 * Snapshot of the spool's size and counters.
 *
 * @param records        records appended but not yet committed, all lanes
 * @param bytes          bytes on disk, all lanes
 * @param oldestArrival  arrival time (ms) of the oldest uncommitted record, or -1 when empty
 * @param appended       records accepted since start
 * @param committed      records committed since start
 * @param drops          records dropped since start, by reason ({@code drop-oldest}, {@code drop-newest},
 *                       {@code max-age}, {@code corrupt})
 */
public record SpoolStats(
        long records, long bytes, long oldestArrival, long appended, long committed, Map<String, Long> drops) {}
