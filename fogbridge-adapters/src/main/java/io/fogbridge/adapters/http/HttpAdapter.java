package io.fogbridge.adapters.http;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.fogbridge.adapters.AdapterMetrics;
import io.fogbridge.adapters.DeviceUplink;
import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.device.DeviceDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP device adapter: {@code POST /telemetry}, {@code /event} and {@code /command/res/{requestId}} (see
 * {@link io.fogbridge.adapters.DeviceResource}), authenticated by the device registry (basic auth
 * {@code device@tenant:password}, or a TLS client certificate), answered by the {@link io.fogbridge.api.Outcome}:
 *
 * <ul>
 *   <li>202 once the record is durable (telemetry with {@code QoS-Level: 1}, events and command responses), or at
 *       once for at-most-once telemetry;
 *   <li>with {@code ?ttd=<seconds>}: 200 with a pending command (name in {@code Fog-Command}, request id in
 *       {@code Fog-Command-Request-Id}, body = payload), or 202 when none came within ttd;
 *   <li>400 malformed, 401 missing or wrong credentials, 403 not allowed, 405 not POST, 413 too large, 503 spool full
 *       or not durable within the ack timeout, 500 internal.
 * </ul>
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver} with one virtual thread per request: no dependency, and a
 * request held open for {@code ttd} costs a parked virtual thread, not a platform thread.
 *
 * <p>Lifecycle: {@link #start} once, {@link #close} once (requests in flight are cut). Thread-safe.
 */
public final class HttpAdapter implements ProtocolAdapter {

    private static final Logger log = LoggerFactory.getLogger(HttpAdapter.class);

    private final HttpAdapterOptions options;
    private final DeviceDirectory directory;
    private final CommandInbox inbox;
    private final AdapterMetrics metrics;
    private final Clock clock;
    private ExecutorService executor;
    private HttpServer server;
    private volatile boolean ready;

    /**
     * @param inboxOrNull where {@code ttd} requests pick up commands; null = {@code ttd} is accepted and ignored
     * @param metricsOrNull null = no metrics
     */
    public HttpAdapter(
            HttpAdapterOptions options,
            DeviceDirectory directory,
            CommandInbox inboxOrNull,
            MeterRegistry metricsOrNull) {
        this.options = options;
        this.directory = directory;
        this.inbox = inboxOrNull;
        this.metrics = new AdapterMetrics("http", metricsOrNull);
        this.clock = Clock.systemUTC();
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public synchronized void start(Uplink uplink) throws Exception {
        InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
        if (options.tls() == null) {
            server = HttpServer.create(address, 128);
        } else {
            HttpsServer https = HttpsServer.create(address, 128);
            https.setHttpsConfigurator(new HttpsConfigurator(options.tls()) {
                @Override
                public void configure(HttpsParameters params) {
                    var ssl = options.tls().getDefaultSSLParameters();
                    ssl.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                    ssl.setWantClientAuth(options.clientAuth());
                    params.setSSLParameters(ssl);
                }
            });
            server = https;
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        DeviceUplink deviceUplink = new DeviceUplink(uplink, options.maxPayloadBytes(), options.ackTimeout(), clock);
        server.createContext(
                "/",
                new DeviceHttpHandler(
                        options,
                        deviceUplink,
                        new PasswordCheck(directory, clock, Duration.ofMinutes(1)),
                        directory,
                        clock,
                        inbox,
                        metrics));
        server.start();
        ready = true;
        if (!options.anonymousAllowed()) {
            log.info("HTTP device adapter on {}://{}:{}", scheme(), options.host(), port());
        } else {
            log.info(
                    "HTTP device adapter on {}://{}:{}, accepting requests without credentials{}",
                    scheme(),
                    options.host(),
                    port(),
                    options.anonymous() == null ? " (loopback)" : "");
        }
    }

    private String scheme() {
        return options.tls() == null ? "http" : "https";
    }

    /** The port bound (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public synchronized void close() {
        ready = false;
        if (server != null) {
            server.stop(0);
        }
        if (executor != null) {
            executor.shutdownNow(); // wakes requests parked in a ttd wait; their commands go back to pending
        }
    }
}
