package io.fogbridge.spool;

import io.fogbridge.api.SpoolException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Completes the futures of appends once the writer decided their fate: acknowledged with their
 * sequence, refused (spool full, or closed), or failed (I/O).
 *
 * <p>Large batches complete on the completion thread ({@code fogbridge-spool-ack}), so that the
 * writer's next batch (and its fsync) overlaps with them. A batch of a few futures completes
 * right on the writer thread when the completion thread is idle, because a thread hand-off would
 * cost more than the completions (per the {@code Spool} contract, completion stages must be
 * short). Either way acknowledgements complete in append order: inline only when no earlier batch
 * is still queued, and the completion thread is a single thread.
 *
 * <p><b>Threads.</b> Its methods are for the spool's writer thread only; the backlog counter is
 * shared with the completion thread.
 */
final class AppendAcks {
    /** Batches up to this size complete on the writer thread when the ack thread is idle. */
    private static final int INLINE_COMPLETIONS = 16;

    private final SegmentedSpool spool;
    private final SpoolOptions options;
    private final Executor completer;
    /** Acknowledged batches handed to the completion thread and not completed yet. */
    private final AtomicInteger completerBacklog = new AtomicInteger();

    AppendAcks(SegmentedSpool spool, Executor completer) {
        this.spool = spool;
        this.options = spool.options;
        this.completer = completer;
    }

    /** Counts the batch, then completes each future with its sequence. */
    void acknowledge(List<PendingAppend> placed) {
        if (placed.isEmpty()) {
            return;
        }
        spool.batches.increment();
        spool.appended.add(placed.size());
        release(placed);
        if (placed.size() <= INLINE_COMPLETIONS && completerBacklog.get() == 0) {
            // A few waiting callers (each waits for its own append, like an MQTT connection): a
            // hand-off to the ack thread would cost more than completing them here, and with no
            // earlier batch still being completed the order of completions stays the same.
            for (PendingAppend p : placed) {
                p.future.complete(p.sequence);
            }
            return;
        }
        completerBacklog.incrementAndGet();
        completer.execute(() -> {
            try {
                for (PendingAppend p : placed) {
                    p.future.complete(p.sequence);
                }
            } finally {
                completerBacklog.decrementAndGet();
            }
        });
    }

    /**
     * Fails refused appends: {@code Closed} for those marked {@link PendingAppend#CLOSED}, {@code
     * Full} otherwise, naming the block timeout for those marked {@link PendingAppend#TIMED_OUT}.
     */
    void refuse(List<PendingAppend> refused) {
        if (refused.isEmpty()) {
            return;
        }
        release(refused);
        completer.execute(() -> {
            for (PendingAppend p : refused) {
                p.future.completeExceptionally(
                        spool.closed && p.sequence == PendingAppend.CLOSED
                                ? new SpoolException.Closed()
                                : new SpoolException.Full(
                                        p.sequence == PendingAppend.TIMED_OUT
                                                ? "spool full: no room within " + options.blockTimeout()
                                                        + " (when-full: block)"
                                                : p.atMostOnce
                                                        ? "spool full: QoS 0 record dropped"
                                                        : "spool full (" + options.maxBytes() + " bytes, when-full: "
                                                                + options.whenFull() + ")"));
            }
        });
    }

    /** The writer decided these appends' fate: their memory no longer counts as queued. */
    private void release(List<PendingAppend> list) {
        for (PendingAppend p : list) {
            spool.budget.release(p);
        }
    }

    /** Fails every append of {@code list} (wake-ups skipped) with {@code e}. */
    void fail(List<PendingAppend> list, RuntimeException e) {
        List<PendingAppend> copy = List.copyOf(list);
        release(copy);
        completer.execute(() -> {
            for (PendingAppend p : copy) {
                if (p != PendingAppend.WAKE) {
                    p.future.completeExceptionally(e);
                }
            }
        });
    }
}
