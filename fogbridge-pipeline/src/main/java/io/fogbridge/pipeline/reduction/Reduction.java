package io.fogbridge.pipeline.reduction;

import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.api.pipeline.UplinkStage;
import io.fogbridge.api.pipeline.Verdict;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reduction stage: sends less of a slowly changing signal over a thin, metered uplink. Configured {@link
 * ReductionRule}s select records by route, MQTT topic and device (the first rule that selects a record reduces it;
 * a record no rule selects passes untouched) and keep state per <em>stream</em>, the records of one device on one
 * topic, per field:
 *
 * <ul>
 *   <li>{@code deadband} per numeric field, absolute or percent ({@link Deadband}), {@code minInterval} (latest
 *       wins) and {@code maxSilence} (a heartbeat, so that silence means a dead sender, not a steady one): {@link
 *       FilterStream};
 *   <li>aggregates ({@code min, max, avg, count, last}) per field over a tumbling window: {@link WindowStream}.
 * </ul>
 *
 * <p><b>Guarantees.</b> A record the stage passes on goes to the append like any other: at QoS 1 the sender is
 * answered only once it is durable. A record the stage suppresses is answered at once ({@code Accepted}, sequence
 * -1) whatever its QoS, and counted ({@link ReductionMeters}). Records that stand for suppressed ones — a window's
 * aggregate, the latest record a {@code minInterval} held back — are appended later by the stage itself, through
 * the {@code release} consumer given to {@link #start}, when their window or interval ends (the sweeper checks
 * every few milliseconds to a second, a tenth of the shortest window or interval) or earlier when the stream's next
 * record closes them. So a suppressed record's data reaches Kafka at most once: holding a QoS 1 acknowledgement
 * for the length of a window instead would stall the sender (the embedded broker takes one unanswered publish per
 * connection at a time) and time it out.
 *
 * <p><b>Where the state lives, and restarts.</b> Only in this object's memory, per rule in a bounded {@link
 * StreamTable}, with the records {@code minInterval} holds back bounded in bytes for the whole stage ({@link
 * HeldRecords}: at the bound a record is sent instead of held); nothing is written to disk. {@link #close} (a clean shutdown: the gateway closes the stage after the
 * adapters stopped and before the spool) appends every open window's aggregate and every held record, so a clean
 * restart loses nothing, though it cuts the windows open at that moment short ({@code records} in the aggregate
 * says how many it holds). A crash loses open windows and held records, which were acknowledged as suppressed; after
 * any restart each stream's first record is sent (a deadband has nothing to compare with) and windows start empty.
 *
 * <p><b>Time.</b> Decisions use the records' arrival times (see {@link UplinkStage}); the sweeper compares them with
 * the given wall {@link Clock}, the one that stamps arrivals. Tests pass a manual clock and call {@link #sweep}.
 *
 * <p>Thread-safe. {@link #apply} does not block: it takes one stream's lock for a few comparisons.
 */
public final class Reduction implements UplinkStage, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Reduction.class);
    private static final Consumer<UplinkRecord> NOT_STARTED =
            record -> LOG.warn("reduction not started: dropped the released record {}", record);

    private final RuleStreams[] rules;
    private final Clock clock;
    private volatile Consumer<UplinkRecord> release = NOT_STARTED;
    private ScheduledExecutorService sweeper; // guarded by this

    /** @param registry may be null: no metrics */
    public Reduction(List<ReductionRule> rules, Clock clock, MeterRegistry registry) {
        this(rules, clock, registry, HeldRecords.DEFAULT_MAX);
    }

    /** @param heldBytes what records held back by {@code minInterval} may take at most, all rules together */
    Reduction(List<ReductionRule> rules, Clock clock, MeterRegistry registry, long heldBytes) {
        this.clock = Objects.requireNonNull(clock, "clock");
        HeldRecords held = new HeldRecords(heldBytes);
        List<RuleStreams> built = new ArrayList<>();
        for (ReductionRule rule : rules) {
            built.add(new RuleStreams(rule, registry, held));
        }
        this.rules = built.toArray(RuleStreams[]::new);
    }

    /**
     * Starts releasing records by time, to {@code release} (the wiring passes {@code record -> pipeline.release(this,
     * record)}); before this, released records are dropped with a warning.
     *
     * @param sweep whether to start the sweeper thread; tests pass false and call {@link #sweep} themselves
     */
    public synchronized void start(Consumer<UplinkRecord> release, boolean sweep) {
        this.release = Objects.requireNonNull(release, "release");
        Duration period = sweepPeriod();
        if (sweep && period != null && sweeper == null) {
            sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                    .daemon()
                    .name("fogbridge-reduction-sweep")
                    .factory());
            sweeper.scheduleWithFixedDelay(
                    this::sweepSafely, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A tenth of the shortest window or interval, within 10 ms .. 1 s; null when no rule releases by time. */
    Duration sweepPeriod() {
        Duration shortest = null;
        for (RuleStreams streams : rules) {
            ReductionRule rule = streams.rule();
            Duration span = rule.windowed() ? rule.window() : rule.minInterval();
            if (!span.isZero() && (shortest == null || span.compareTo(shortest) < 0)) {
                shortest = span;
            }
        }
        if (shortest == null) {
            return null;
        }
        long millis = Math.clamp(shortest.toMillis() / 10, 10, 1000);
        return Duration.ofMillis(millis);
    }

    @Override
    public Verdict apply(UplinkRecord record) {
        for (RuleStreams streams : rules) {
            if (streams.rule().selects(record)) {
                return streams.apply(record, release);
            }
        }
        return record;
    }

    /** Releases what is due by the clock's time: windows that ended, held records whose interval did. */
    public void sweep() {
        long now = clock.millis();
        for (RuleStreams streams : rules) {
            streams.releaseDue(now, release);
        }
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) { // a scheduled task that throws is never run again
            LOG.error("reduction sweep failed; will try again", e);
        }
    }

    /** Streams the rule of that name keeps state for now (tests, diagnostics); 0 for an unknown name. */
    public int streams(String rule) {
        for (RuleStreams streams : rules) {
            if (streams.rule().name().equals(rule)) {
                return streams.streams();
            }
        }
        return 0;
    }

    /**
     * Stops the sweeper and releases every open window and held record. Call after the adapters stopped taking
     * messages and before the spool closes.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (sweeper != null) {
                sweeper.shutdownNow();
                try {
                    sweeper.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                sweeper = null;
            }
        }
        for (RuleStreams streams : rules) {
            streams.endAll(release);
        }
    }
}
