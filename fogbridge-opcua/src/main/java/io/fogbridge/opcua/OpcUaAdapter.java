package io.fogbridge.opcua;

import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.Uplink;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The OPC UA converter: one {@link EndpointSession} per configured endpoint, each with its own client, session and
 * subscription. Its records land on the same device topics, routes, headers and spool as an MQTT device's, with a
 * {@code source} header (the endpoint URL) instead of {@code mqtt-topic}.
 *
 * <p><b>Start.</b> {@link #start} begins connecting and returns at once: a server that is down when the gateway starts
 * is reported {@code lost} on its status topic and retried with back-off; it does not keep the gateway from starting.
 * {@link #ready()} is true while at least one endpoint is subscribed (or none is configured).
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
final class OpcUaAdapter implements ProtocolAdapter {

    private final OpcUaSettings settings;
    private final Function<Uplink, OpcUaRuntime> runtime;
    private final List<EndpointSession> sessions = new ArrayList<>();
    private volatile boolean closed;

    OpcUaAdapter(OpcUaSettings settings, Function<Uplink, OpcUaRuntime> runtime) {
        this.settings = settings;
        this.runtime = runtime;
    }

    @Override
    public String name() {
        return "opcua";
    }

    @Override
    public synchronized void start(Uplink uplink) {
        OpcUaRuntime shared = runtime.apply(uplink);
        for (OpcUaEndpoint endpoint : settings.endpoints()) {
            EndpointSession session = new EndpointSession(endpoint, shared);
            sessions.add(session);
            session.start();
        }
    }

    @Override
    public synchronized boolean ready() {
        return !closed && (sessions.isEmpty() || sessions.stream().anyMatch(EndpointSession::connected));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sessions.forEach(EndpointSession::close);
    }
}
