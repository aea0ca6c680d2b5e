package io.fogbridge.gateway.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The operations endpoints: {@code /healthz} (the process is alive and serving), {@code /readyz}
 * (every registered {@link ReadinessCheck} passes; 503 with the reasons otherwise) and
 * {@code /metrics} (Prometheus text format).
 *
 * <p>Binds to loopback by default (config {@code http.host}): these endpoints are for the node's
 * kubelet and a local scraper, not for the plant network. When exposed, a {@link BearerToken} guards
 * {@code /readyz} and {@code /metrics} (they tell a stranger what runs here and how busy it is): a request
 * without the token gets 401 and no detail. {@code /healthz} stays open because it says nothing but "ok" and
 * liveness probes rarely carry credentials. Thread-safe; one daemon thread serves.
 */
public final class OpsServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
    private final BearerToken token;

    /** Open endpoints: for loopback. */
    public OpsServer(String host, int port, PrometheusMeterRegistry registry) throws IOException {
        this(host, port, registry, null);
    }

    /** @param token required on {@code /readyz} and {@code /metrics}; null = open */
    public OpsServer(String host, int port, PrometheusMeterRegistry registry, BearerToken token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fogbridge-ops-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
        server.createContext("/readyz", guarded(this::readiness));
        server.createContext(
                "/metrics",
                guarded(exchange ->
                        respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape())));
    }

    /**
     * Serves {@code handler} under {@code path}, outside the bearer-token guard: the handler does its own access
     * control (the console's login and session). Call before {@link #start}.
     */
    public OpsServer mount(String path, HttpHandler handler) {
        server.createContext(path, handler);
        return this;
    }

    public synchronized OpsServer addCheck(String name, ReadinessCheck check) {
        checks.put(name, check);
        return this;
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Evaluates every check; also used by the status line of the demo and by tests. */
    public synchronized Map<String, ReadinessCheck.Status> evaluate() {
        Map<String, ReadinessCheck.Status> result = new LinkedHashMap<>();
        checks.forEach((name, check) -> {
            ReadinessCheck.Status status;
            try {
                status = check.check();
            } catch (RuntimeException e) {
                status = ReadinessCheck.Status.notReady("check failed: " + e);
            }
            result.put(name, status);
        });
        return result;
    }

    /** Whether {@code /readyz} and {@code /metrics} ask for a bearer token. */
    public boolean tokenRequired() {
        return token != null;
    }

    private HttpHandler guarded(HttpHandler handler) {
        if (token == null) {
            return handler;
        }
        return exchange -> {
            if (token.admits(exchange.getRequestHeaders().getFirst("Authorization"))) {
                handler.handle(exchange);
            } else {
                // RFC 6750 3: say which scheme is expected; nothing about why the token failed.
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"fogbridge\"");
                respond(exchange, 401, "text/plain", "unauthorized: send Authorization: Bearer <http.token>\n");
            }
        };
    }

    private void readiness(HttpExchange exchange) throws IOException {
        Map<String, ReadinessCheck.Status> statuses = evaluate();
        boolean ready = statuses.values().stream().allMatch(ReadinessCheck.Status::ready);
        StringBuilder body = new StringBuilder(ready ? "ready\n" : "not ready\n");
        statuses.forEach((name, status) -> body.append(status.label())
                .append(name)
                .append(": ")
                .append(status.detail())
                .append('\n'));
        respond(exchange, ready ? 200 : 503, "text/plain", body.toString());
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
