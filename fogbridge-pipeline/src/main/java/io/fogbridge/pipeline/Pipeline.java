package io.fogbridge.pipeline;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Spool;
import io.fogbridge.api.SpoolException;
import io.fogbridge.api.Uplink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uplink stage: size check, routing, enrichment, durable append.
 *
 * <p>How the sender is answered (the guarantee, made visible):
 *
 * <ul>
 *   <li>payload over the limit → {@code Rejected(413)}; no route → {@link Outcome#LOCAL}; a route that cannot
 *       render a legal topic for this message → {@code Rejected(400)}
 *   <li>at-most-once (the route's override, else the sender's QoS) → {@code Accepted(lane, -1)} at once; the append
 *       still happens, and a failed one is counted
 *   <li>at-least-once → {@code Accepted(lane, sequence)} when the spool made the record durable; a refused append →
 *       {@code Rejected(503, …)}, retriable unless the spool was closed
 * </ul>
 *
 * <p>Thread-safe; {@link #accept} never blocks (the spool's {@code append} does not either). Completion stages run
 * on the spool's thread and only map the result.
 *
 * <p>Metrics (when a registry is given): {@code fogbridge.pipeline.ingested} (tag {@code route}: records the spool
 * accepted), {@code fogbridge.pipeline.unrouted}, {@code fogbridge.pipeline.rejected} (tag {@code reason}:
 * {@code too-large}, {@code invalid-topic}, {@code spool-full}, {@code spool-closed}, {@code spool-io},
 * {@code spool-error}; at-most-once messages whose append failed are counted here too).
 */
public final class Pipeline implements Uplink {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final RouteTable routes;
    private final Enricher enricher;
    private final Spool spool;
    private final long maxPayloadBytes;
    private final MeterRegistry registry;
    private final Map<String, Counter> ingested = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Counter unrouted;

    /** @param registry may be null: no metrics */
    public Pipeline(RouteTable routes, Enricher enricher, Spool spool, long maxPayloadBytes, MeterRegistry registry) {
        this.routes = routes;
        this.enricher = enricher;
        this.spool = spool;
        this.maxPayloadBytes = maxPayloadBytes;
        this.registry = registry;
        this.unrouted = registry == null ? null : registry.counter("fogbridge.pipeline.unrouted");
        for (Route route : routes.routes()) {
            ingested(route); // register up front so a scrape shows every route at 0
        }
    }

    @Override
    public CompletableFuture<Outcome> accept(InboundMessage message) {
        if (message.payload().length > maxPayloadBytes) {
            return reject(
                    "too-large",
                    413,
                    "payload of " + message.payload().length + " bytes exceeds " + maxPayloadBytes,
                    false);
        }
        RouteDecision decision = routes.decide(message);
        return switch (decision) {
            case RouteDecision.Stay stay -> {
                if (unrouted != null) {
                    unrouted.increment();
                }
                yield CompletableFuture.completedFuture(Outcome.LOCAL);
            }
            case RouteDecision.Refuse refuse -> reject("invalid-topic", 400, refuse.reason(), false);
            case RouteDecision.Forward forward -> spool(message, forward);
        };
    }

    private CompletableFuture<Outcome> spool(InboundMessage message, RouteDecision.Forward forward) {
        Route route = forward.route();
        QoS qos = route.effectiveQos(message.qos());
        Envelope envelope = new Envelope(
                forward.topic(),
                forward.key(),
                enricher.headers(message, forward, qos),
                message.payload(),
                message.arrivalTime(),
                qos,
                route.lane());
        CompletableFuture<Long> append;
        try {
            append = spool.append(envelope);
        } catch (RuntimeException e) { // the contract says it fails the future; be safe if it throws instead
            append = CompletableFuture.failedFuture(e);
        }
        if (qos == QoS.AT_MOST_ONCE) {
            append.whenComplete((sequence, failure) -> {
                if (failure == null) {
                    count(ingested(route));
                } else {
                    rejectedOutcome(failure);
                }
            });
            return CompletableFuture.completedFuture(new Outcome.Accepted(route.lane(), -1));
        }
        return append.handle((sequence, failure) -> {
            if (failure == null) {
                count(ingested(route));
                return new Outcome.Accepted(route.lane(), sequence);
            }
            return rejectedOutcome(failure);
        });
    }

    private Outcome rejectedOutcome(Throwable failure) {
        Throwable cause = unwrap(failure);
        String reason =
                switch (cause) {
                    case SpoolException.Full full -> "spool-full";
                    case SpoolException.Closed closed -> "spool-closed";
                    case SpoolException.Io io -> "spool-io";
                    default -> "spool-error";
                };
        boolean retriable = !(cause instanceof SpoolException se) || se.retriable();
        LOG.debug("append refused ({}): {}", reason, cause.toString());
        count(rejectedCounter(reason));
        return new Outcome.Rejected(503, reason + ": " + cause.getMessage(), retriable);
    }

    private CompletableFuture<Outcome> reject(String reason, int status, String text, boolean retriable) {
        count(rejectedCounter(reason));
        return CompletableFuture.completedFuture(new Outcome.Rejected(status, text, retriable));
    }

    private Counter ingested(Route route) {
        if (registry == null) {
            return null;
        }
        return ingested.computeIfAbsent(
                route.name(), name -> registry.counter("fogbridge.pipeline.ingested", "route", name));
    }

    private Counter rejectedCounter(String reason) {
        if (registry == null) {
            return null;
        }
        return rejected.computeIfAbsent(reason, r -> registry.counter("fogbridge.pipeline.rejected", "reason", r));
    }

    private static void count(Counter counter) {
        if (counter != null) {
            counter.increment();
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
