package io.fogbridge.pipeline.reduction;

import io.fogbridge.api.pipeline.Destination;
import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.api.pipeline.Verdict;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One rule at work: reads its fields from a record, finds the record's stream and lets the stream decide. A record
 * the rule cannot read (not a JSON object, or none of its fields in it) passes on untouched and is counted as
 * unreduced: a reduction never drops what it does not understand. A rule without fields (only {@code minInterval})
 * never parses the payload, so it works on any format. Thread-safe.
 */
final class RuleStreams {

    private static final Sample NO_FIELDS = new Sample(new Object[0]);

    private final ReductionRule rule;
    private final boolean fieldless;
    private final FieldReader reader;
    private final ReductionMeters meters;
    private final StreamTable streams;

    /** @param held what records held back by {@code minInterval} may take, shared by every rule of the stage */
    RuleStreams(ReductionRule rule, MeterRegistry registry, HeldRecords held) {
        this.rule = rule;
        String[] fields = rule.fields();
        this.fieldless = fields.length == 0;
        this.reader = new FieldReader(fields);
        this.meters = new ReductionMeters(registry, rule.name());
        this.streams = new StreamTable(rule.maxStreams(), streamFactory(rule, fields, meters, held), meters);
    }

    @SuppressWarnings("unchecked")
    private static Supplier<Stream> streamFactory(
            ReductionRule rule, String[] fields, ReductionMeters meters, HeldRecords held) {
        if (rule.windowed()) {
            Set<Aggregate>[] aggregates = new Set[fields.length];
            for (int i = 0; i < fields.length; i++) {
                aggregates[i] = rule.aggregates().get(fields[i]);
            }
            long length = rule.window().toMillis();
            return () -> new WindowStream(fields, aggregates, length, meters);
        }
        Deadband[] bands = new Deadband[fields.length];
        for (int i = 0; i < fields.length; i++) {
            bands[i] = rule.deadbands().get(fields[i]);
        }
        long minInterval = rule.minInterval().toMillis();
        long maxSilence = rule.maxSilence().toMillis();
        return () -> new FilterStream(bands, minInterval, maxSilence, meters, held);
    }

    ReductionRule rule() {
        return rule;
    }

    Verdict apply(UplinkRecord record, Consumer<UplinkRecord> release) {
        Sample sample = fieldless ? NO_FIELDS : reader.read(record.payload());
        if (sample == null || (!fieldless && sample.empty())) {
            meters.unreduced();
            return record;
        }
        Destination destination = record.destination();
        StreamTable.Key key = new StreamTable.Key(
                destination.device() == null ? "" : destination.device(),
                record.message().topic());
        long arrival = record.message().arrivalTime();
        while (true) {
            Verdict verdict = streams.stream(key, release).offer(record, sample, arrival, release);
            if (verdict != null) {
                return verdict;
            }
            // The stream was evicted between finding and locking it; the table has dropped it by now.
        }
    }

    void releaseDue(long now, Consumer<UplinkRecord> release) {
        streams.releaseDue(now, release);
    }

    void endAll(Consumer<UplinkRecord> release) {
        streams.endAll(release);
    }

    int streams() {
        return streams.size();
    }
}
