package io.fogbridge.api;

/**
 * A device-facing protocol endpoint: a server devices call (MQTT, HTTP, CoAP) or a poller that reads devices
 * (Modbus, OPC UA). Created by an {@link io.fogbridge.api.adapter.AdapterFactory}.
 *
 * <p><b>Lifecycle.</b> {@link #start(Uplink)} once, then {@link #close()} once. {@code start} returns when the adapter
 * is ready to accept traffic (listening, or connected to its peer) and throws if it cannot become ready; the gateway
 * then does not start. {@link #ready()} feeds {@code /readyz}: a poller that lost its peer reports false until it is
 * back. Thread-safe: {@code ready} and {@code close} are called from other threads than the adapter's own.
 *
 * <p><b>Answering by outcome.</b> Every message goes through {@link Uplink#accept}, and what the adapter may do next
 * is decided by the {@link Outcome} only:
 * <ul>
 *   <li>{@link Outcome.Accepted}: the message is durable (or handed off, for at-most-once): acknowledge it to the
 *       sender, or for a poller, treat the reading as delivered and move on. Never acknowledge at-least-once traffic
 *       before this.
 *   <li>{@link Outcome.Local}: no route takes it off the edge; it counts as done.
 *   <li>{@link Outcome.Rejected} not {@code retriable} (400 malformed, 403 not allowed, 413 too large): sending the
 *       same message again will not help. A server answers with the status; a poller counts and logs it and drops
 *       that reading (a reading that can never be accepted must not block the ones after it).
 *   <li>{@link Outcome.Rejected} {@code retriable} (503: spool full, durable append not confirmed in time): the gateway
 *       cannot take it <em>now</em>. A server answers with the status and the device retries. A poller owns the retry:
 *       it keeps the value it read, retries it with a back-off (on the {@link
 *       io.fogbridge.api.adapter.AdapterContext#scheduler()}, never by blocking its thread), and for at-least-once
 *       data never advances past an unacknowledged reading: a later reading of the same point is sent only after the
 *       earlier one was accepted, or replaces it when the adapter's documented semantics are "latest value" (then it
 *       says so and counts what it replaced). It must not read faster than it can deliver: while readings wait, it
 *       skips or stretches poll cycles and counts the late ones, rather than queueing without bound.
 * </ul>
 *
 * <p><b>Back-pressure.</b> The uplink never blocks the caller; its futures complete when the spool decides. An adapter
 * bounds what it has in flight (per connection for a server, per peer for a poller) and stops reading from its
 * senders or peers while at that bound, so a full spool slows devices down instead of filling the heap. Bad input
 * from one sender is answered with an error and never stops the adapter for the others.
 *
 * <p><b>Shutdown.</b> {@link #close()} stops accepting, cancels the adapter's scheduled tasks and releases its ports
 * and connections; it does not wait for outstanding uplink futures. Messages not yet acknowledged are not lost: the
 * device (or, for a poller, the next run reading the same points) sends them again. A pending command handed out
 * by the {@link CommandInbox} and not written is reported {@code notDelivered}. Idempotent.
 */
public interface ProtocolAdapter extends AutoCloseable {

    /** A short name for logs, metrics and {@code /readyz}, such as {@code mqtt} or {@code coap}. */
    String name();

    void start(Uplink uplink) throws Exception;

    /** True while the adapter accepts traffic; feeds {@code /readyz}. */
    boolean ready();

    /**
     * What an operator must read on {@code /readyz} beside {@link #ready()}: why the adapter is not ready, or, while
     * it is, what waits for their action (a server certificate to trust). Empty when there is nothing to say. Cheap
     * and non-blocking (it runs on every probe); never a secret.
     */
    default java.util.Optional<String> attention() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
