package io.fogbridge.api;

import java.util.concurrent.CompletableFuture;

/**
 * Where protocol adapters hand what they receive: routing, enrichment and the durable append.
 *
 * <p>The returned future says when and how the sender may be answered:
 * {@link Outcome.Accepted} once the record is durable (or at once for {@link QoS#AT_MOST_ONCE}),
 * {@link Outcome.Local} at once when no route takes the message off the edge, and
 * {@link Outcome.Rejected} with an HTTP-like status when it was refused (spool full, invalid).
 *
 * <p>Thread-safe; never blocks the caller on I/O.
 */
public interface Uplink {

    CompletableFuture<Outcome> accept(InboundMessage message);
}
