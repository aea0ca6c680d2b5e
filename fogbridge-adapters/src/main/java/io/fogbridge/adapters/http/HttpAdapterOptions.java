package io.fogbridge.adapters.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How the HTTP device adapter listens and what it accepts. Immutable.
 *
 * @param host            address to listen on
 * @param port            port; 0 = any free port ({@link HttpAdapter#port()} tells which)
 * @param maxPayloadBytes larger bodies are refused with 413 before they are read
 * @param ackTimeout      how long a request may wait for the durable append before it is answered 503
 * @param maxTtd          the longest {@code ttd} honoured; longer ones are cut to this
 * @param anonymous       whether requests without credentials are accepted (they must name the device in the path);
 *                        null = only when {@code host} is a loopback address
 * @param tls             null = plain HTTP; else HTTPS with this context
 * @param clientAuth      with TLS: ask for a client certificate (devices may still use basic auth without one)
 * @param maxTtdWaiting   how many {@code ttd} requests may wait for a command at once; more are refused with 503
 * @param bodyBudgetBytes request bodies the adapter may hold at once, all connections together, from their first
 *                        byte until the uplink took them; 0 = {@link #bodyBudget() derived from the heap}
 * @param maxConnections  connections open at once; a connection beyond is closed as soon as it is accepted
 */
public record HttpAdapterOptions(
        String host,
        int port,
        long maxPayloadBytes,
        Duration ackTimeout,
        Duration maxTtd,
        Boolean anonymous,
        SSLContext tls,
        boolean clientAuth,
        int maxTtdWaiting,
        long bodyBudgetBytes,
        int maxConnections) {

    /** The default of {@code adapters.http.maxTtdWaiting}. */
    public static final int DEFAULT_MAX_TTD_WAITING = 1000;
    /** The default of {@code adapters.http.maxConnections}: the long polls, and as many again for the rest. */
    public static final int DEFAULT_MAX_CONNECTIONS = 2000;

    public HttpAdapterOptions(
            String host,
            int port,
            long maxPayloadBytes,
            Duration ackTimeout,
            Duration maxTtd,
            Boolean anonymous,
            SSLContext tls,
            boolean clientAuth,
            int maxTtdWaiting) {
        this(
                host,
                port,
                maxPayloadBytes,
                ackTimeout,
                maxTtd,
                anonymous,
                tls,
                clientAuth,
                maxTtdWaiting,
                0,
                DEFAULT_MAX_CONNECTIONS);
    }

    public HttpAdapterOptions(
            String host,
            int port,
            long maxPayloadBytes,
            Duration ackTimeout,
            Duration maxTtd,
            Boolean anonymous,
            SSLContext tls,
            boolean clientAuth) {
        this(host, port, maxPayloadBytes, ackTimeout, maxTtd, anonymous, tls, clientAuth, DEFAULT_MAX_TTD_WAITING);
    }

    public HttpAdapterOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        Objects.requireNonNull(maxTtd, "maxTtd");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
        if (maxTtdWaiting < 1) {
            throw new IllegalArgumentException("maxTtdWaiting must be at least 1, got " + maxTtdWaiting);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
        if (bodyBudgetBytes < 0) {
            throw new IllegalArgumentException("bodyBudgetBytes must be 0 (derived) or more, got " + bodyBudgetBytes);
        }
    }

    /**
     * The bytes of request bodies held at once: {@code bodyBudgetBytes} when set, else a sixteenth of the heap, at most
     * 16 MiB (8 MiB at the launcher's {@code -Xmx128m}); never less than one body of {@code maxPayloadBytes}.
     */
    public long bodyBudget() {
        long budget = bodyBudgetBytes > 0
                ? bodyBudgetBytes
                : Math.min(16L << 20, Runtime.getRuntime().maxMemory() / 16);
        return Math.max(budget, maxPayloadBytes);
    }

    /** Plain HTTP on {@code host:port}, 256 KiB bodies, 10 s ack timeout, ttd up to 60 s, anonymous on loopback. */
    public static HttpAdapterOptions plain(String host, int port) {
        return new HttpAdapterOptions(
                host, port, 256 << 10, Duration.ofSeconds(10), Duration.ofSeconds(60), null, null, false);
    }

    public HttpAdapterOptions withTls(SSLContext context, boolean askForClientCertificate) {
        return new HttpAdapterOptions(
                host,
                port,
                maxPayloadBytes,
                ackTimeout,
                maxTtd,
                anonymous,
                context,
                askForClientCertificate,
                maxTtdWaiting,
                bodyBudgetBytes,
                maxConnections);
    }

    public HttpAdapterOptions withMaxTtdWaiting(int waiting) {
        return new HttpAdapterOptions(
                host,
                port,
                maxPayloadBytes,
                ackTimeout,
                maxTtd,
                anonymous,
                tls,
                clientAuth,
                waiting,
                bodyBudgetBytes,
                maxConnections);
    }

    public HttpAdapterOptions withBodyBudget(long bytes) {
        return new HttpAdapterOptions(
                host,
                port,
                maxPayloadBytes,
                ackTimeout,
                maxTtd,
                anonymous,
                tls,
                clientAuth,
                maxTtdWaiting,
                bytes,
                maxConnections);
    }

    public HttpAdapterOptions withMaxConnections(int connections) {
        return new HttpAdapterOptions(
                host,
                port,
                maxPayloadBytes,
                ackTimeout,
                maxTtd,
                anonymous,
                tls,
                clientAuth,
                maxTtdWaiting,
                bodyBudgetBytes,
                connections);
    }

    public boolean anonymousAllowed() {
        if (anonymous != null) {
            return anonymous;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
