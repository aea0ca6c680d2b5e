import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.spool.FsyncPolicy;
import io.fogbridge.spool.SegmentedSpool;
import io.fogbridge.spool.SpoolOptions;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Decision 0001's prototype: one MQTT connection, QoS 1, {@code window} PUBLISHes in flight, against
 *
 * <ul>
 *   <li>{@code mosquitto}: mosquitto alone (the reference; it acknowledges from memory);
 *   <li>{@code hivemq-spool}: embedded HiveMQ CE with a PublishInboundInterceptor that parks each PUBLISH with
 *       {@code output.async} until a real {@link SegmentedSpool} append is durable: today's shape;
 *   <li>{@code hivemq-bare}: embedded HiveMQ CE, no interceptor (its own ceiling);
 *   <li>{@code netty-spool}: a listener on Netty's codec-mqtt that appends to the same spool and sends each PUBACK,
 *       in packet order, as soon as the append and every earlier one of the connection are durable;
 *   <li>{@code relay-spool}: the decision's relay, decoding and re-encoding with codec-mqtt: every packet goes on to
 *       the embedded HiveMQ over a per-device connection, whose interceptor appends without {@code async}; the
 *       relay holds HiveMQ's PUBACK until that append is durable, in packet order;
 *   <li>{@code byte-relay}: the same relay forwarding the packets' bytes unchanged, correlating by the internal
 *       connection's own loopback source address;
 *   <li>{@code netty-bare}: the codec-mqtt listener without a spool (its own ceiling).
 * </ul>
 *
 * {@code --serve PORT --targets T} serves one target on PORT until stdin closes, for the Paho suite.
 *
 * Every target runs in this one process except mosquitto; the load client is HiveMQ's MQTT 5 client, as in the issue's
 * independent harness. Prints one line per target: PUBACKs per second over the measured seconds, the load average
 * before and after. Not part of the build: run with {@code docs/decisions/0001-pipelined-acks/probe.sh}.
 */
public final class AckPipelineProbe {

    private static final String TOPIC = "telemetry/plant-1/probe-1";

