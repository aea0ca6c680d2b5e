package io.fogbridge.spool;

import io.fogbridge.api.Lane;
import io.fogbridge.api.Ticker;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the spool within its bounds: {@code maxBytes} through the {@link FullPolicy}, and
 * {@code maxAge} through expiry of whole segments.
 *
 * <p>An append that does not fit is, by policy: held in arrival order until commits free room or
 * its {@code blockTimeout} passes ({@code block}; later appends queue behind it so none overtakes
 * it); made room for by deleting the oldest segments, BULK before PRIORITY ({@code drop-oldest});
 * or refused ({@code drop-newest}, and {@code drop-oldest} when nothing is left to delete).
 * Every record lost this way is counted in {@link DropCounters} under its reason. A QoS 0 append that does not fit
 * is refused whatever the policy (reason {@code full}): it never waits and never displaces older records.
 *
 * <p><b>Threads.</b> Not thread-safe: the spool's writer thread alone uses it, with the spool's
 * state lock held for every method except {@link #waitNanos} and {@link #takeWaiting}.
 */
final class SpoolBounds {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolBounds.class);
    private static final long EXPIRY_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** What to do with an append now. */
    enum Admission {
        /** There is room: append it. */
        APPEND,
        /** Held until there is room ({@code block}); {@link #nextWithRoom} returns it later. */
        WAIT,
        /** Refused and counted: fail its future with {@code Full}. */
        REFUSE
    }

    private final SegmentedSpool spool;
    private final SpoolOptions options;
    private final SegmentAppender appender;
    private final Ticker ticker;
    /** block: appends waiting for room, oldest first. */
    private final ArrayDeque<PendingAppend> waiting = new ArrayDeque<>();

    private long nextExpiryNanos;

    SpoolBounds(SegmentedSpool spool, SegmentAppender appender) {
        this.spool = spool;
        this.options = spool.options;
        this.appender = appender;
        this.ticker = options.ticker();
        this.nextExpiryNanos = ticker.nanoTime();
    }

    /** Decides about a new append, applying the full policy if it does not fit. */
    Admission admit(PendingAppend p) throws IOException {
        if (p.atMostOnce && (!waiting.isEmpty() || !fits(p.record.length))) {
            // QoS 0 promised nothing: holding it for room would buffer a flood in the heap, and dropping older
            // records for it would lose ones that were promised
            if (waiting.isEmpty() && reclaimCommittedActives() && fits(p.record.length)) {
                return Admission.APPEND;
            }
            spool.drops.add(DropCounters.FULL, 1);
            return Admission.REFUSE;
        }
        if (!waiting.isEmpty()) {
            waiting.addLast(p); // keep order behind appends that wait for room
            return Admission.WAIT;
        }
        int len = p.record.length;
        if (fits(len)) {
            return Admission.APPEND;
        }
        switch (options.whenFull()) {
            case BLOCK -> {
                if (!reclaimCommittedActives() || !fits(len)) {
                    waiting.addLast(p);
                    return Admission.WAIT;
                }
            }
            case DROP_NEWEST -> {
                spool.drops.add(DropCounters.DROP_NEWEST, 1);
                return Admission.REFUSE;
            }
            case DROP_OLDEST -> {
                while (!fits(len) && dropOldestSegment()) {}
                if (!fits(len)) {
                    spool.drops.add(DropCounters.DROP_NEWEST, 1);
                    return Admission.REFUSE;
                }
            }
        }
        return Admission.APPEND;
    }

    /**
     * The oldest waiting append if there is room for it now, else null. Waiting appends whose
     * {@code blockTimeout} passed at {@code now} go to {@code timedOut} on the way, counted.
     */
    PendingAppend nextWithRoom(long now, List<PendingAppend> timedOut) throws IOException {
        while (!waiting.isEmpty()) {
            PendingAppend p = waiting.peekFirst();
            if (fits(p.record.length) || (reclaimCommittedActives() && fits(p.record.length))) {
                return waiting.pollFirst();
            } else if (now - p.deadlineNanos >= 0) {
                waiting.pollFirst();
                spool.drops.add(DropCounters.BLOCK_TIMEOUT, 1);
                p.sequence = PendingAppend.TIMED_OUT;
                timedOut.add(p);
            } else {
                break;
            }
        }
        return null;
    }

    /** Close: hands over every waiting append. */
    List<PendingAppend> takeWaiting() {
        List<PendingAppend> rest = new ArrayList<>(waiting);
        waiting.clear();
        return rest;
    }

    /** {@code wait} shortened to the next block timeout or expiry check, counted from {@code now}. */
    long waitNanos(long now, long wait) {
        if (!waiting.isEmpty()) {
            wait = Math.min(wait, waiting.peekFirst().deadlineNanos - now);
        }
        if (!options.maxAge().isZero()) {
            wait = Math.min(wait, nextExpiryNanos - now);
        }
        return wait;
    }

    private boolean fits(int length) {
        return spool.bytes + length + SegmentFile.HEADER <= options.maxBytes();
    }

    /** drop-oldest: removes the oldest segment holding data, BULK before PRIORITY. */
    private boolean dropOldestSegment() throws IOException {
        for (Lane l : new Lane[] {Lane.BULK, Lane.PRIORITY}) {
            LaneLog lane = spool.lanes[l.ordinal()];
            SegmentFile oldest = lane.segments.get(0);
            if (oldest.count == 0 && lane.segments.size() == 1) {
                continue;
            }
            if (appender.holdsUnpublished(lane, oldest)) {
                // this turn's records are acknowledged at its end: make them as durable as promised,
                // and visible, before they may be dropped, or the turn would acknowledge records that
                // never were in the spool
                appender.publishEarly();
            }
            if (oldest == lane.active()) {
                appender.roll(lane);
            }
            long n = oldest.countAbove(lane.settledThrough());
            spool.drops.add(DropCounters.DROP_OLDEST, n);
            if (n > 0) {
                LOG.warn("spool full: dropped {} oldest records of lane {} ({})", n, l.id(), oldest);
            }
            removeOldest(lane);
            return true;
        }
        return false;
    }

    /**
     * Block policy: an active segment whose records are all durably committed can only be freed
     * by rolling it; without this two half-full active segments could hold the spool full forever.
     */
    private boolean reclaimCommittedActives() throws IOException {
        boolean freed = false;
        for (LaneLog lane : spool.lanes) {
            SegmentFile a = lane.active();
            if (a.count > 0 && a.lastSeq <= lane.durableCommit && !appender.hasBuffered(lane)) {
                appender.roll(lane);
                long before = spool.bytes;
                spool.bytes -= lane.deleteCommitted();
                freed |= spool.bytes < before;
            }
        }
        return freed;
    }

    /** maxAge: at most once a second of the spool's ticker, deletes the leading segments whose newest record is too old. */
    void expireIfDue() throws IOException {
        long now = ticker.nanoTime();
        if (options.maxAge().isZero() || now - nextExpiryNanos < 0) {
            return;
        }
        nextExpiryNanos = now + EXPIRY_EVERY_NANOS;
        long cutoff = options.clock().millis() - options.maxAge().toMillis();
        for (LaneLog lane : spool.lanes) {
            while (true) {
                SegmentFile oldest = lane.segments.get(0);
                if (oldest.count == 0 || oldest.lastArrival >= cutoff) {
                    break;
                }
                if (appender.holdsUnpublished(lane, oldest)) {
                    appender.publishEarly();
                }
                if (oldest == lane.active()) {
                    appender.roll(lane);
                }
                long n = oldest.countAbove(lane.settledThrough());
                spool.drops.add(DropCounters.MAX_AGE, n);
                if (n > 0) {
                    LOG.warn(
                            "spool: {} records of lane {} older than {} dropped ({})",
                            n,
                            lane.lane.id(),
                            options.maxAge(),
                            oldest);
                }
                removeOldest(lane);
            }
        }
    }

    private void removeOldest(LaneLog lane) throws IOException {
        SegmentFile s = lane.segments.get(0);
        s.delete(); // first: if it fails, the segment is still there and nothing was dropped
        lane.segments.remove(0);
        lane.droppedThrough = Math.max(lane.droppedThrough, lane.segments.get(0).base - 1);
        spool.bytes -= s.fileBytes();
        appender.forget(s);
    }
}
