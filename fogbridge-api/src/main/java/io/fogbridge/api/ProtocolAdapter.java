package io.fogbridge.api;

/**
 * A device-facing protocol endpoint (MQTT, HTTP, CoAP, a Modbus poller …).
 *
 * <p>Lifecycle: {@link #start(Uplink)} once, then {@link #close()} once. {@code start} returns when
 * the adapter is ready to accept traffic (listening, or connected to its peer) and throws if it
 * cannot become ready. An adapter answers each sender according to the {@link Outcome} of
 * {@link Uplink#accept}: it acknowledges at-least-once traffic only when the outcome is
 * {@link Outcome.Accepted}. Bad input from one sender is answered with an error and never stops
 * the adapter for the others.
 */
public interface ProtocolAdapter extends AutoCloseable {

    /** A short name for logs and metrics, such as {@code mqtt} or {@code coap}. */
    String name();

    void start(Uplink uplink) throws Exception;

    /** True while the adapter accepts traffic; feeds {@code /readyz}. */
    boolean ready();

    @Override
    void close();
}
