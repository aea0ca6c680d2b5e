package io.fogbridge.api.pipeline;

/**
 * One step of the uplink pipeline. The pipeline is an ordered chain: payload limit, routing, enrichment, then the
 * stages wiring adds (filters, reductions such as a deadband, sampling or windows), then the durable append, which
 * alone decides when the sender is answered (at-most-once at once, at-least-once when the spool made the record
 * durable). A stage never touches the spool and never answers the sender itself; it returns a {@link Verdict}:
 *
 * <ul>
 *   <li>the record — itself, or a transformed copy ({@link UplinkRecord#withPayload}, {@link
 *       UplinkRecord#withHeaders}) — to pass it on to the next stage;
 *   <li>{@link Verdict#STAY} to keep the message on the local bus (answered {@code Local}, counted as unrouted);
 *   <li>{@link Verdict.Refuse} to end it with an HTTP-like status (answered {@code Rejected}, counted by reason);
 *   <li>{@link Verdict.Suppress} to drop it on purpose, e.g. a value inside the deadband: the sender is answered
 *       {@code Accepted} with sequence -1 at once whatever its QoS (retrying would be suppressed again), nothing is
 *       appended, and it is counted by reason.
 * </ul>
 *
 * <p><b>What a stage sees.</b> Stages added by wiring run after routing and enrichment, so {@link
 * UplinkRecord#destination()} (route name, Kafka topic and key, tenant, device, effective QoS, lane) and {@link
 * UplinkRecord#headers()} are set; {@link UplinkRecord#message()} keeps the message as received (sender, MQTT topic,
 * arrival time). A stage that needs time uses the arrival time, not a clock of its own, so that replays and tests
 * decide the same way.
 *
 * <p><b>Threads.</b> {@link #apply} is called concurrently from many connections (broker interceptor threads, HTTP
 * and CoAP workers), and the pipeline does not serialize the messages of one device: a stage with state (a
 * deadband's last value per device and topic) keeps it in a concurrent structure and updates it atomically. Records
 * are immutable and may be kept.
 *
 * <p><b>Must not block.</b> It runs on the adapters' few I/O threads (the embedded broker has two for all clients),
 * per message, at tens of thousands of messages a second: no I/O, no locks held for long, no waiting; allocate
 * little.
 *
 * <p><b>Failure.</b> An exception (or a null verdict) is a bug in the stage: the message is refused with {@code
 * 500}, not retriable, counted as rejected with reason {@code stage-error} and logged; the pipeline keeps serving
 * other messages. A stage that wants a particular answer returns a verdict instead of throwing.
 *
 * <p><b>Lifecycle.</b> Built by the wiring before the pipeline and handed to it in order; the pipeline does not own
 * stages. One that holds resources is closed by whoever built it, after the pipeline stopped taking messages.
 */
@FunctionalInterface
public interface UplinkStage {

    /** @return the record (passed on, possibly transformed) or how the message ends; never null */
    Verdict apply(UplinkRecord record);
}
