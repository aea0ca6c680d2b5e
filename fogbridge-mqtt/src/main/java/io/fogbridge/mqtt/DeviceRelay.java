package io.fogbridge.mqtt;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device-facing side of the embedded broker when {@code devices.pipelinedAcks} is on (decision 0001): a Netty
 * server on every device listener (plain or TLS, as configured) that relays each device connection, packet by packet
 * and byte for byte, to the embedded HiveMQ on its loopback-only port, over one internal connection per device. The
 * broker keeps deciding CONNACK codes, authentication, subscriptions, retained messages, wills, sessions and
 * keep-alive. The relay hands the device's PUBLISHes to the uplink itself (the same checks as the broker's
 * interceptor), passes them to the broker only where a local subscriber could want them, and holds each
 * acknowledgement until the append behind it is durable, so many PUBLISHes of one connection wait for their group
 * commit at once ({@link RelayedConnection}, {@link PipelinedAcks}).
 *
 * <p><b>Threads.</b> One acceptor thread and one event loop per core (daemon threads {@code fogbridge-mqtt-relay-*});
 * a device connection and its internal connection share one event loop.
 *
 * <p><b>Transport.</b> Netty's native epoll transport where it loads (Linux x86-64, the gateway's target), else the
 * JDK's NIO; {@code -Dio.netty.transport.noNative=true} forces NIO. Netty unpacks the library into
 * {@code java.io.tmpdir} (or {@code io.netty.native.workdir}): where that is read-only or mounted {@code noexec}, the
 * relay runs on NIO, as it did before epoll, with the same behaviour. Every PUBLISH and PUBACK crosses the relay's two
 * sockets, so their reads, writes and wake-ups are most of what the relay adds per message; epoll does each with
 * less work than NIO's selector (BENCHMARKS.md, "Performance II", has the A/B).
 *
 * <p><b>Lifecycle.</b> {@link #start()} binds every listener or, if one cannot be bound, releases what it bound and
 * throws. {@link #close()} closes the listeners and every connection (abruptly: the broker fires wills as on any lost
 * connection). Not thread-safe; the broker calls both under its own lock.
 */
final class DeviceRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeviceRelay.class);

    private final List<ListenerAddress> listeners;
    private final TlsStores tlsStores;
    private final InetSocketAddress broker;
    private final int maxPacketBytes;
    private final Duration ackTimeout;
    private final RelayedConnections relayed;
    private final UplinkPublishInterceptor uplink;
    private final LocalSubscribers subscribers;
    private final MqttMetrics metrics;
    private final RelayMetrics relayMetrics;
    private EventLoopGroup acceptor;
    private EventLoopGroup loops;
    private final List<Channel> servers = new ArrayList<>();

    /**
     * @param listeners      the device listeners, ports resolved
     * @param tlsStores      the key and trust stores of the TLS listeners, by listener index
     * @param broker         the embedded broker's internal (loopback) listener
     * @param maxPacketBytes the broker's packet size limit: one byte more passes, so the broker still refuses it
     *                       itself (0x95); beyond that the relay does
     */
    DeviceRelay(
            List<ListenerAddress> listeners,
            TlsStores tlsStores,
            InetSocketAddress broker,
            int maxPacketBytes,
            Duration ackTimeout,
            RelayedConnections relayed,
            UplinkPublishInterceptor uplink,
            LocalSubscribers subscribers,
            MqttMetrics metrics,
            RelayMetrics relayMetrics) {
        this.uplink = uplink;
        this.subscribers = subscribers;
        this.listeners = List.copyOf(listeners);
        this.tlsStores = tlsStores;
        this.broker = broker;
        this.maxPacketBytes = maxPacketBytes;
        this.ackTimeout = ackTimeout;
        this.relayed = relayed;
        this.metrics = metrics;
        this.relayMetrics = relayMetrics;
    }

    void start() throws InterruptedException {
        acceptor = eventLoops(1, new DefaultThreadFactory("fogbridge-mqtt-relay-accept", true));
        loops = eventLoops(
                Math.max(2, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("fogbridge-mqtt-relay", true));
        log.debug("MQTT device relay on Netty's {} transport", Epoll.isAvailable() ? "epoll" : "NIO");
        try {
            for (int i = 0; i < listeners.size(); i++) {
                ListenerAddress listener = listeners.get(i);
                RelayTls tls = listener.tls() == null ? null : new RelayTls(listener.tls(), tlsStores.storesOf(i));
                servers.add(serve(listener, BrokerWorkDir.listenerName(i), tls));
            }
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        for (int i = 0; i < listeners.size(); i++) {
            if (listeners.get(i).tls() == null) { // a TLS listener would wait for a handshake that never comes
                warmUp(listeners.get(i), servers.get(i));
                break;
            }
        }
    }

    /**
     * One throw-away TCP connection through a plain listener, held until the relay opened its internal connection
     * for it: on a cold JVM the first device's CONNECT otherwise pays for loading and first running the relay path
     * (measured: CONNACK after 0.8 s instead of 0.25 s without the relay). The broker sees a connection that closes
     * without a CONNECT; nothing is logged or counted. Best effort: a failure is ignored.
     */
    private void warmUp(ListenerAddress listener, Channel server) {
        InetSocketAddress bound = (InetSocketAddress) server.localAddress();
        InetAddress host =
                bound.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound.getAddress();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, bound.getPort()), 2_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (relayed.size() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (IOException e) {
            log.debug("warming up the device relay on {} failed: {}", listener, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static EventLoopGroup eventLoops(int threads, ThreadFactory factory) {
        return Epoll.isAvailable()
                ? new EpollEventLoopGroup(threads, factory)
                : new NioEventLoopGroup(threads, factory);
    }

    private Channel serve(ListenerAddress listener, String name, RelayTls tls) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        Class<? extends Channel> socket = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        Class<? extends ServerChannel> serverSocket =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Bootstrap toBroker = new Bootstrap()
                .channel(socket)
                .option(ChannelOption.TCP_NODELAY, true)
                .remoteAddress(broker);
        ServerBootstrap server = new ServerBootstrap()
                .group(acceptor, loops)
                .channel(serverSocket)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel device) {
                        if (tls != null) {
                            device.pipeline().addLast("tls", tls.context().newHandler(device.alloc()));
                        }
                        device.pipeline()
                                .addLast("frames", new MqttFrames(maxPacketBytes + 1))
                                .addLast(
                                        "relay",
                                        new RelayedConnection(
                                                name,
                                                toBroker,
                                                maxPacketBytes,
                                                ackTimeout,
                                                relayed,
                                                uplink,
                                                subscribers,
                                                metrics,
                                                relayMetrics));
                    }
                });
        ChannelFuture bound = server.bind(listener.host(), listener.port()).await();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("cannot listen on " + listener + ": " + bound.cause(), bound.cause());
        }
        return bound.channel();
    }

    /** Open device connections. */
    int connections() {
        return relayed.size();
    }

    @Override
    public void close() {
        for (Channel server : servers) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        servers.clear();
        if (loops != null) {
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (acceptor != null) {
            acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
