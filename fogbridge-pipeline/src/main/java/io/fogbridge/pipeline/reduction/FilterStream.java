package io.fogbridge.pipeline.reduction;

import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.api.pipeline.Verdict;
import java.util.function.Consumer;

/**
 * A filtering rule's state for one stream: the field values last sent, when, and the record {@code minInterval} is
 * holding back.
 *
 * <p>A record is <em>changed</em> when a field it carries left its {@link Deadband} around the value last sent (a
 * non-numeric value: differs from the one last sent; a field not sent before: any value), or when the rule has no
 * deadband. A missing field changes nothing. Then, in this order:
 *
 * <ol>
 *   <li>the first record of a stream is sent;
 *   <li>unchanged → suppressed ({@code deadband}), unless {@code maxSilence} passed since the last send: then sent as
 *       a heartbeat. It also drops a held record: the signal is back where the receiver believes it is;
 *   <li>changed, but less than {@code minInterval} since the last send → held as the latest and suppressed ({@code
 *       minInterval}); a later changed record replaces it (latest wins);
 *   <li>else sent.
 * </ol>
 *
 * A held record is sent when the interval ends ({@link #releaseDue}, called by the sweeper) or is superseded by a
 * record arriving after it ended, which is sent instead. What all streams hold is bounded ({@link HeldRecords}): a
 * record that does not fit is sent at once instead of held. A clock stepped backwards (arrival before the last send)
 * counts as an interval passed: sending once too often beats staying silent for the length of the step.
 */
final class FilterStream extends Stream {

    private static final long NEVER = Long.MIN_VALUE;
    static final Verdict DEADBAND = Verdict.suppress("deadband");
    static final Verdict MIN_INTERVAL = Verdict.suppress("minInterval");

    private final Deadband[] bands; // by field index; empty when the rule has none
    private final long minInterval;
    private final long maxSilence;
    private final ReductionMeters meters;
    private final HeldRecords heldRecords;
    private final Object[] sent;
    private long sentAt = NEVER;
    private UplinkRecord held;
    private Sample heldSample;

    FilterStream(
            Deadband[] bands,
            long minIntervalMillis,
            long maxSilenceMillis,
            ReductionMeters meters,
            HeldRecords heldRecords) {
        this.bands = bands;
        this.heldRecords = heldRecords;
        this.minInterval = minIntervalMillis;
        this.maxSilence = maxSilenceMillis;
        this.meters = meters;
        this.sent = new Object[bands.length];
    }

    @Override
    Verdict decide(UplinkRecord record, Sample sample, long arrival, Consumer<UplinkRecord> release) {
        if (sentAt == NEVER) {
            return send(record, sample, arrival);
        }
        long since = arrival - sentAt;
        if (!changed(sample)) {
            dropHeld();
            if (maxSilence > 0 && (since >= maxSilence || since < 0)) {
                return send(record, sample, arrival);
            }
            meters.suppressed(DEADBAND);
            return DEADBAND;
        }
        if (minInterval > 0 && since >= 0 && since < minInterval) {
            if (!heldRecords.replace(held, record)) {
                return send(record, sample, arrival); // no room to hold it: sending it is all that is left
            }
            held = record;
            heldSample = sample;
            meters.suppressed(MIN_INTERVAL);
            return MIN_INTERVAL;
        }
        return send(record, sample, arrival);
    }

    private boolean changed(Sample sample) {
        if (bands.length == 0) {
            return true;
        }
        Object[] values = sample.values();
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value == null) {
                continue;
            }
            Object last = sent[i];
            if (value instanceof Double number && last instanceof Double lastNumber) {
                if (bands[i].exceeded(lastNumber, number)) {
                    return true;
                }
            } else if (!value.equals(last)) {
                return true;
            }
        }
        return false;
    }

    private UplinkRecord send(UplinkRecord record, Sample sample, long at) {
        Object[] values = sample.values();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                sent[i] = values[i];
            }
        }
        sentAt = at;
        dropHeld();
        return record;
    }

    private void dropHeld() {
        if (held != null) {
            heldRecords.release(held);
        }
        held = null;
        heldSample = null;
    }

    @Override
    void releaseDue(long now, Consumer<UplinkRecord> release) {
        long since = now - sentAt;
        if (held != null && (since >= minInterval || since < 0)) {
            releaseHeld(now, release);
        }
    }

    @Override
    void releaseAll(Consumer<UplinkRecord> release) {
        if (held != null) {
            releaseHeld(sentAt, release);
        }
    }

    private void releaseHeld(long at, Consumer<UplinkRecord> release) {
        UplinkRecord record = send(held, heldSample, at);
        meters.released(MIN_INTERVAL);
        release.accept(record);
    }
}
