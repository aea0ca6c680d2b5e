package io.fogbridge.spool;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Spool meters: {@code fogbridge.spool.records} (uncommitted), {@code .bytes},
 * {@code .oldest.age.seconds}, {@code .appended}, {@code .committed}, {@code .dropped{reason,qos}},
 * {@code .parked.records}, {@code .parked.bytes}, {@code .disk.wait.seconds}, {@code .write.failing{reason}} (1 while writes fail for that reason: {@code disk-full}, {@code
 * io-error}) and {@code .write.errors{reason}} (appends failed by write errors).
 * Gauges read {@link SegmentedSpool#glance()} at scrape time (a scrape answers while the disk hangs); nothing is
 * counted twice.
 */
final class SpoolMetrics {
    private SpoolMetrics() {}

    static void bind(SegmentedSpool spool, MeterRegistry r) {
        Gauge.builder("fogbridge.spool.records", spool, s -> s.glance().records())
                .description("records appended and not yet committed")
                .register(r);
        Gauge.builder("fogbridge.spool.bytes", spool, s -> s.glance().bytes())
                .baseUnit("bytes")
                .description("segment bytes on disk")
                .register(r);
        Gauge.builder("fogbridge.spool.oldest.age.seconds", spool, s -> {
                    long oldest = s.glance().oldestArrival();
                    return oldest < 0 ? 0 : Math.max(0, s.options.clock().millis() - oldest) / 1000.0;
                })
                .description("age of the oldest uncommitted record")
                .register(r);
        Gauge.builder(
                        "fogbridge.spool.disk.wait.seconds",
                        spool,
                        s -> s.diskWait().toNanos() / 1e9)
                .description("how long the disk write or fsync running now has taken (0 when none runs); over a"
                        + " second: a slow or stalled disk, and appends wait for it")
                .register(r);
        FunctionCounter.builder("fogbridge.spool.appended", spool, s -> s.appended.sum())
                .register(r);
        FunctionCounter.builder("fogbridge.spool.committed", spool, s -> s.committedRecords.sum())
                .register(r);
        FunctionCounter.builder("fogbridge.spool.syncs", spool, SegmentedSpool::syncCount)
                .description("segment fsync rounds (group commits)")
                .register(r);
        for (String reason : new String[] {WriteOutage.DISK_FULL, WriteOutage.IO_ERROR}) {
            Gauge.builder("fogbridge.spool.write.failing", spool.outage, o -> o.failing(reason) ? 1 : 0)
                    .tag("reason", reason)
                    .description("1 while writes to the spool fail for this reason")
                    .register(r);
            FunctionCounter.builder("fogbridge.spool.write.errors", spool.outage, o -> o.errors(reason))
                    .tag("reason", reason)
                    .description("appends failed by write errors, by reason")
                    .register(r);
        }
        ParkedRecords parked = spool.parked();
        if (parked != null) {
            Gauge.builder("fogbridge.spool.parked.records", parked, ParkedRecords::records)
                    .description("records Kafka refused for good, waiting in parked/ for 'spool replay-parked'")
                    .register(r);
            Gauge.builder("fogbridge.spool.parked.bytes", parked, ParkedRecords::bytes)
                    .baseUnit("bytes")
                    .register(r);
        }
        for (String reason : spool.drops.snapshot().keySet()) {
            FunctionCounter.builder("fogbridge.spool.dropped", spool.drops, d -> d.get(reason))
                    .tag("reason", reason)
                    .tag("qos", DropCounters.qosOf(reason))
                    .description("records dropped, by reason and the QoS they were sent with")
                    .register(r);
        }
    }
}
