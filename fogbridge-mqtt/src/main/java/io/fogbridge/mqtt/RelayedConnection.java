package io.fogbridge.mqtt;

import io.fogbridge.api.Outcome;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device connection of the {@link DeviceRelay} and its internal connection to the embedded broker.
 *
 * <ol>
 *   <li>Once the device's TCP (and TLS) connection is up, its facts (address, listener, verified certificate chain)
 *       are registered under a fresh loopback address ({@link RelayedConnections}) and the internal connection is
 *       opened from that address. Packets the device sends meanwhile wait (reading pauses).
 *   <li>Every packet is relayed as the bytes that came ({@link MqttFrames}), both ways, except the broker's PUBACK or
 *       PUBREC of a device PUBLISH, which {@link PipelinedAcks} holds until the append behind it is durable, and the
 *       device's PUBLISHes once the broker's successful CONNACK said it leaves them to the relay: each is read
 *       ({@link RelayedPublish}) and handed to the uplink here ({@link UplinkPublishInterceptor#onRelayedPublish}); a
 *       refusal is answered in its place and never relayed; an accepted one goes to the broker only if it is retained,
 *       QoS 2, or someone local subscribes to its topic ({@link LocalSubscribers}), else the relay answers it itself.
 *       Either way this is decided only once its append is durable and, while devices subscribe ({@link
 *       #SUBSCRIBING}), at least {@link #ROUTE_AFTER} after it was read (QoS 2 at once: its PUBREC is what waits), and the packets read after it wait behind it ({@link
 *       #route}): local subscribers get a QoS 0 or 1 message only once it is as durable as the device's
 *       acknowledgement says, as through the broker's own path. What the device sends between its CONNECT and the
 *       CONNACK waits for the CONNACK.
 *   <li>A PUBLISH decided while relayed SUBSCRIBEs (of any device) are unanswered waits for their SUBACKs, at most
 *       {@link #SUBSCRIBE_WAIT} ({@link UnansweredSubscribes}): the broker routes a relayed PUBLISH faster than it
 *       takes a subscription in, so a device that sent its SUBSCRIBE first would otherwise miss the PUBLISH (Paho's
 *       {@code test_subscribe_options} does exactly that, with the two packets 0.1 ms apart on two connections, which
 *       the relay may read on two event loops in either order: hence {@link #ROUTE_AFTER}).
 *   <li>The broker must not take a device it hears nothing from for dead: the relay pings it within the device's keep
 *       alive and keeps those PINGRESPs to itself. Topic aliases the broker missed are named again for it. With
 *       {@value #MAX_HELD} answers held the relay stops reading an MQTT 3 device until half of them went out; an
 *       MQTT 5 device that sends a QoS 1 or 2 PUBLISH beyond that receive maximum (QoS 2 counted until its PUBREL) is
 *       disconnected with 0x93, as the broker does (MQTT 5 §3.3.4), before it hears of any PUBLISH it sent after.
 *   <li>Either side closing closes the other. The device vanishing closes the internal connection abruptly, so the
 *       broker fires the will; a DISCONNECT from the device reaches the broker first, so it does not. The broker
 *       closing (CONNACK refusal, revocation, takeover, keep-alive) is relayed with whatever it sent last.
 * </ol>
 *
 * A packet longer than the broker's limit plus one byte is not relayed: an MQTT 5 device gets DISCONNECT 0x95 (the
 * broker refuses one byte over its limit itself, so the code and the count are the same), then the connection closes.
 * Each direction stops reading while the other side cannot take more, so neither buffers without bound.
 *
 * <p>Not thread-safe: runs on the device channel's event loop, which the internal channel shares.
 */
final class RelayedConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RelayedConnection.class);
    private static final int DISCONNECT = 14;
    private static final byte[] PINGREQ = {(byte) (MqttFrames.PINGREQ << 4), 0};
    private static final int PACKET_TOO_LARGE = 0x95;
    private static final int MALFORMED_PACKET = 0x81;
    private static final int RECEIVE_MAXIMUM_EXCEEDED = 0x93;
    /** How long a refused device's connection stays half-closed before the relay closes it ({@link #refuse}). */
    private static final Duration REFUSAL_LINGER = Duration.ofMillis(500);
    /**
     * Answers held before the relay stops reading the device: the broker's receive maximum ({@link
     * BrokerWorkDir}), which bounds what the broker holds for a connection too.
     */
    static final int MAX_HELD = BrokerWorkDir.SERVER_RECEIVE_MAXIMUM;
    /**
     * Frames waiting in {@link #routing} before the relay stops reading the device: twice {@link #MAX_HELD}, so that
     * the PUBLISH past an MQTT 5 device's receive maximum is read (and refused) while the others wait to be routed.
     */
    static final int MAX_ROUTED = 2 * MAX_HELD;
    /**
     * Longest a PUBLISH waits for relayed SUBSCRIBEs to be answered. The broker answers one in about a millisecond; the
     * bound keeps a SUBSCRIBE the broker is slow with from stalling every device.
     */
    static final Duration SUBSCRIBE_WAIT = Duration.ofMillis(50);
    /**
     * Least time between reading a PUBLISH and deciding whether the broker gets it. The relay reads devices on several
     * event loops, so a SUBSCRIBE one device sent just before another device's PUBLISH may be read just after it: 0.1
     * to 0.6 ms after, seen on an idle box (session 14). By this bound its loop has read it, and the PUBLISH waits for
     * its SUBACK. Mostly the append takes longer anyway; the bound matters where fsync is fast or off.
     */
    static final Duration ROUTE_AFTER = Duration.ofMillis(1);
    /**
     * {@link #ROUTE_AFTER} applies while devices subscribe: within this long after the last relayed SUBSCRIBE. Steady
     * telemetry, where no one subscribes, does not pay for it: a 1 ms floor cost one connection with 32 in flight
     * half its rate under {@code interval:5} and 100 devices at 1,000 msg/s 10–20 % more CPU (BENCHMARKS.md, session
     * 14). The first SUBSCRIBE after a quiet spell has the append's own wait only, as through the broker's path.
     */
    static final Duration SUBSCRIBING = Duration.ofSeconds(10);
    /** How a PUBLISH whose append was not durable within {@code devices.ackTimeout} is answered (0x83). */
    private static final CompletableFuture<Outcome> NOT_DURABLE_IN_TIME =
            CompletableFuture.failedFuture(new TimeoutException("not durable within devices.ackTimeout"));

    private final String listener;
    private final Bootstrap toBroker;
    private final int maxPacketBytes;
    private final Duration ackTimeout;
    private final RelayedConnections relayed;
    private final UplinkPublishInterceptor uplink;
    private final LocalSubscribers subscribers;
    private final MqttMetrics metrics;
    private final RelayMetrics relayMetrics;
    private final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
    /**
     * Frames read and handled, on their way to the broker in the order the device sent them: a PUBLISH the relay
     * read goes (or not) only once it is durable and {@link #ROUTE_AFTER} old, and everything read after it waits
     * behind it ({@link #route}).
     */
    private final ArrayDeque<Routed> routing = new ArrayDeque<>();
    /** A task to {@link #route} is on its way to the loop (an append completed). */
    private final AtomicBoolean routeWakeSent = new AtomicBoolean();
    /** The timer for {@link #routing}'s head, and when it fires (System.nanoTime()); null: none armed. */
    private ScheduledFuture<?> routeTimer;

    private long routeTimerDue;
    private ChannelHandlerContext device;
    private RelayedConnections.Registration registration;
    private PipelinedAcks acks;
    private Channel broker;
    private boolean mqtt5;
    private boolean closed;
    /** A CONNECT went to the broker and its CONNACK has not come back: what the device sends meanwhile waits. */
    private boolean connecting;
    /** Set at a successful CONNACK if HiveMQ left this connection's publishes to the relay; else null. */
    private RelayedConnections.Identity identity;

    private final RelayedPublish.TopicAliases aliases = new RelayedPublish.TopicAliases();
    /** The device's keep alive (CONNECT), in nanoseconds; 0: none. */
    private long keepAliveNanos;
    /** When the broker last got a packet of this connection (System.nanoTime()). */
    private long lastToBroker;
    /** Something was written to the broker since its last flush ({@link #flushBroker}). */
    private boolean brokerUnflushed;
    /** PINGREQs the relay sent the broker on the device's behalf, whose PINGRESP the device must not get. */
    private int pingsOwed;
    /** The numbers of the SUBSCRIBEs the broker got and has not answered ({@link UnansweredSubscribes}), oldest first. */
    private final ArrayDeque<Long> subscribesOwed = new ArrayDeque<>();
    /** {@link #routing}'s head waits for relayed SUBSCRIBEs to be answered. */
    private boolean awaitingSubscribes;
    /** Counts the waits, so that a wait's timer does not end a later one. */
    private int subscribeWaits;
    /**
     * QoS 2 PUBLISHes of the device whose PUBREC went out and whose PUBREL has not come: still counted against the
     * receive maximum, as the broker counts them until its PUBCOMP.
     */
    private final Set<Integer> qos2Open = new HashSet<>();
    /** The relay refused the device (DISCONNECT written, closing): what it still sends is dropped. */
    private boolean refused;
    /** Reading paused because {@value #MAX_HELD} answers are held or as many frames wait in {@link #routing}. */
    private boolean pausedForAcks;

    RelayedConnection(
            String listener,
            Bootstrap toBroker,
            int maxPacketBytes,
            Duration ackTimeout,
            RelayedConnections relayed,
            UplinkPublishInterceptor uplink,
            LocalSubscribers subscribers,
            MqttMetrics metrics,
            RelayMetrics relayMetrics) {
        this.uplink = uplink;
        this.subscribers = subscribers;
        this.listener = listener;
        this.toBroker = toBroker;
        this.maxPacketBytes = maxPacketBytes;
        this.ackTimeout = ackTimeout;
        this.relayed = relayed;
        this.metrics = metrics;
        this.relayMetrics = relayMetrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        device = ctx;
        if (ctx.pipeline().get(SslHandler.class) == null) {
            open(List.of());
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                open(peerChain(ctx.pipeline().get(SslHandler.class)));
            } else {
                log.debug("TLS handshake from {} failed: {}", ctx.channel().remoteAddress(), handshake.cause());
                relayMetrics.connectionFailed(RelayMetrics.TLS_HANDSHAKE);
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    /** Registers the device's facts and opens the internal connection from the loopback address they are under. */
    private void open(List<X509Certificate> chain) {
        InetSocketAddress remote = (InetSocketAddress) device.channel().remoteAddress();
        try {
            registration = relayed.register(remote.getAddress(), listener, chain);
        } catch (IllegalStateException e) {
            log.error("cannot relay the MQTT connection from {}: {}", remote, e.getMessage());
            relayMetrics.connectionFailed(RelayMetrics.NO_ADDRESS);
            device.close();
            return;
        }
        acks = new PipelinedAcks(
                device.channel(), registration, ackTimeout, metrics, relayMetrics, this::released, qos2Open::add);
        toBroker.clone()
                .group(device.channel().eventLoop())
                .localAddress(new InetSocketAddress(registration.facts().source(), 0))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new MqttFrames(Integer.MAX_VALUE)).addLast(new BrokerSide());
                    }
                })
                .connect()
                .addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        log.error(
                                "cannot reach the embedded MQTT broker from {} for {}: {}",
                                registration.facts().source(),
                                remote,
                                connected.cause().toString());
                        relayMetrics.connectionFailed(RelayMetrics.BROKER_UNREACHABLE);
                        device.close();
                        return;
                    }
                    if (closed) {
                        connected.channel().close();
                        return;
                    }
                    broker = connected.channel();
                    relayMetrics.connectionRelayed();
                    relayEarly();
                });
    }

    /**
     * Relays what waited (for the internal connection, the CONNACK, or held answers to go out) until it must wait
     * again, then reads on.
     */
    private void relayEarly() {
        while (!early.isEmpty() && !connecting && !pausedForAcks && !closed) {
            fromDevice(early.poll());
        }
        flushBroker();
        if (early.isEmpty() && !closed) {
            device.channel().config().setAutoRead(broker.isWritable());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        ByteBuf frame = (ByteBuf) message;
        if (refused) {
            frame.release();
            return;
        }
        boolean authExchange = connecting && MqttFrames.type(frame) == MqttFrames.AUTH; // part of connecting
        if (broker == null || (connecting && !authExchange) || pausedForAcks || !early.isEmpty()) {
            early.add(frame);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        fromDevice(frame);
        if (!broker.isWritable()) {
            ctx.channel().config().setAutoRead(false); // resumed by BrokerSide.channelWritabilityChanged
        }
    }

    private void fromDevice(ByteBuf frame) {
        int type = MqttFrames.type(frame);
        if (type == MqttFrames.CONNECT) {
            mqtt5 = MqttFrames.connectProtocolLevel(frame) == 5;
            keepAliveNanos = TimeUnit.SECONDS.toNanos(Math.max(0, MqttFrames.connectKeepAlive(frame)));
            connecting = true;
        }
        if (refused) {
            frame.release();
            return;
        }
        if (type == MqttFrames.PUBREL && !qos2Open.isEmpty()) {
            qos2Open.remove(MqttFrames.ackPacketId(frame));
        } else if (type == MqttFrames.PUBLISH
                && mqtt5
                && acks.held() + qos2Open.size() >= MAX_HELD
                && MqttFrames.publishQos(frame) > 0) {
            frame.release();
            metrics.rejected(MqttMetrics.RECEIVE_MAXIMUM);
            refuse(device, RECEIVE_MAXIMUM_EXCEEDED, "more than " + MAX_HELD + " QoS 1 and 2 PUBLISHes unanswered");
            return;
        }
        acks.fromDevice(frame); // a QoS 1 or 2 PUBLISH takes its place among the answers as it is read
        if (type == MqttFrames.PUBLISH && identity != null) {
            publish(frame);
            if ((!mqtt5 && acks.held() >= MAX_HELD) || routing.size() >= MAX_ROUTED) {
                pausedForAcks = true;
                device.channel().config().setAutoRead(false); // resumed by resumeIfDrained()
            }
            return;
        }
        relay(frame);
    }

    /** A frame for the broker as it is: at once, or behind the PUBLISHes not routed yet. */
    private void relay(ByteBuf frame) {
        if (routing.isEmpty()) {
            toBroker(frame);
        } else {
            routing.add(new Routed(frame, null, null, 0, 0));
        }
    }

    /**
     * Flushes the broker connection if anything was written to it since the last flush: most telemetry is answered
     * by the relay and never written there, and a flush goes through the broker connection's pipeline even when
     * there is nothing to send.
     */
    private void flushBroker() {
        if (brokerUnflushed) {
            brokerUnflushed = false;
            broker.flush();
        }
    }

    private void toBroker(ByteBuf frame) {
        if (MqttFrames.type(frame) == MqttFrames.SUBSCRIBE) {
            subscribesOwed.add(subscribers.subscribes().sent());
        }
        lastToBroker = System.nanoTime();
        brokerUnflushed = true;
        broker.write(frame, broker.voidPromise());
    }

    /**
     * Relays {@link #routing} from its head while it can: other frames at once; a PUBLISH once its append completed
     * (or {@code devices.ackTimeout} passed) and {@link #ROUTE_AFTER} since it was read, and once the relayed
     * SUBSCRIBEs then unanswered are answered ({@link #awaitSubscribes}). So local subscribers get a QoS 0 or 1
     * message only once it is as durable as the device's acknowledgement says, as through the broker's own path, and
     * a subscription another device asked for first is in the broker's tree before the PUBLISH reaches it.
     */
    private void route() {
        if (closed || broker == null) {
            return;
        }
        acks.together(this::routeReady); // one write for the PUBACKs one group commit released
    }

    private void routeReady() {
        boolean relayed = false;
        long now = 0;
        while (!routing.isEmpty()) {
            Routed head = routing.peek();
            if (head.publish != null) {
                long due = head.due(ackTimeout);
                if (now == 0 || now - due < 0) {
                    now = System.nanoTime();
                }
                if (now - due < 0) {
                    armRouteTimer(due, now);
                    break;
                }
                if (awaitingSubscribes) {
                    break;
                }
                if (!head.subscribesAwaited && subscribers.subscribes().any()) {
                    awaitSubscribes();
                    break;
                }
            }
            routing.poll();
            deliver(head);
            relayed = true;
        }
        if (relayed) {
            flushBroker();
            resumeIfDrained();
        }
    }

    /** The broker gets a routed PUBLISH if someone local could want it and it was appended; else the relay answers. */
    private void deliver(Routed routed) {
        RelayedPublish publish = routed.publish;
        if (publish == null) {
            toBroker(routed.frame);
            return;
        }
        CompletableFuture<Outcome> durable = routed.durable;
        if (durable != null && !durable.isDone() && publish.qos() != 2) {
            durable = NOT_DURABLE_IN_TIME;
        }
        boolean appended = durable == null || !durable.isCompletedExceptionally();
        if (appended && wantedByBroker(publish)) {
            if (durable != null) {
                registration.appendStarted(publish.packetId(), durable);
            }
            toBroker(aliases.forBroker(routed.frame, publish));
            return;
        }
        routed.frame.release();
        if (durable != null) {
            acks.answerWhenDurable(
                    publish.qos() == 1 ? MqttFrames.PUBACK : MqttFrames.PUBREC, publish.packetId(), durable);
        }
        keepBrokerAlive();
    }

    /** Retained: the broker stores it. QoS 2: the broker keeps its PUBREL/PUBCOMP exchange. Else a local subscriber. */
    private boolean wantedByBroker(RelayedPublish publish) {
        return publish.retain() || publish.qos() == 2 || subscribers.anyFor(publish.topic());
    }

    /** On any thread: an append completed, so {@link #routing}'s head may go on. One task per run of completions. */
    private void wakeRouting() {
        if (routeWakeSent.compareAndSet(false, true)) {
            device.channel().eventLoop().execute(() -> {
                routeWakeSent.set(false);
                route();
            });
        }
    }

    /** One timer per connection, for the head of {@link #routing}; one armed for an earlier time is kept. */
    private void armRouteTimer(long due, long now) {
        if (routeTimer != null) {
            if (routeTimerDue - due <= 0) {
                return; // fires first; route() arms again if need be
            }
            routeTimer.cancel(false);
        }
        routeTimerDue = due;
        routeTimer = device.channel()
                .eventLoop()
                .schedule(
                        () -> {
                            routeTimer = null;
                            route();
                        },
                        due - now,
                        TimeUnit.NANOSECONDS);
    }

    /**
     * {@link #routing}'s head waits until the relayed SUBSCRIBEs sent so far are answered, or {@link #SUBSCRIBE_WAIT};
     * what was read before the wait began then goes on without waiting again.
     */
    private void awaitSubscribes() {
        awaitingSubscribes = true;
        for (Routed routed : routing) {
            routed.subscribesAwaited = true;
        }
        int wait = ++subscribeWaits;
        EventLoop loop = device.channel().eventLoop();
        UnansweredSubscribes subscribes = subscribers.subscribes();
        subscribes.whenAnswered(subscribes.lastSent(), () -> loop.execute(() -> subscribesAnswered(wait, false)));
        loop.schedule(() -> subscribesAnswered(wait, true), SUBSCRIBE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void subscribesAnswered(int wait, boolean timedOut) {
        if (!awaitingSubscribes || wait != subscribeWaits || closed) {
            return;
        }
        if (timedOut) {
            log.debug(
                    "a PUBLISH from {} goes on after {} ms without the SUBACKs it waited for",
                    device.channel().remoteAddress(),
                    SUBSCRIBE_WAIT.toMillis());
        }
        awaitingSubscribes = false;
        route();
    }

    /** Answers went out to the device. */
    private void released() {
        resumeIfDrained();
    }

    /** Reading resumes once half of {@value #MAX_HELD} answers went out and half as many frames are routed. */
    private void resumeIfDrained() {
        if (pausedForAcks && acks.held() < MAX_HELD / 2 && routing.size() < MAX_ROUTED / 2) {
            pausedForAcks = false;
            if (broker != null && !closed && !connecting) {
                relayEarly();
            }
        }
    }

    /**
     * The broker sees nothing of a device whose PUBLISHes it does not get, and would close the connection after 1.5
     * times its keep alive: so the relay sends it a PINGREQ when half the keep alive passed without a packet, and
     * keeps the PINGRESP from the device, which did not ask.
     */
    private void keepBrokerAlive() {
        long now = System.nanoTime();
        if (keepAliveNanos > 0 && now - lastToBroker > keepAliveNanos / 2) {
            lastToBroker = now;
            pingsOwed++;
            brokerUnflushed = true;
            broker.write(Unpooled.wrappedBuffer(PINGREQ), broker.voidPromise());
        }
    }

    /**
     * The relay's own PUBLISH path: the uplink gets the message from here ({@link UplinkPublishInterceptor
     * #onRelayedPublish}), and the broker gets the packet only for local subscribers; its acknowledgement is held until
     * the append is durable, as in the broker's path. A refusal is answered here, in its place, and never relayed.
     */
    private void publish(ByteBuf frame) {
        RelayedPublish publish = RelayedPublish.parse(frame, mqtt5, aliases);
        if (publish == null) {
            // The broker refuses it with its own reason code. Should it take it after all, the device hears of an
            // error, never of a success for a message the uplink did not get.
            int qos = MqttFrames.publishQos(frame);
            int packetId = qos > 0 ? MqttFrames.publishPacketId(frame) : -1;
            if (packetId > 0) {
                registration.appendStarted(
                        packetId,
                        CompletableFuture.failedFuture(
                                new HeldAcks.Refused(HeldAcks.UNSPECIFIED_ERROR, "not readable by the relay")));
            }
            relay(frame);
            return;
        }
        switch (uplink.onRelayedPublish(identity, mqtt5, publish)) {
            case UplinkPublishInterceptor.RelayVerdict.Appended appended -> {
                CompletableFuture<Outcome> durable = appended.durable();
                long now = System.nanoTime();
                long floor =
                        subscribers.subscribes().sentWithin(SUBSCRIBING.toNanos(), now) ? ROUTE_AFTER.toNanos() : 0;
                routing.add(new Routed(frame, publish, durable, now, floor));
                if (durable != null && !durable.isDone()) {
                    durable.whenComplete((outcome, failure) -> wakeRouting());
                }
                route();
            }
            case UplinkPublishInterceptor.RelayVerdict.Answered answered -> {
                frame.release();
                answer(publish, answered);
            }
        }
    }

    private void answer(RelayedPublish publish, UplinkPublishInterceptor.RelayVerdict.Answered answered) {
        if (answered.disconnect() != 0) {
            refuse(device, answered.disconnect(), answered.reason());
        } else if (publish.qos() == 0) {
            return; // dropped: QoS 0 has nothing to answer
        } else if (answered.ack() >= HeldAcks.UNSPECIFIED_ERROR && !mqtt5) {
            device.close(); // MQTT 3 cannot hear a refusal: disconnected, as the broker does
        } else {
            acks.answerInPlace(
                    publish.qos() == 1 ? MqttFrames.PUBACK : MqttFrames.PUBREC,
                    publish.packetId(),
                    answered.ack(),
                    answered.reason());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (broker != null) {
            flushBroker();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (broker != null) {
            broker.config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (broker != null) {
            routeBeforeClosing();
        }
        closed = true;
        if (broker != null) {
            broker.close(); // abrupt: the broker treats it as a lost connection and fires the will
        } else if (registration != null) {
            registration.close(); // the internal connection never came up
        }
        while (!early.isEmpty()) {
            early.poll().release();
        }
        if (acks != null) {
            acks.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            metrics.rejected(MqttMetrics.TOO_LARGE);
            relayMetrics.connectionFailed(RelayMetrics.TOO_LARGE);
            refuse(ctx, PACKET_TOO_LARGE, cause.getMessage());
        } else if (cause instanceof CorruptedFrameException) {
            relayMetrics.connectionFailed(RelayMetrics.MALFORMED);
            refuse(ctx, MALFORMED_PACKET, cause.getMessage());
        } else if (cause instanceof IOException) {
            ctx.close(); // connection reset and the like: nothing to say
        } else {
            log.debug("MQTT connection from {} failed", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }

    /** Closes the device connection, telling an MQTT 5 device why. */
    private void refuse(ChannelHandlerContext ctx, int reasonCode, String why) {
        if (refused) {
            return;
        }
        refused = true;
        log.warn("MQTT connection from {} closed: {}", ctx.channel().remoteAddress(), why);
        if (!mqtt5) {
            ctx.close();
            return;
        }
        ByteBuf disconnect = Unpooled.wrappedBuffer(new byte[] {(byte) (DISCONNECT << 4), 1, (byte) reasonCode});
        ctx.writeAndFlush(disconnect).addListener((ChannelFutureListener) written -> {
            // Closed with what the device still sends unread, the socket would be reset, and a reset can destroy the
            // DISCONNECT before the device read it (Paho's test_flow_control2 answers PUBRECs first): so half-close,
            // drop what comes for a moment, then close.
            Channel channel = written.channel();
            if (written.isSuccess()
                    && channel instanceof DuplexChannel duplex
                    && channel.pipeline().get(SslHandler.class) == null) {
                duplex.shutdownOutput();
                channel.eventLoop().schedule(() -> channel.close(), REFUSAL_LINGER.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                channel.close();
            }
        });
    }

    private static List<X509Certificate> peerChain(SslHandler tls) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : tls.engine().getSession().getPeerCertificates()) {
                if (certificate instanceof X509Certificate x509) {
                    chain.add(x509);
                }
            }
            return chain;
        } catch (SSLPeerUnverifiedException e) {
            return List.of(); // no client certificate (clientAuth NONE or OPTIONAL)
        }
    }

    /**
     * The device is gone: what it sent goes to the broker now, as it would have, durable or not (a DISCONNECT among it
     * keeps the will from firing), unless the broker is gone too.
     */
    private void routeBeforeClosing() {
        if (routeTimer != null) {
            routeTimer.cancel(false);
        }
        boolean brokerUp = broker.isActive();
        for (Routed routed; (routed = routing.poll()) != null; ) {
            RelayedPublish publish = routed.publish;
            if (!brokerUp) {
                routed.frame.release();
            } else if (publish == null) {
                toBroker(routed.frame);
            } else if (wantedByBroker(publish)) {
                toBroker(aliases.forBroker(routed.frame, publish));
            } else {
                routed.frame.release();
            }
        }
        flushBroker();
    }

    /** A frame read from the device, in {@link #routing}. */
    private static final class Routed {
        final ByteBuf frame;
        /** The PUBLISH as the relay read it and handed to the uplink; null for any other frame, relayed as it is. */
        final RelayedPublish publish;
        /** Its append (QoS 1 and 2); null for QoS 0. */
        final CompletableFuture<Outcome> durable;
        /** When it was read (System.nanoTime()). */
        final long readAt;
        /** {@link #ROUTE_AFTER} in nanoseconds while devices subscribe ({@link #SUBSCRIBING}), else 0. */
        final long floor;
        /** The relayed SUBSCRIBEs unanswered when it was read were waited for. */
        boolean subscribesAwaited;

        Routed(ByteBuf frame, RelayedPublish publish, CompletableFuture<Outcome> durable, long readAt, long floor) {
            this.floor = floor;
            this.frame = frame;
            this.publish = publish;
            this.durable = durable;
            this.readAt = readAt;
        }

        /**
         * When a PUBLISH may go on: its {@link #floor} after it was read once durable, else at the ack timeout. QoS 2
         * goes at once: the broker keeps its exchange and counts it against its receive maximum (0x93 past it, which
         * Paho's {@code test_flow_control2} expects before the device hears any PUBREC); its PUBREC is held instead.
         */
        long due(Duration ackTimeout) {
            if (publish.qos() == 2) {
                return readAt;
            }
            return durable == null || durable.isDone() ? readAt + floor : readAt + ackTimeout.toNanos();
        }
    }

    /** The internal connection's end: everything the broker sends goes to the device, acknowledgements via acks. */
    private final class BrokerSide extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ByteBuf frame = (ByteBuf) message;
            if (pingsOwed > 0 && MqttFrames.type(frame) == MqttFrames.PINGRESP) {
                pingsOwed--; // answers the relay's own PINGREQ
                frame.release();
                return;
            }
            if (!subscribesOwed.isEmpty() && MqttFrames.type(frame) == MqttFrames.SUBACK) {
                // One SUBACK per SUBSCRIBE, in order, each written once the topic tree has the subscription.
                subscribers.subscribes().answered(subscribesOwed.poll());
            }
            if (connecting && MqttFrames.type(frame) == MqttFrames.CONNACK) {
                // HiveMQ initialised the client before writing a successful CONNACK: the identity is there now.
                identity = registration.identity();
                if (mqtt5) {
                    aliases.allow(MqttFrames.connackTopicAliasMaximum(frame));
                }
                connecting = false;
                device.write(frame, device.voidPromise());
                relayEarly();
                return;
            }
            if (!acks.fromBroker(frame)) {
                device.write(frame, device.voidPromise());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            device.flush();
            if (!device.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false); // resumed by channelWritabilityChanged above
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (broker != null && !closed && early.isEmpty()) {
                device.channel().config().setAutoRead(ctx.channel().isWritable());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            while (!subscribesOwed.isEmpty()) {
                subscribers.subscribes().answered(subscribesOwed.poll());
            }
            registration.close();
            // Flush what the broker said last (a CONNACK refusal, a DISCONNECT with its reason), then close.
            device.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("internal MQTT connection for {} failed", device.channel().remoteAddress(), cause);
            ctx.close();
        }
    }
}
