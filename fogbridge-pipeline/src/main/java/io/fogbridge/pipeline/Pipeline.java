package io.fogbridge.pipeline;

import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.Spool;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.api.pipeline.UplinkStage;
import io.fogbridge.api.pipeline.Verdict;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uplink: an ordered chain of {@link UplinkStage}s, then the durable append.
 *
 * <ol>
 *   <li>{@link PayloadLimit} — over the limit → {@code Rejected(413)}
 *   <li>{@link Routing} — no route → {@link Outcome#LOCAL}; a route that cannot render a legal topic for this
 *       message → {@code Rejected(400)}
 *   <li>{@link Enricher} — the record headers
 *   <li>the extra stages the wiring hands in, in order (filters, reductions such as {@link
 *       io.fogbridge.pipeline.reduction.Reduction}); each may also suppress a message: {@code Accepted(lane, -1)}
 *       at once, nothing appended. A stage may later {@link #release} a record of its own (a window's aggregate),
 *       which goes on from the stage after it
 *   <li>{@link SpoolAppend} — where the guarantee is decided: at-most-once → {@code Accepted(lane, -1)} at once;
 *       at-least-once → {@code Accepted(lane, sequence)} once the spool made the record durable, {@code
 *       Rejected(503, …)} when it refused it
 * </ol>
 *
 * <p>A stage that throws refuses its message with {@code 500} (see {@link UplinkStage}).
 *
 * <p>Thread-safe; {@link #accept} never blocks (stages must not, and the spool's {@code append} does not).
 *
 * <p>Metrics (when a registry is given): {@code fogbridge.pipeline.ingested} (tag {@code route}: records the spool
 * accepted), {@code fogbridge.pipeline.unrouted}, {@code fogbridge.pipeline.rejected} (tag {@code reason}:
 * {@code too-large}, {@code invalid-topic}, {@code spool-full}, {@code spool-closed}, {@code spool-io},
 * {@code spool-error}, {@code stage-error}, or an extra stage's own; at-most-once messages whose append failed are
 * counted here too), {@code fogbridge.pipeline.suppressed} (tag {@code reason}: the suppressing stage's).
 */
public final class Pipeline implements Uplink {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    /** Replaced whole (never changed in place) by {@link #reroute}; an array: this loop runs per message. */
    private volatile UplinkStage[] stages;

    private static final int ROUTING = 1;
    private static final int ENRICHER = 2;
    private final SpoolAppend append;
    private final PipelineMeters meters;
    private final Set<Class<?>> failedStages = ConcurrentHashMap.newKeySet();
    private volatile Consumer<InboundMessage> suppressedWatcher = message -> {};

    /** A pipeline without extra stages. @param registry may be null: no metrics */
    public Pipeline(RouteTable routes, Enricher enricher, Spool spool, long maxPayloadBytes, MeterRegistry registry) {
        this(routes, enricher, spool, maxPayloadBytes, registry, List.of());
    }

    /**
     * @param registry    may be null: no metrics
     * @param extraStages run in this order after enrichment and before the append; they see routed, enriched records
     */
    public Pipeline(
            RouteTable routes,
            Enricher enricher,
            Spool spool,
            long maxPayloadBytes,
            MeterRegistry registry,
            List<? extends UplinkStage> extraStages) {
        List<UplinkStage> chain = new ArrayList<>();
        chain.add(new PayloadLimit(maxPayloadBytes));
        chain.add(new Routing(routes));
        chain.add(enricher);
        chain.addAll(extraStages);
        this.stages = chain.toArray(UplinkStage[]::new);
        List<String> routeNames = new ArrayList<>();
        for (Route route : routes.routes()) {
            routeNames.add(route.name());
        }
        this.meters = new PipelineMeters(registry, routeNames);
        this.append = new SpoolAppend(spool, meters);
    }

    @Override
    public CompletableFuture<Outcome> accept(InboundMessage message) {
        return run(UplinkRecord.of(message), 0);
    }

    /**
     * Appends a record an extra stage lets go of on its own, outside {@link UplinkStage#apply}: a window's aggregate
     * when the window closed by time, the latest record a {@code minInterval} held back. The record runs through
     * the stages after {@code from}, then the append, as if {@code from} had returned it. Nobody waits for the
     * outcome but the caller: the messages it stands for were answered already, so a failed append is counted as
     * rejected like any other and the record is gone. Thread-safe; does not block.
     *
     * @param from   the extra stage releasing the record, as handed to the constructor
     * @param record routed and enriched (a record the stage was given, or a copy of one)
     * @throws IllegalArgumentException when {@code from} is not one of this pipeline's stages
     */
    public CompletableFuture<Outcome> release(UplinkStage from, UplinkRecord record) {
        UplinkStage[] stages = this.stages;
        for (int i = 0; i < stages.length; i++) {
            if (stages[i] == from) {
                return run(record, i + 1);
            }
        }
        throw new IllegalArgumentException(from + " is not a stage of this pipeline");
    }

    /**
     * Hands every message a stage suppresses to {@code watcher} too (the console counts them per device), on the
     * thread that accepted it, after the stage decided: it must be cheap, must not block and must not throw. Replaces
     * the previous watcher; by default there is none.
     */
    public void watchSuppressed(Consumer<InboundMessage> watcher) {
        this.suppressedWatcher = watcher;
    }

    /**
     * Routes and enriches the messages accepted from now on with {@code routes} and {@code enricher} (a live config
     * reload); a message already past routing finishes with the old ones. The extra stages stay. Thread-safe.
     */
    public void reroute(RouteTable routes, Enricher enricher) {
        UplinkStage[] next = stages.clone();
        next[ROUTING] = new Routing(routes);
        next[ENRICHER] = enricher;
        stages = next;
    }

    private CompletableFuture<Outcome> run(UplinkRecord start, int firstStage) {
        UplinkStage[] stages = this.stages;
        UplinkRecord record = start;
        for (int i = firstStage; i < stages.length; i++) {
            UplinkStage stage = stages[i];
            switch (apply(stage, record)) {
                case UplinkRecord next -> record = next;
                case Verdict.Stay stay -> {
                    meters.unrouted();
                    return CompletableFuture.completedFuture(Outcome.LOCAL);
                }
                case Verdict.Refuse refuse -> {
                    meters.rejected(refuse.reason());
                    return CompletableFuture.completedFuture(
                            new Outcome.Rejected(refuse.status(), refuse.detail(), refuse.retriable()));
                }
                case Verdict.Suppress suppress -> {
                    meters.suppressed(suppress.reason());
                    suppressedWatcher.accept(record.message());
                    // Only the built-in stages run before routing, and none of them suppresses.
                    Lane lane = record.routed() ? record.destination().lane() : Lane.BULK;
                    return CompletableFuture.completedFuture(new Outcome.Accepted(lane, -1));
                }
            }
        }
        return append.append(record);
    }

    /** A stage's verdict; its bug (an exception, no verdict) becomes a refusal of this one message. */
    private Verdict apply(UplinkStage stage, UplinkRecord record) {
        Verdict verdict;
        try {
            verdict = stage.apply(record);
        } catch (RuntimeException e) {
            return stageFailed(stage, record, e);
        }
        return verdict != null
                ? verdict
                : stageFailed(stage, record, new NullPointerException(stage + " returned no verdict"));
    }

    private Verdict stageFailed(UplinkStage stage, UplinkRecord record, RuntimeException e) {
        String name = stage.getClass().getName();
        // A broken stage fails every message: the stack once per stage type, then the counter tells the rate.
        if (failedStages.add(stage.getClass())) {
            LOG.warn("stage {} failed on {}; refusing such messages with 500", name, record, e);
        } else {
            LOG.debug("stage {} failed on {}: {}", name, record, e.toString());
        }
        return new Verdict.Refuse("stage-error", 500, "stage " + name + " failed: " + e, false);
    }
}
