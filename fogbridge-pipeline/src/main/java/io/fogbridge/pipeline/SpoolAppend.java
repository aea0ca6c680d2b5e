package io.fogbridge.pipeline;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Spool;
import io.fogbridge.api.SpoolException;
import io.fogbridge.api.pipeline.Destination;
import io.fogbridge.api.pipeline.UplinkRecord;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of the pipeline, after every stage passed the record on, and the one place where the guarantee is
 * decided, by the QoS the routing stage fixed (the route's override, else the sender's):
 *
 * <ul>
 *   <li>at-most-once → {@code Accepted(lane, -1)} at once; the append still happens, and a failed one is counted
 *   <li>at-least-once → {@code Accepted(lane, sequence)} when the spool made the record durable (as {@code
 *       spool.fsync} says); a refused append → {@code Rejected(503, …)}, retriable unless the spool was closed
 * </ul>
 *
 * <p>Append failures are counted as rejected with reason {@code spool-full}, {@code spool-closed}, {@code spool-io} or
 * {@code spool-error}; records the spool took as ingested under their route. Thread-safe; never blocks (the spool's
 * {@code append} does not either). Completion stages run on the spool's thread and only map the result.
 */
final class SpoolAppend {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolAppend.class);

    private final Spool spool;
    private final PipelineMeters meters;

    SpoolAppend(Spool spool, PipelineMeters meters) {
        this.spool = spool;
        this.meters = meters;
    }

    /** @param record routed and enriched */
    CompletableFuture<Outcome> append(UplinkRecord record) {
        Destination destination = record.destination();
        QoS qos = destination.qos();
        Envelope envelope = new Envelope(
                destination.topic(),
                destination.key(),
                record.headers(),
                record.payload(),
                record.message().arrivalTime(),
                qos,
                destination.lane());
        CompletableFuture<Long> append;
        try {
            append = spool.append(envelope);
        } catch (RuntimeException e) { // the contract says it fails the future; be safe if it throws instead
            append = CompletableFuture.failedFuture(e);
        }
        String route = destination.route();
        if (qos == QoS.AT_MOST_ONCE) {
            append.whenComplete((sequence, failure) -> {
                if (failure == null) {
                    meters.ingested(route);
                } else {
                    rejectedOutcome(failure);
                }
            });
            return CompletableFuture.completedFuture(new Outcome.Accepted(destination.lane(), -1));
        }
        return append.handle((sequence, failure) -> {
            if (failure == null) {
                meters.ingested(route);
                return new Outcome.Accepted(destination.lane(), sequence);
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
        meters.rejected(reason);
        return new Outcome.Rejected(503, reason + ": " + cause.getMessage(), retriable);
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
