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
        int maxTtdWaiting) {

    /** The default of {@code adapters.http.maxTtdWaiting}. */
    public static final int DEFAULT_MAX_TTD_WAITING = 1000;

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
                maxTtdWaiting);
    }

    public HttpAdapterOptions withMaxTtdWaiting(int waiting) {
        return new HttpAdapterOptions(
                host, port, maxPayloadBytes, ackTimeout, maxTtd, anonymous, tls, clientAuth, waiting);
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