    /** True when one target is served for the Paho suite rather than measured. */
    static boolean serving;

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String targets = opts.getOrDefault("targets", "mosquitto,hivemq-spool,netty-spool,mosquitto");
        String fsync = opts.getOrDefault("fsync", "group");
        int window = Integer.parseInt(opts.getOrDefault("window", "32"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "3"));
        int payload = Integer.parseInt(opts.getOrDefault("payload", "200"));
        if (opts.containsKey("serve")) { // one target on a fixed port until stdin closes (for the Paho suite)
            serving = true;
            Path dir = Files.createTempDirectory("ack-probe-");
            try (AutoCloseable server = start(targets.split(",")[0], Integer.parseInt(opts.get("serve")), dir, fsync)) {
                // One connection through the target first: the suite's first CONNECT waits only 0.5 s for its
                // CONNACK, less than a cold JVM on a loaded box needs for the first one.
                Mqtt5AsyncClient warm = MqttClient.builder()
                        .useMqttVersion5()
                        .identifier("warm-up")
                        .serverHost("127.0.0.1")
                        .serverPort(Integer.parseInt(opts.get("serve")))
                        .buildAsync();
                warm.connect().get(30, TimeUnit.SECONDS);
                warm.disconnect().get(10, TimeUnit.SECONDS);
                System.out.println("ready");
                while (System.in.read() >= 0) {}
            } finally {
                deleteTree(dir);
            }
            System.exit(0);
        }
        System.out.printf(
                "# one connection, QoS 1, %d in flight, %d B, fsync %s, %d s after %d s warm-up%n",
                window, payload, fsync, seconds, warmup);
        for (String target : targets.split(",")) {
            Path dir = Files.createTempDirectory("ack-probe-");
            int port = freePort();
            String before = loadAverage();
            try (AutoCloseable server = start(target, port, dir, fsync)) {
                Result r = load(port, window, payload, warmup, seconds);
                System.out.printf(
                        "%-13s %,9.0f msg/s  %5.1f us CPU/msg (client included)  (%,d PUBACKs, %d refused)  load %s -> %s%n",
                        target, r.rate(), r.cpuMicrosPerMessage(), r.acked(), r.refused(), before, loadAverage());
            } finally {
                deleteTree(dir);
            }
        }
        System.exit(0);
    }

    record Result(double rate, long acked, long refused, double cpuMicrosPerMessage) {}

    /** The broker that runs in its own process (mosquitto), so its CPU counts too; null for the in-process targets. */
    static volatile Process external;

    /** CPU time of this JVM (load client and in-process target) plus the external broker's, in ns. */
    static long cpuNanos() {
        long own = ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        Process p = external;
        return own + (p == null ? 0 : p.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L));
    }

    /** Keeps {@code window} QoS 1 publishes in flight on one connection; counts PUBACKs in the measured window. */
    static Result load(int port, int window, int payloadBytes, int warmup, int seconds) throws Exception {
        Mqtt5AsyncClient client = MqttClient.builder()
                .useMqttVersion5()
                .identifier("probe-1")
                .serverHost("127.0.0.1")
                .serverPort(port)
                .buildAsync();
        client.connectWith().cleanStart(true).send().get(30, TimeUnit.SECONDS);
        Semaphore slots = new Semaphore(window);
        AtomicLong acked = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        byte[] payload = new byte[payloadBytes];
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        long[] ackedAtStart = {-1};
        long cpuAtStart = 0;
        for (long seq = 0; System.nanoTime() < end; seq++) {
            if (!slots.tryAcquire(1, TimeUnit.SECONDS)) {
                continue;
            }
            if (ackedAtStart[0] < 0 && System.nanoTime() >= measureFrom) {
                ackedAtStart[0] = acked.get();
                cpuAtStart = cpuNanos();
            }
            long n = seq;
            ByteBuffer.wrap(payload).putLong(0, n);
            client.publishWith()
                    .topic(TOPIC)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload)
                    .send()
                    .whenComplete((ack, failure) -> {
                        if (failure != null) {
                            refused.incrementAndGet();
                        } else {
                            acked.incrementAndGet();
                        }
                        slots.release();
                    });
        }
        long measured = acked.get() - Math.max(0, ackedAtStart[0]);
        double cpuPerMessage = (cpuNanos() - cpuAtStart) / 1e3 / Math.max(1, measured);
        slots.tryAcquire(window, 30, TimeUnit.SECONDS); // let the last ones finish: a refusal is a real one
        client.disconnect().get(10, TimeUnit.SECONDS);
        return new Result(measured / (double) seconds, measured, refused.get(), cpuPerMessage);
    }

    static AutoCloseable start(String target, int port, Path dir, String fsync) throws Exception {
        return switch (target) {
            case "mosquitto" -> startMosquitto(port, dir);
            case "hivemq-bare" -> startHiveMq(port, dir, (SegmentedSpool) null);
            case "hivemq-spool" -> {
                SegmentedSpool spool = openSpool(dir, fsync);
                AutoCloseable broker = startHiveMq(port, dir, spool);
                yield () -> {
                    broker.close();
                    spool.close();
                };
            }
            case "netty-spool" -> {
                SegmentedSpool spool = openSpool(dir, fsync);
                AutoCloseable listener = startNetty(port, spool);
                yield () -> {
                    listener.close();
                    spool.close();
                };
            }
            case "netty-bare" -> startNetty(port, null);
            case "relay-spool" -> {
                SegmentedSpool spool = openSpool(dir, fsync);
                RelayAppends appends = new RelayAppends(spool);
                int internal = freePort();
                AutoCloseable broker = startHiveMq(internal, dir, appends);
                AutoCloseable relay = startRelay(port, internal, appends);
                yield () -> {
                    relay.close();
                    broker.close();
                    spool.close();
                    System.out.printf("  relay: %,d PUBACKs held until durable, %,d without an append%n",
                            appends.held.get(), appends.unmatched.get());
                };
            }
            case "byte-relay" -> {
                SegmentedSpool spool = openSpool(dir, fsync);
                RelayAppends appends = new RelayAppends(spool);
                appends.keyByAddress = true;
                int internal = freePort();
                AutoCloseable broker = startHiveMq(internal, dir, appends);
                AutoCloseable relay = startByteRelay(port, internal, appends);
                yield () -> {
                    relay.close();
                    broker.close();
                    spool.close();
                    System.out.printf("  relay: %,d PUBACKs held until durable, %,d without an append%n",
                            appends.held.get(), appends.unmatched.get());
                };
            }
            default -> throw new IllegalArgumentException("unknown target " + target);
        };
    }

    static SegmentedSpool openSpool(Path dir, String fsync) throws IOException {
        return SegmentedSpool.open(SpoolOptions.builder(Files.createDirectories(dir.resolve("spool")))
                .fsync(FsyncPolicy.parse(fsync))
                .maxBytes(8L << 30)
                .build());
    }

    static Envelope envelope(byte[] payload) {
        return new Envelope(
                "fog.telemetry.probe",
                "probe-1",
                Map.of("device_id", "probe-1"),
                payload,
                System.currentTimeMillis(),
                QoS.AT_LEAST_ONCE,
                Lane.BULK);
    }

    // ---- mosquitto ----

    static AutoCloseable startMosquitto(int port, Path dir) throws Exception {
        Path conf = dir.resolve("mosquitto.conf");
        // max_inflight_messages 0: no broker-side cap, the client's window is the only one (as for the others).
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 0\n");
        Process p = new ProcessBuilder("mosquitto", "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile())
                .start();
        waitForPort(port);
        external = p;
        return () -> {
            external = null;
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        };
    }

    // ---- embedded HiveMQ CE ----

    static AutoCloseable startHiveMq(int port, Path dir, SegmentedSpool spool) throws Exception {
        return startHiveMq(port, dir, new SpoolingExtension(spool));
    }

    static AutoCloseable startHiveMq(int port, Path dir, RelayAppends appends) throws Exception {
        return startHiveMq(port, dir, new RelayExtension(appends));
    }

    static AutoCloseable startHiveMq(int port, Path dir, ExtensionMain extension) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        // For the measurement, receive-maximum is raised from HiveMQ's default of 10 (the gateway's today) so that its
        // CONNACK does not cap the window below 32; served for the Paho suite, the default is kept, as in the gateway.
        String receiveMaximum = serving
                ? ""
                : "<mqtt><receive-maximum><server-receive-maximum>65535</server-receive-maximum></receive-maximum></mqtt>";
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                  </listeners>
                  %s
                  <persistence><mode>in-memory</mode></persistence>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, receiveMaximum));
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(dir.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(dir.resolve("extensions")))
                .withEmbeddedExtension(EmbeddedExtension.builder()
                        .withId("probe")
                        .withName("probe")
                        .withVersion("1")
                        .withExtensionMain(extension)
                        .build())
                .withoutLoggingBootstrap()
                .build();
        hivemq.start().get(60, TimeUnit.SECONDS);
        return hivemq::close;
    }

    /** Allows every client; with a spool, parks each QoS 1 PUBLISH until its append is durable (today's gateway). */
    record SpoolingExtension(SegmentedSpool spool) implements ExtensionMain {
        @Override
        public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
            SimpleAuthenticator allow = (auth, answer) -> answer.authenticateSuccessfully();
            Services.securityRegistry().setAuthenticatorProvider(provider -> allow);
            if (spool == null) {
                return;
            }
            PublishInboundInterceptor interceptor = (in, out) -> {
                ByteBuffer buffer = in.getPublishPacket().getPayload().orElse(ByteBuffer.allocate(0));
                byte[] bytes = new byte[buffer.remaining()];
                buffer.duplicate().get(bytes);
                Async<PublishInboundOutput> async = out.async(
                        Duration.ofSeconds(10), TimeoutFallback.FAILURE, AckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
                spool.append(envelope(bytes)).whenComplete((offset, failure) -> {
                    if (failure != null) {
                        async.getOutput().preventPublishDelivery(AckReasonCode.UNSPECIFIED_ERROR);
                    }
                    async.resume();
                });
            };
            Services.initializerRegistry()
                    .setClientInitializer((client, context) -> context.addPublishInboundInterceptor(interceptor));
        }

        @Override
        public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}
    }

    // ---- Netty codec-mqtt listener ----

    static AutoCloseable startNetty(int port, SegmentedSpool spool) throws Exception {
        NioEventLoopGroup boss = new NioEventLoopGroup(1);
        NioEventLoopGroup workers = new NioEventLoopGroup(2);
        Channel server = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new MqttDecoder(320 * 1024))
                                .addLast(MqttEncoder.INSTANCE)
                                .addLast(new PipelinedAcks(spool));
                    }
                })
                .bind("127.0.0.1", port)
                .sync()
                .channel();
        return () -> {
            server.close().sync();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        };
    }

    /**
     * One connection's handler: every QoS 1 PUBLISH is appended at once (no waiting for the previous one); its PUBACK
     * leaves when it and all earlier ones of this connection are durable, so acknowledgements stay in order. The
     * pending queue is touched only on the channel's event loop.
     */
    static final class PipelinedAcks extends SimpleChannelInboundHandler<MqttMessage> {
        private final SegmentedSpool spool;
        private final ArrayDeque<Pending> pending = new ArrayDeque<>();

        PipelinedAcks(SegmentedSpool spool) {
            this.spool = spool;
        }

        static final class Pending {
            final int packetId;
            boolean done;
            boolean failed;

            Pending(int packetId) {
                this.packetId = packetId;
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
            switch (msg.fixedHeader().messageType()) {
                case CONNECT -> ctx.writeAndFlush(MqttMessageBuilders.connAck()
                        .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                        .sessionPresent(false)
                        .build());
                case PUBLISH -> publish(ctx, (MqttPublishMessage) msg);
                case PINGREQ -> ctx.writeAndFlush(new MqttMessage(
                        new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0)));
                case DISCONNECT -> ctx.close();
                default -> {}
            }
        }

        private void publish(ChannelHandlerContext ctx, MqttPublishMessage msg) {
            byte[] bytes = ByteBufUtil.getBytes(msg.payload());
            CompletableFuture<Long> append = spool == null ? null : spool.append(envelope(bytes));
            if (msg.fixedHeader().qosLevel() == MqttQoS.AT_MOST_ONCE) {
                return;
            }
            Pending p = new Pending(msg.variableHeader().packetId());
            pending.add(p);
            if (append == null) {
                p.done = true;
                drain(ctx);
                return;
            }
            append.whenComplete((offset, failure) -> ctx.executor().execute(() -> {
                p.done = true;
                p.failed = failure != null;
                drain(ctx);
            }));
        }

        private void drain(ChannelHandlerContext ctx) {
            boolean wrote = false;
            for (Pending head = pending.peek(); head != null && head.done; head = pending.peek()) {
                pending.poll();
                ctx.write(MqttMessageBuilders.pubAck()
                        .packetId(head.packetId)
                        .reasonCode(head.failed ? (byte) 0x80 : 0)
                        .build());
                wrote = true;
            }
            if (wrote) {
                ctx.flush();
            }
        }
    }

    // ---- relay: Netty in front, embedded HiveMQ CE behind, PUBACKs held until durable ----

    /**
     * What the broker-side interceptor and the relay share: the append started for each QoS 1 PUBLISH, by client id and
     * packet id. The interceptor appends and returns at once (no {@code async}), so HiveMQ never parks a client.
     */
    static final class RelayAppends {
        final SegmentedSpool spool;
        final java.util.concurrent.ConcurrentHashMap<String, CompletableFuture<Long>> byPacket =
                new java.util.concurrent.ConcurrentHashMap<>();

        RelayAppends(SegmentedSpool spool) {
            this.spool = spool;
        }

        /** Key appends by the client's (loopback source) address instead of its client id: the byte relay. */
        volatile boolean keyByAddress;

        final AtomicLong held = new AtomicLong();
        final AtomicLong unmatched = new AtomicLong();

        CompletableFuture<Long> take(String clientId, int packetId) {
            CompletableFuture<Long> f = byPacket.remove(clientId + '/' + packetId);
            (f == null ? unmatched : held).incrementAndGet();
            return f;
        }
    }

    record RelayExtension(RelayAppends appends) implements ExtensionMain {
        @Override
        public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
            SimpleAuthenticator allow = (auth, answer) -> answer.authenticateSuccessfully();
            Services.securityRegistry().setAuthenticatorProvider(provider -> allow);
            PublishInboundInterceptor interceptor = (in, out) -> {
                ByteBuffer buffer = in.getPublishPacket().getPayload().orElse(ByteBuffer.allocate(0));
                byte[] bytes = new byte[buffer.remaining()];
                buffer.duplicate().get(bytes);
                CompletableFuture<Long> append = appends.spool.append(envelope(bytes));
                if (in.getPublishPacket().getQos().getQosNumber() > 0) {
                    String who = appends.keyByAddress
                            ? in.getConnectionInformation().getInetAddress().map(a -> a.getHostAddress()).orElse("?")
                            : in.getClientInformation().getClientId();
                    appends.byPacket.put(who + '/' + in.getPublishPacket().getPacketId(), append);
                }
            };
            Services.initializerRegistry()
                    .setClientInitializer((client, context) -> context.addPublishInboundInterceptor(interceptor));
        }

        @Override
        public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}
    }

    static AutoCloseable startRelay(int port, int brokerPort, RelayAppends appends) throws Exception {
        NioEventLoopGroup boss = new NioEventLoopGroup(1);
        NioEventLoopGroup workers = new NioEventLoopGroup(2);
        Channel server = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.config().setAutoRead(false); // until the session to the broker is up
                        ch.pipeline()
                                .addLast(new MqttDecoder(320 * 1024))
                                .addLast(MqttEncoder.INSTANCE)
                                .addLast(new DeviceSide(brokerPort, appends));
                    }
                })
                .bind("127.0.0.1", port)
                .sync()
                .channel();
        return () -> {
            server.close().sync();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        };
    }

    /**
     * One device connection of the relay. Everything is relayed both ways as decoded MQTT packets over a per-device
     * session to the embedded broker, except the broker's PUBACKs for the device's QoS 1 PUBLISHes: those are held
     * until the append the interceptor started is durable, then sent in the device's packet order. A refusal from the
     * broker (a PUBACK reason code) passes at once, still in order. Both channels share one event loop.
     */
    static final class DeviceSide extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final int brokerPort;
        private final RelayAppends appends;
        private final ArrayDeque<Pending> pending = new ArrayDeque<>();
        private Channel broker;
        private String clientId = "";

        DeviceSide(int brokerPort, RelayAppends appends) {
            this.brokerPort = brokerPort;
            this.appends = appends;
        }

        static final class Pending {
            final int packetId;
            boolean done;
            byte reason;

            Pending(int packetId) {
                this.packetId = packetId;
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext device) {
            new io.netty.bootstrap.Bootstrap()
                    .group(device.channel().eventLoop())
                    .channel(io.netty.channel.socket.nio.NioSocketChannel.class)
                    .option(io.netty.channel.ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new MqttDecoder(320 * 1024))
                                    .addLast(MqttEncoder.INSTANCE)
                                    .addLast(new SimpleChannelInboundHandler<MqttMessage>(false) {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
                                            fromBroker(device, msg);
                                        }

                                        @Override
                                        public void channelInactive(ChannelHandlerContext ctx) {
                                            device.close();
                                        }
                                    });
                        }
                    })
                    .connect("127.0.0.1", brokerPort)
                    .addListener((io.netty.channel.ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            device.close();
                            return;
                        }
                        broker = f.channel();
                        device.channel().config().setAutoRead(true);
                        device.read();
                    });
        }

        @Override
        public void channelRead(ChannelHandlerContext device, Object o) {
            MqttMessage msg = (MqttMessage) o;
            if (msg.decoderResult().isFailure()) { // the decoder refused it; a byte-level relay would let the broker decide
                System.err.println("relay: undecodable packet: " + msg.decoderResult().cause());
                device.close();
                return;
            }
            MqttFixedHeader header = msg.fixedHeader();
            if (header.messageType() == MqttMessageType.CONNECT) {
                clientId = ((io.netty.handler.codec.mqtt.MqttConnectMessage) msg)
                        .payload()
                        .clientIdentifier();
            } else if (header.messageType() == MqttMessageType.PUBLISH && header.qosLevel() != MqttQoS.AT_MOST_ONCE) {
                pending.add(new Pending(((MqttPublishMessage) msg).variableHeader().packetId()));
            }
            broker.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext device) {
            broker.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext device) {
            if (broker != null) {
                broker.close(); // an abrupt close here is an abrupt close there: the broker sends the will
            }
        }

        private void fromBroker(ChannelHandlerContext device, MqttMessage msg) {
            if (msg.fixedHeader().messageType() != MqttMessageType.PUBACK) {
                device.writeAndFlush(msg);
                return;
            }
            var variable = (io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader) msg.variableHeader();
            int packetId = variable.messageId();
            Pending p = null;
            for (Pending q : pending) {
                if (q.packetId == packetId && !q.done) {
                    p = q;
                    break;
                }
            }
            if (p == null) { // a PUBACK for a PUBLISH the broker sent us? not ours to hold
                device.writeAndFlush(msg);
                return;
            }
            byte reason = variable instanceof io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader v
                    ? v.reasonCode()
                    : 0;
            CompletableFuture<Long> append = appends.take(clientId, packetId);
            Pending held = p;
            if (reason != 0 || append == null) {
                held.done = true;
                held.reason = reason;
                drain(device);
                return;
            }
            append.whenComplete((offset, failure) -> device.executor().execute(() -> {
                held.done = true;
                held.reason = failure == null ? 0 : (byte) 0x80;
                drain(device);
            }));
        }

        private void drain(ChannelHandlerContext device) {
            boolean wrote = false;
            for (Pending head = pending.peek(); head != null && head.done; head = pending.peek()) {
                pending.poll();
                device.write(MqttMessageBuilders.pubAck()
                        .packetId(head.packetId)
                        .reasonCode(head.reason)
                        .build());
                wrote = true;
            }
            if (wrote) {
                device.flush();
            }
        }
    }

    // ---- byte relay: the same relay, but packets are forwarded as the bytes that came, never re-encoded ----

    /**
     * Splits a TCP stream into whole MQTT packets (fixed header, remaining length, body) and passes each on as a
     * retained slice. Nothing is decoded, so the broker sees every packet exactly as the device sent it.
     */
    static final class FrameSplitter extends io.netty.handler.codec.ByteToMessageDecoder {
        private final int maxPacket;

        FrameSplitter(int maxPacket) {
            this.maxPacket = maxPacket;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, io.netty.buffer.ByteBuf in, java.util.List<Object> out) {
            while (true) {
                int start = in.readerIndex();
                int available = in.readableBytes();
                if (available < 2) {
                    return;
                }
                int remaining = 0;
                int multiplier = 1;
                int lengthBytes = 0;
                int b;
                do {
                    if (lengthBytes == 4) { // a fifth length byte is malformed
                        ctx.close();
                        in.skipBytes(available);
                        return;
                    }
                    if (1 + lengthBytes >= available) {
                        return;
                    }
                    b = in.getUnsignedByte(start + 1 + lengthBytes);
                    remaining += (b & 0x7f) * multiplier;
                    multiplier <<= 7;
                    lengthBytes++;
                } while ((b & 0x80) != 0);
                int total = 1 + lengthBytes + remaining;
                if (total > maxPacket) {
                    ctx.close();
                    in.skipBytes(available);
                    return;
                }
                if (available < total) {
                    return;
                }
                out.add(Boolean.getBoolean("probe.copyFrames") ? in.copy(start, total) : in.retainedSlice(start, total));
                in.skipBytes(total);
            }
        }

        /** Offset of the variable header in a frame. */
        static int bodyOffset(io.netty.buffer.ByteBuf frame) {
            int i = 1;
            while ((frame.getUnsignedByte(frame.readerIndex() + i) & 0x80) != 0) {
                i++;
            }
            return i + 1;
        }
    }

    /** Loopback source addresses for the internal connections, one per device connection: 127.1.0.1, 127.1.0.2 … */
    static final AtomicLong nextLoopback = new AtomicLong(1);

    static java.net.InetAddress nextLoopbackAddress() throws java.net.UnknownHostException {
        long n = nextLoopback.getAndIncrement() % 0xFFFFFE + 1;
        return java.net.InetAddress.getByAddress(
                new byte[] {127, (byte) (n >> 16), (byte) (n >> 8), (byte) n});
    }

    static AutoCloseable startByteRelay(int port, int brokerPort, RelayAppends appends) throws Exception {
        NioEventLoopGroup boss = new NioEventLoopGroup(1);
        NioEventLoopGroup workers = new NioEventLoopGroup(2);
        Channel server = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.config().setAutoRead(false);
                        ch.pipeline()
                                .addLast(new FrameSplitter(320 * 1024 + 1))
                                .addLast(new ByteRelay(brokerPort, appends));
                    }
                })
                .bind("127.0.0.1", port)
                .sync()
                .channel();
        return () -> {
            server.close().sync();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        };
    }

    /**
     * One device connection of the byte relay. The internal connection binds its own loopback source address, which
     * the broker-side interceptor sees as the client's address: the key under which it registers each append.
     */
    static final class ByteRelay extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final int brokerPort;
        private final RelayAppends appends;
        private final ArrayDeque<HeldAck> pending = new ArrayDeque<>();
        private Channel broker;
        private String source;
        private int protocolLevel = 4;

        ByteRelay(int brokerPort, RelayAppends appends) {
            this.brokerPort = brokerPort;
            this.appends = appends;
        }

        static final class HeldAck {
            final int packetId;
            io.netty.buffer.ByteBuf brokerAck; // the broker's own PUBACK bytes, sent when durable
            boolean done;
            boolean failed;

            HeldAck(int packetId) {
                this.packetId = packetId;
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext device) throws Exception {
            java.net.InetAddress local = nextLoopbackAddress();
            source = local.getHostAddress();
            new io.netty.bootstrap.Bootstrap()
                    .group(device.channel().eventLoop())
                    .channel(io.netty.channel.socket.nio.NioSocketChannel.class)
                    .option(io.netty.channel.ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new FrameSplitter(Integer.MAX_VALUE))
                                    .addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void channelRead(ChannelHandlerContext ctx, Object frame) {
                                            fromBroker(device, (io.netty.buffer.ByteBuf) frame);
                                        }

                                        @Override
                                        public void channelReadComplete(ChannelHandlerContext ctx) {
                                            device.flush();
                                        }

                                        @Override
                                        public void channelInactive(ChannelHandlerContext ctx) {
                                            device.close();
                                        }
                                    });
                        }
                    })
                    .connect(new java.net.InetSocketAddress("127.0.0.1", brokerPort), new java.net.InetSocketAddress(local, 0))
                    .addListener((io.netty.channel.ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            device.close();
                            return;
                        }
                        broker = f.channel();
                        device.channel().config().setAutoRead(true);
                        device.read();
                    });
        }

        @Override
        public void channelRead(ChannelHandlerContext device, Object o) {
            io.netty.buffer.ByteBuf frame = (io.netty.buffer.ByteBuf) o;
            int first = frame.getUnsignedByte(frame.readerIndex());
            int type = first >> 4;
            int body = frame.readerIndex() + FrameSplitter.bodyOffset(frame);
            if (type == 1 && frame.writerIndex() > body + 2) { // CONNECT: protocol name, then the level
                int nameLength = frame.getUnsignedShort(body);
                if (body + 2 + nameLength < frame.writerIndex()) {
                    protocolLevel = frame.getUnsignedByte(body + 2 + nameLength);
                }
            } else if (type == 3 && ((first >> 1) & 3) > 0) { // QoS 1/2 PUBLISH: topic, then the packet id
                int topicLength = frame.getUnsignedShort(body);
                pending.add(new HeldAck(frame.getUnsignedShort(body + 2 + topicLength)));
            }
            broker.write(frame);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext device) {
            broker.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext device) {
            if (broker != null) {
                broker.close();
            }
            for (HeldAck h : pending) {
                if (h.brokerAck != null) {
                    h.brokerAck.release();
                }
            }
            pending.clear();
        }

        private void fromBroker(ChannelHandlerContext device, io.netty.buffer.ByteBuf frame) {
            int first = frame.getUnsignedByte(frame.readerIndex());
            int type = first >> 4;
            if (type != 4 && type != 5) { // not a PUBACK or PUBREC: nothing to hold
                device.write(frame);
                return;
            }
            int body = frame.readerIndex() + FrameSplitter.bodyOffset(frame);
            int packetId = frame.getUnsignedShort(body);
            int reason = frame.writerIndex() > body + 2 ? frame.getUnsignedByte(body + 2) : 0;
            HeldAck held = null;
            for (HeldAck h : pending) {
                if (h.packetId == packetId && h.brokerAck == null) {
                    held = h;
                    break;
                }
            }
            if (held == null) {
                device.write(frame);
                return;
            }
            // A copy of the few bytes: a held slice would pin the splitter's cumulation buffer (copied on every read).
            held.brokerAck = io.netty.buffer.Unpooled.copiedBuffer(frame);
            frame.release();
            CompletableFuture<Long> append = appends.take(source, packetId);
            if (reason >= 0x80 || append == null) {
                held.done = true;
                drain(device);
                return;
            }
            HeldAck h = held;
            append.whenComplete((offset, failure) -> device.executor().execute(() -> {
                h.done = true;
                h.failed = failure != null;
                drain(device);
            }));
        }

        private void drain(ChannelHandlerContext device) {
            boolean wrote = false;
            for (HeldAck head = pending.peek(); head != null && head.done; head = pending.peek()) {
                pending.poll();
                if (!head.failed) {
                    device.write(head.brokerAck);
                } else if (protocolLevel == 5) {
                    head.brokerAck.release();
                    device.write(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {
                        0x40, 3, (byte) (head.packetId >> 8), (byte) head.packetId, (byte) 0x80}));
                } else { // MQTT 3.1.1 has no way to say it: disconnect, as HiveMQ does for a refused PUBLISH
                    head.brokerAck.release();
                    device.close();
                    return;
                }
                wrote = true;
            }
            if (wrote) {
                device.flush();
            }
        }
    }

    // ---- plumbing ----

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void waitForPort(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nothing listens on " + port);
    }

    static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + "/" + f[1];
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
