package io.fogbridge.adapters.http;

import io.fogbridge.adapters.AdapterMetrics;
import io.fogbridge.adapters.DeviceUplink;
import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.device.DeviceDirectory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLEngine;
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
 * <p>Built on Netty's HTTP codec (two event-loop threads read every connection all the time) with one virtual thread
 * per complete request: a request held open for {@code ttd} costs a parked virtual thread, and a client that hangs up
 * during the wait is seen at once, so its waiter is released and no command is handed to it. The JDK's
 * {@code com.sun.net.httpserver}, used before, does not read a connection while its request is served, so it could
 * not tell a live long poll from an abandoned one. Connections idle for {@value #IDLE_SECONDS} s with no request
 * being served are closed. Bodies are read before a request is authenticated, so what all connections hold of them
 * together is bounded ({@link BodyBudget}, {@link HttpAdapterOptions#bodyBudget()}): beyond, 503 and the connection
 * closed. So is the number of connections ({@code maxConnections}, counted from accept: one beyond is closed at once).
 *
 * <p>Lifecycle: {@link #start} once, {@link #close} once (requests in flight are cut). Thread-safe.
 */
public final class HttpAdapter implements ProtocolAdapter {

    private static final Logger log = LoggerFactory.getLogger(HttpAdapter.class);

    static final int IDLE_SECONDS = 60;
    private static final int MAX_INITIAL_LINE = 16 << 10;
    // as generous as the JDK server before (devices send long tokens); the request line stays short
    private static final int MAX_HEADER_BYTES = 128 << 10;

    private final HttpAdapterOptions options;
    private final DeviceDirectory directory;
    private final CommandInbox inbox;
    private final AdapterMetrics metrics;
    private final MeterRegistry registry;
    private final BodyBudget bodies;
    private final AtomicInteger connections = new AtomicInteger();
    private final LongAdder refusedConnections = new LongAdder();
    private final Clock clock;
    private ExecutorService executor;
    private EventLoopGroup loops;
    private Channel server;
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
        this.registry = metricsOrNull;
        this.bodies = new BodyBudget(options.bodyBudget());
        this.clock = Clock.systemUTC();
    }

    @Override
    public String name() {
        return "http";
    }

    /** The event loops of the connections, for tests that must hold them busy; null before {@link #start}. */
    synchronized EventLoopGroup eventLoops() {
        return loops;
    }

    @Override
    public synchronized void start(Uplink uplink) throws Exception {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        DeviceUplink deviceUplink = new DeviceUplink(uplink, options.maxPayloadBytes(), options.ackTimeout(), clock);
        DeviceHttpHandler handler = new DeviceHttpHandler(
                options,
                deviceUplink,
                new PasswordCheck(directory, clock, Duration.ofMinutes(1)),
                directory,
                clock,
                inbox,
                metrics);
        loops = new NioEventLoopGroup(2, new DefaultThreadFactory("fogbridge-http", true));
        server = new ServerBootstrap()
                .group(loops)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (!admitted(channel)) {
                            return;
                        }
                        if (options.tls() != null) {
                            channel.pipeline().addLast(new SslHandler(serverEngine()));
                        }
                        channel.pipeline()
                                .addLast(new IdleStateHandler(IDLE_SECONDS, 0, 0, TimeUnit.SECONDS))
                                .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 8192))
                                .addLast(new RequestReader(
                                        options.maxPayloadBytes(), bodies, metrics, executor, handler::handle));
                    }
                })
                .bind(new InetSocketAddress(options.host(), options.port()))
                .sync()
                .channel();
        if (registry != null) {
            Gauge.builder("fogbridge.http.body.bytes", bodies, BodyBudget::held)
                    .description("bytes of request bodies held in memory (bounded by the adapter's body budget)")
                    .baseUnit("bytes")
                    .register(registry);
            Gauge.builder("fogbridge.http.connections", connections, AtomicInteger::get)
                    .description("device connections open")
                    .register(registry);
            FunctionCounter.builder("fogbridge.http.connections.refused", refusedConnections, LongAdder::sum)
                    .description("device connections closed at once because adapters.http.maxConnections were open")
                    .register(registry);
        }
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

    /** Counts the connection while it is open; closes it at once when {@code maxConnections} are open already. */
    private boolean admitted(SocketChannel channel) {
        if (connections.incrementAndGet() > options.maxConnections()) {
            connections.decrementAndGet();
            refusedConnections.increment();
            channel.close();
            return false;
        }
        channel.closeFuture().addListener(closed -> connections.decrementAndGet());
        return true;
    }

    private SSLEngine serverEngine() {
        SSLEngine engine = options.tls().createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        engine.setWantClientAuth(options.clientAuth());
        return engine;
    }

    private String scheme() {
        return options.tls() == null ? "http" : "https";
    }

    /** The port bound (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public synchronized void close() {
        ready = false;
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        if (loops != null) {
            // closing every connection ends the waits of their calls: waiting requests give their commands back
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
