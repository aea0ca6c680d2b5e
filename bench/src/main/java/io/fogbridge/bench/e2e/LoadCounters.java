package io.fogbridge.bench.e2e;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/** The load generator's shared counters; thread-safe (updated from the MQTT client's callback threads). */
final class LoadCounters {
    final LongAdder sent = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder failed = new LongAdder();
    /** PUBLISH → PUBACK, microseconds: how long the gateway took to make a record durable. */
    final Recorder pubackMicros = new Recorder(3);
}
