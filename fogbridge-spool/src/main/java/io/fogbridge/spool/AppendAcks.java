package io.fogbridge.spool;

import io.fogbridge.api.SpoolException;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Completes the futures of appends once the writer decided their fate: acknowledged with their
 * sequence, refused (spool full, or closed), or failed (I/O).
 *
 * <p>Acknowledgements complete on the writer thread, the whole batch in the writer's own turn, in append
 * order. Handing them to another thread cost a wake-up and a context switch per batch (and, for the
 * completion stages behind them, a cache-cold thread) to save what the completions themselves cost, which
 * the {@code Spool} contract keeps short: on a 2-core box the hand-off was the larger part (issue 16's
 * profile: {@code finish_task_switch} 22–34 % of every busy thread). Refusals and failures, which are rare
 * and may come in bursts of thousands (a full disk), still go to the completion thread ({@code
 * fogbridge-spool-ack}).
 *
 * <p><b>Threads.</b> Its methods are for the spool's writer thread only.
 */
final class AppendAcks {
    private final SegmentedSpool spool;
    private final SpoolOptions options;
    private final Executor completer;

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
        for (PendingAppend p : placed) {
            p.future.complete(p.sequence);
        }
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
