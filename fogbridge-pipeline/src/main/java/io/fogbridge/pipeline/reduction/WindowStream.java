package io.fogbridge.pipeline.reduction;

import com.fasterxml.jackson.core.JsonGenerator;
import io.fogbridge.api.HeaderList;
import io.fogbridge.api.Headers;
import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.api.pipeline.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A windowed rule's state for one stream: the open tumbling window and, per field, what it saw.
 *
 * <p>Windows are aligned to the epoch ({@code [k·w, (k+1)·w)} in arrival time), so every stream and every gateway
 * cuts at the same instants. Every record is folded into the window of its arrival time and suppressed ({@code
 * window}); the window's aggregate is released as a new record when a record of a later window arrives or when the
 * sweeper sees the window's end pass, whichever is first. A record that arrives for a window already released (it
 * raced the sweeper) opens that window again, so its aggregate may come twice; {@code records} tells them apart.
 *
 * <p>Only numbers are aggregated: a missing, non-numeric, NaN or infinite value is skipped (and not counted). The
 * aggregate record is the window's last record with this payload and {@code content-type: application/json}:
 *
 * <pre>{@code
 * {"window": {"start": 1700000010000, "end": 1700000020000, "records": 10},
 *  "values": {"values.rpm": {"min": 1180.0, "max": 1220.0, "avg": 1201.5, "count": 10, "last": 1204.0}}}
 * }</pre>
 *
 * Field keys are the configured paths; a field that saw no number in the window reports {@code count} 0 and null
 * for the others.
 */
final class WindowStream extends Stream {

    static final Verdict WINDOW = Verdict.suppress("window");
    private static final long NONE = Long.MIN_VALUE;

    private final String[] fields;
    private final Set<Aggregate>[] aggregates;
    private final long length;
    private final ReductionMeters meters;
    private final double[] min;
    private final double[] max;
    private final double[] sum;
    private final double[] last;
    private final long[] count;
    private long start = NONE;
    private long records;
    private UplinkRecord latest;

    WindowStream(String[] fields, Set<Aggregate>[] aggregates, long lengthMillis, ReductionMeters meters) {
        this.fields = fields;
        this.aggregates = aggregates;
        this.length = lengthMillis;
        this.meters = meters;
        this.min = new double[fields.length];
        this.max = new double[fields.length];
        this.sum = new double[fields.length];
        this.last = new double[fields.length];
        this.count = new long[fields.length];
    }

    @Override
    Verdict decide(UplinkRecord record, Sample sample, long arrival, Consumer<UplinkRecord> release) {
        long windowStart = Math.floorDiv(arrival, length) * length;
        if (start != NONE && start != windowStart) {
            releaseAll(release);
        }
        if (start == NONE) {
            open(windowStart);
        }
        fold(sample);
        records++;
        latest = record;
        meters.suppressed(WINDOW);
        return WINDOW;
    }

    private void open(long windowStart) {
        start = windowStart;
        records = 0;
        for (int i = 0; i < fields.length; i++) {
            min[i] = Double.POSITIVE_INFINITY;
            max[i] = Double.NEGATIVE_INFINITY;
            sum[i] = 0;
            count[i] = 0;
        }
    }

    private void fold(Sample sample) {
        Object[] values = sample.values();
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof Double boxed && Double.isFinite(boxed)) {
                double value = boxed;
                min[i] = Math.min(min[i], value);
                max[i] = Math.max(max[i], value);
                sum[i] += value;
                last[i] = value;
                count[i]++;
            }
        }
    }

    @Override
    void releaseDue(long now, Consumer<UplinkRecord> release) {
        if (start != NONE && now >= start + length) {
            releaseAll(release);
        }
    }

    @Override
    void releaseAll(Consumer<UplinkRecord> release) {
        if (start == NONE) {
            return;
        }
        UplinkRecord aggregate = aggregateRecord();
        start = NONE;
        latest = null;
        meters.released(WINDOW);
        release.accept(aggregate);
    }

    private UplinkRecord aggregateRecord() {
        HeaderList headers = HeaderList.builder(latest.headers().size())
                .putAll(latest.headers())
                .put(Headers.CONTENT_TYPE, "application/json")
                .build();
        return latest.withPayload(payload()).withHeaders(headers);
    }

    private byte[] payload() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 64 * fields.length);
        try (JsonGenerator json = FieldReader.JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeObjectFieldStart("window");
            json.writeNumberField("start", start);
            json.writeNumberField("end", start + length);
            json.writeNumberField("records", records);
            json.writeEndObject();
            json.writeObjectFieldStart("values");
            for (int i = 0; i < fields.length; i++) {
                json.writeObjectFieldStart(fields[i]);
                for (Aggregate aggregate : aggregates[i]) {
                    writeAggregate(json, aggregate, i);
                }
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) { // writing to memory: cannot happen
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void writeAggregate(JsonGenerator json, Aggregate aggregate, int i) throws IOException {
        json.writeFieldName(aggregate.id());
        if (aggregate == Aggregate.COUNT) {
            json.writeNumber(count[i]);
        } else if (count[i] == 0) {
            json.writeNull();
        } else {
            json.writeNumber(
                    switch (aggregate) {
                        case MIN -> min[i];
                        case MAX -> max[i];
                        case AVG -> sum[i] / count[i];
                        default -> last[i];
                    });
        }
    }
}
