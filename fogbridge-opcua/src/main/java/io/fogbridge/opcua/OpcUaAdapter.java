package io.fogbridge.opcua;

import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.Uplink;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OPC UA converter: one {@link EndpointSession} per configured endpoint, each with its own client, session and
 * subscription. Its records land on the same device topics, routes, headers and spool as an MQTT device's, with a
 * {@code source} header (the endpoint URL) instead of {@code mqtt-topic}.
 *
 * <p><b>Start.</b> {@link #start} begins connecting and returns at once: a server that is down when the gateway starts
 * is reported {@code lost} on its status topic and retried with back-off; it does not keep the gateway from starting.
 * {@link #ready()} is true while at least one endpoint is subscribed (or none is configured); {@link #attention()}
 * names the endpoints refused for an untrusted server certificate, and how to trust it.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
final class OpcUaAdapter implements ProtocolAdapter {

    private static final Logger log = LoggerFactory.getLogger(OpcUaAdapter.class);

    private final OpcUaSettings settings;
    private final OpcUaRuntime.Opener runtime;
    private final List<EndpointSession> sessions = new ArrayList<>();
    private volatile boolean closed;

    OpcUaAdapter(OpcUaSettings settings, OpcUaRuntime.Opener runtime) {
        this.settings = settings;
        this.runtime = runtime;
    }

    @Override
    public String name() {
        return "opcua";
    }

    @Override
    public synchronized void start(Uplink uplink) throws Exception {
        OpcUaRuntime shared = runtime.open(uplink);
        for (OpcUaEndpoint endpoint : settings.endpoints()) {
            if (endpoint.securityPolicy().equals("None") && !loopback(endpoint.url())) {
                log.warn(
                        "opcua {}: securityPolicy None to {}: values, writes and passwords cross the network"
                                + " unsigned and in clear text",
                        endpoint.id(),
                        endpoint.url());
            }
            EndpointSession session = new EndpointSession(endpoint, shared);
            sessions.add(session);
            session.start();
        }
    }

    @Override
    public synchronized boolean ready() {
        return !closed && (sessions.isEmpty() || sessions.stream().anyMatch(EndpointSession::connected));
    }

    /** What waits for an operator: servers refused for an untrusted certificate, with how to trust each. */
    @Override
    public synchronized Optional<String> attention() {
        List<String> notes =
                sessions.stream().flatMap(s -> s.attention().stream()).toList();
        return notes.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", notes));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sessions.forEach(EndpointSession::close);
    }

    /**
     * Whether the URL's host is this machine: {@code localhost} or a loopback address literal. Other names count as
     * remote without a DNS lookup, which could hold up the start.
     */
    static boolean loopback(String url) {
        String host = URI.create(url).getHost();
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        boolean literal = host.startsWith("[") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        try {
            return literal && InetAddress.getByName(host).isLoopbackAddress(); // a literal is parsed, not looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
