package io.fogbridge.spool;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory that appends hold between {@code append()} and the completion of their future: the writer's inbox,
 * appends waiting for room under {@code block}, and a batch being written. Without a bound a sender whose records
 * are accepted at once (QoS 0: the device is answered before the append completes) fills the heap as soon as the
 * writer falls behind or the spool is full.
 *
 * <p>At the bound an append is refused before it is queued: QoS 0 already at half the budget (counted as dropped,
 * reason {@code overload}), so that a QoS 0 flood cannot take the room of QoS 1 appends, which are refused
 * (retriable, the device sends again) only at the whole budget. Both bounds apply to bytes and to the number of
 * appends (each costs a future and a queue node beside its bytes).
 *
 * <p><b>Threads.</b> Thread-safe: appending threads take, the writer thread releases.
 */
final class AppendBudget {
    /** 16 MiB: an eighth of the launcher's {@code -Xmx128m}; smaller heaps get an eighth of theirs. */
    static final long DEFAULT_BYTES = 16L << 20;

    static final long DEFAULT_COUNT = 32_768;

    private final long maxBytes;
    private final long maxCount;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong count = new AtomicLong();

    AppendBudget(long maxBytes, long maxCount) {
        this.maxBytes = maxBytes;
        this.maxCount = maxCount;
    }

    /**
     * The budget for a JVM whose heap is at most {@code maxHeapBytes}: {@link #DEFAULT_BYTES}, or an eighth of a
     * smaller heap (at least 1 MiB), so that the append budget, the broker's queue and the producer's buffer
     * together stay under half of any heap the gateway is given.
     */
    static AppendBudget forHeap(long maxHeapBytes) {
        return new AppendBudget(Math.max(1L << 20, Math.min(DEFAULT_BYTES, maxHeapBytes / 8)), DEFAULT_COUNT);
    }

    /** Takes room for one append of {@code length} bytes; false (and nothing taken) when it does not fit. */
    boolean take(int length, boolean atMostOnce) {
        long byteBound = atMostOnce ? maxBytes / 2 : maxBytes;
        long countBound = atMostOnce ? maxCount / 2 : maxCount;
        if (count.incrementAndGet() > countBound) {
            count.decrementAndGet();
            return false;
        }
        if (bytes.addAndGet(length) > byteBound) {
            bytes.addAndGet(-length);
            count.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back the room of an append whose fate the writer decided. */
    void release(PendingAppend p) {
        if (p != PendingAppend.WAKE) {
            bytes.addAndGet(-p.record.length);
            count.decrementAndGet();
        }
    }

    long bytes() {
        return bytes.get();
    }

    long count() {
        return count.get();
    }
}
