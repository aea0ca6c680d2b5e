package io.fogbridge.pipeline.reduction;

import io.fogbridge.api.pipeline.UplinkRecord;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What records held back by {@code minInterval} take of the heap, all rules and streams of a stage together. A held
 * record is a whole record (up to {@code devices.maxPayload}), one per stream, and streams are device × topic pairs
 * with ids from outside: {@code maxStreams} × 256 KiB would be 2.5 GB per rule. At the bound a record that would be
 * held is sent at once instead (the reduction sends more, it never loses or stalls anything). Thread-safe.
 */
final class HeldRecords {

    /** A sixteenth of the heap, at most 16 MiB (8 MiB at the launcher's {@code -Xmx128m}). */
    static final long DEFAULT_MAX = Math.min(16L << 20, Runtime.getRuntime().maxMemory() / 16);

    private final long max;
    private final AtomicLong bytes = new AtomicLong();

    HeldRecords(long max) {
        this.max = max;
    }

    /** Heap a held record takes, about: its payload and the rest of it. */
    static long size(UplinkRecord record) {
        return record == null ? 0 : record.payload().length + 512L;
    }

    /** Holds {@code next} in place of {@code previous} (null: none); false, changing nothing, when it does not fit. */
    boolean replace(UplinkRecord previous, UplinkRecord next) {
        long change = size(next) - size(previous);
        if (bytes.addAndGet(change) > max && change > 0) {
            bytes.addAndGet(-change);
            return false;
        }
        return true;
    }

    /** {@code record} is no longer held. */
    void release(UplinkRecord record) {
        bytes.addAndGet(-size(record));
    }

    long bytes() {
        return bytes.get();
    }
}
