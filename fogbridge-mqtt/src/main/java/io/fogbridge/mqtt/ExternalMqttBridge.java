package io.fogbridge.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import io.fogbridge.api.CommandTransport;
import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.log.Untrusted;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * External-broker mode: the gateway is a client of an existing broker (mosquitto …) and takes the routed topics
 * from it, acknowledging each message to the broker only once the uplink made it durable.
 *
 * <p><b>Session.</b> MQTT 5, fixed client id, no clean start, long session expiry, QoS 1 subscriptions (optionally
 * shared): while the gateway is down or disconnected the broker keeps queueing for it, and every message not yet
 * acknowledged is redelivered on the next connection. Subscriptions are (re)made on every connect, because a broker
 * that lost its state (a mosquitto restart without persistence) comes back without our session.
 *
 * <p><b>Acknowledgement.</b> Manual; see {@link ManualAckHandoff} for what each outcome does.
 *
 * <p><b>What the broker drops.</b> The guarantee ends at the broker's queue for our session: a broker that drops
 * messages once that queue is full (mosquitto's {@code max_queued_messages}, 1000 by default) has already
 * acknowledged them to the devices. The bridge also subscribes, at QoS 0 and outside the routed filters, to the
 * broker's drop counter and reports it ({@link BrokerDropWatch}, {@link #brokerDrops()}).
 *
 * <p><b>Commands.</b> {@link #commandTransport()} publishes them on this connection at QoS 1.
 *
 * <p><b>TLS.</b> With an {@code ssl://} URI the connection is TLS 1.2/1.3 ({@link ExternalBrokerTls}): the broker's
 * certificate is checked against the CA file (or the JVM's trust store) and, unless turned off, against the URI's
 * host; a client certificate is presented when configured. The files are read in {@link #start}.
 *
 * <p><b>Lifecycle.</b> {@link #start} connects and returns once subscribed, or once the first attempt failed, or
 * after {@code startTimeout}, whichever comes first: a broker that is away or refuses us (TLS handshake, credentials)
 * does not stop the gateway from starting. The bridge keeps reconnecting with exponential backoff (0.5 s up to
 * {@code reconnectMaxDelay}); {@link #ready()} is false and {@link #lastFailure()} says why until it is connected and
 * subscribed; each new reason is logged once at WARN. {@link #close()} disconnects without acknowledging what is in
 * flight, so the broker keeps it for the next start. Thread-safe.
 */
public final class ExternalMqttBridge implements ProtocolAdapter {

    private static final Logger log = LoggerFactory.getLogger(ExternalMqttBridge.class);
    /** How long a device the broker had no subscriber for is left to the polling protocols. */
    private static final Duration UNSUBSCRIBED_DEVICE_WAIT = Duration.ofSeconds(30);

    private final ExternalBrokerOptions options;
    private final MqttMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService retries;
    /** Incremented on every connect and on close: a message's acknowledgement is only valid in its own connection. */
    private final AtomicLong connection = new AtomicLong();

    private volatile boolean connected;
    private volatile boolean subscribed;
    private volatile boolean closed;
    private volatile String lastFailure;
    private volatile Mqtt5AsyncClient client;
    private ManualAckHandoff handoff;
    private final BrokerDropWatch drops;
    private final BrokerCommandTransport commands;
    private final Duration dropsVisibleWithin;

    public ExternalMqttBridge(ExternalBrokerOptions options, MeterRegistry registryOrNull) {
        this(options, registryOrNull, Clock.systemUTC());
    }

    ExternalMqttBridge(ExternalBrokerOptions options, MeterRegistry registryOrNull, Clock clock) {
        this(options, registryOrNull, clock, BrokerDropWatch.VISIBLE_WITHIN);
    }

    /** {@code dropsVisibleWithin}: how long to wait for the broker's drop counter before saying it cannot be seen. */
    ExternalMqttBridge(
            ExternalBrokerOptions options, MeterRegistry registryOrNull, Clock clock, Duration dropsVisibleWithin) {
        this.options = Objects.requireNonNull(options, "options");
        this.metrics = new MqttMetrics(registryOrNull);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.drops = new BrokerDropWatch(metrics, clock, BrokerDropWatch.QUIET, dropsVisibleWithin);
        this.dropsVisibleWithin = dropsVisibleWithin;
        this.commands = new BrokerCommandTransport(
                () -> client, this::ready, options.ackTimeout(), UNSUBSCRIBED_DEVICE_WAIT, clock);
        this.retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "fogbridge-mqtt-bridge-retry");
            thread.setDaemon(true);
            return thread;
        });
        metrics.gauge(
                "fogbridge.mqtt.external.connected",
                "1 while connected and subscribed to the external MQTT broker",
                () -> ready() ? 1 : 0);
    }

    @Override
    public String name() {
        return "mqtt-external";
    }

    @Override
    public synchronized void start(Uplink uplink) throws Exception {
        Objects.requireNonNull(uplink, "uplink");
        if (client != null || closed) {
            throw new IllegalStateException("the external MQTT bridge can be started only once");
        }
        Mqtt5ClientBuilder builder = clientBuilder(); // reads the TLS files: fails here if they are unusable
        if (options.tls() != null && !options.tls().verifyHostname()) {
            log.warn(
                    "TLS hostname verification is off for the external MQTT broker {}"
                            + " (mqtt.external.verifyHostname: false): anyone holding a certificate of a trusted CA can"
                            + " impersonate it",
                    options.uri());
        }
        handoff = new ManualAckHandoff(uplink, metrics, retries, options.ackTimeout(), options.retryMaxDelay());
        client = builder.buildAsync();
        // Registered before connecting: a resumed session delivers its backlog right after CONNACK. ALL, not
        // SUBSCRIBED: this client instance has no record of subscriptions made by the previous run.
        client.publishes(MqttGlobalPublishFilter.ALL, this::onPublish, true);
        client.connectWith()
                .cleanStart(false)
                .sessionExpiryInterval(options.sessionExpiry().toSeconds())
                .send()
                .whenComplete((connAck, failure) -> {
                    if (failure != null) {
                        failed(failure);
                    }
                });
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        while (!ready() && lastFailure == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (!ready()) {
            log.warn(
                    "not connected to the external MQTT broker {} ({}); starting not ready, retrying",
                    options.uri(),
                    lastFailure == null
                            ? "no answer within " + options.startTimeout().toSeconds() + " s"
                            : lastFailure);
        }
    }

    /**
     * Why the bridge is not ready: the reason the last connection attempt failed or the connection was lost (such as
     * a TLS handshake error), or null while connected or before the first failure. Never contains a secret.
     */
    public String lastFailure() {
        return lastFailure;
    }

    private void failed(Throwable failure) {
        if (closed) {
            return; // the pending first connect completes with the last cause when close() stops reconnecting
        }
        String reason = reason(failure);
        if (!reason.equals(lastFailure)) {
            log.warn("cannot connect to the external MQTT broker {}: {}; retrying", options.uri(), reason);
        }
        lastFailure = reason;
    }

    /** The innermost cause says what went wrong (a handshake alert); the outer ones only that connecting failed. */
    private static String reason(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        return root == failure ? text : text + " (" + failure.getClass().getSimpleName() + ")";
    }

    /**
     * Commands published to the devices' command topics on the external broker, delivered when the broker
     * acknowledges them ({@link BrokerCommandTransport}: weaker than the embedded broker's device PUBACK).
     */
    public CommandTransport commandTransport() {
        return commands;
    }

    /**
     * Messages the broker dropped after acknowledging them to devices, as a sentence for operators ("the broker
     * dropped N messages …"), while the episode lasts ({@link BrokerDropWatch#QUIET} after its last drop); else null.
     */
    public String brokerDrops() {
        return drops.drops();
    }

    /** Null while the broker's drop counter arrives; else the sentence saying that drops cannot be seen, and why. */
    public String brokerDropsUnseen() {
        return drops.blindSpot();
    }

    @Override
    public boolean ready() {
        return connected && subscribed && !closed;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        connection.incrementAndGet();
        retries.shutdownNow();
        if (client != null) {
            try {
                // Normal disconnect keeps the session (its expiry was set on connect): in-flight messages stay
                // unacknowledged at the broker and come back on the next start.
                client.disconnect().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("disconnect from {} did not complete cleanly: {}", options.uri(), e.toString());
            }
        }
    }

    private Mqtt5ClientBuilder clientBuilder() {
        Mqtt5ClientBuilder builder = Mqtt5Client.builder()
                .identifier(options.clientId())
                .serverHost(options.uri().getHost())
                .serverPort(options.port())
                // The client's default netty threads are non-daemon and, with a persistent session, outlive
                // disconnect() until the session expiry (hivemq-mqtt-client issues #498, #633): with days of expiry
                // they would keep the gateway's JVM from exiting. Daemon threads of our own avoid that.
                .executorConfig()
                .nettyExecutor(ExternalMqttBridge::startIoThread)
                .nettyThreads(1)
                .applyExecutorConfig()
                .automaticReconnect()
                .initialDelay(ExternalBrokerOptions.RECONNECT_INITIAL_DELAY.toMillis(), TimeUnit.MILLISECONDS)
                .maxDelay(options.reconnectMaxDelay().toMillis(), TimeUnit.MILLISECONDS)
                .applyAutomaticReconnect()
                .addConnectedListener(this::onConnected)
                .addDisconnectedListener(this::onDisconnected);
        if (options.tls() != null) {
            builder = builder.sslConfig(options.tls().sslConfig());
        }
        if (options.username() != null) {
            builder = builder.simpleAuth()
                    .username(options.username())
                    .password(
                            options.password() == null
                                    ? new byte[0]
                                    : options.password().getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth();
        }
        return builder;
    }

    private static void startIoThread(Runnable eventLoop) {
        Thread thread = new Thread(eventLoop, "fogbridge-mqtt-bridge-io");
        thread.setDaemon(true);
        thread.start();
    }

    private void onConnected(MqttClientConnectedContext context) {
        long current = connection.incrementAndGet();
        connected = true;
        log.info("connected to external MQTT broker {} as {}", options.uri(), options.clientId());
        client.subscribe(subscribeAll()).whenComplete((subAck, failure) -> onSubscribed(current, subAck, failure));
    }

    private void onSubscribed(long forConnection, Mqtt5SubAck subAck, Throwable failure) {
        if (forConnection != connection.get()) {
            return;
        }
        if (failure != null) {
            log.warn("subscribing {} at {} failed: {}", options.subscriptions(), options.uri(), failure.toString());
            return;
        }
        if (subAck.getReasonCodes().stream().anyMatch(code -> code.isError())) {
            // A refused filter (ACL, bad shared-subscription syntax) is a configuration error: stay not ready.
            log.error(
                    "{} refused subscriptions {}: {}", options.uri(), options.subscriptions(), subAck.getReasonCodes());
            return;
        }
        subscribed = true;
        lastFailure = null;
        log.info("subscribed to {} at {}", options.subscriptions(), options.uri());
        watchBrokerDrops(forConnection);
    }

    /**
     * A subscription of its own: a broker that refuses {@code $SYS} to the gateway must not fail the routed filters.
     * Retained messages are sent on every subscribe, so each connection starts with the broker's current total.
     */
    private void watchBrokerDrops(long forConnection) {
        if (forConnection != connection.get()) {
            return;
        }
        drops.subscribed();
        client.subscribeWith()
                .topicFilter(BrokerDropWatch.TOPIC)
                .qos(MqttQos.AT_MOST_ONCE)
                .retainHandling(Mqtt5RetainHandling.SEND)
                .send()
                .whenComplete((subAck, failure) -> {
                    if (failure != null || subAck.getReasonCodes().stream().anyMatch(code -> code.isError())) {
                        log.debug(
                                "{} refused {}: {}",
                                options.uri(),
                                BrokerDropWatch.TOPIC,
                                failure != null ? failure.toString() : subAck.getReasonCodes());
                    }
                });
        try {
            // logs "cannot be seen" once if nothing arrived by then
            retries.schedule(drops::blindSpot, dropsVisibleWithin.toMillis() + 100, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void onDisconnected(MqttClientDisconnectedContext context) {
        connection.incrementAndGet();
        if (closed) {
            context.getReconnector().reconnect(false);
            return;
        }
        boolean wasReady = ready();
        connected = false;
        subscribed = false;
        if (wasReady) {
            log.warn(
                    "lost external MQTT broker {} ({}); reconnecting",
                    options.uri(),
                    context.getCause().toString());
            lastFailure = reason(context.getCause());
        } else {
            failed(context.getCause()); // a failed (re)connect attempt
        }
    }

    private Mqtt5Subscribe subscribeAll() {
        List<Mqtt5Subscription> subscriptions = options.subscriptions().stream()
                .map(filter -> Mqtt5Subscription.builder()
                        .topicFilter(filter)
                        .qos(MqttQos.AT_LEAST_ONCE)
                        // Re-subscribing on reconnect must not replay retained messages the uplink already has.
                        .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST)
                        .build())
                .toList();
        return Mqtt5Subscribe.builder().addSubscriptions(subscriptions).build();
    }

    private void onPublish(Mqtt5Publish publish) {
        if (publish.getTopic().toString().equals(BrokerDropWatch.TOPIC)) {
            drops.onTotal(new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8));
            acknowledge(publish, connection.get()); // QoS 0: nothing to send, but the client wants every one settled
            return;
        }
        long arrivalTime = clock.millis();
        long receivedOn = connection.get();
        Runnable acknowledge = () -> acknowledge(publish, receivedOn);
        byte[] payload = publish.getPayloadAsBytes();
        if (payload.length > options.maxPayloadBytes()) {
            log.warn(
                    "dropping a {} byte message on {}: over devices.maxPayload",
                    payload.length,
                    Untrusted.of(publish.getTopic()));
            metrics.rejected(MqttMetrics.TOO_LARGE);
            acknowledge.run();
            return;
        }
        QoS qos = QoS.ofMqtt(publish.getQos().getCode());
        InboundMessage message = new InboundMessage(
                publish.getTopic().toString(),
                payload,
                qos,
                // The broker does not say who published; the sender is the connection we received it on.
                DeviceRef.anonymous(options.clientId()),
                publish.getContentType().map(Object::toString).orElse(null),
                arrivalTime);
        metrics.received(qos);
        handoff.handOff(message, acknowledge, () -> !closed && connection.get() == receivedOn);
    }

    private void acknowledge(Mqtt5Publish publish, long receivedOn) {
        if (closed || connection.get() != receivedOn) {
            return; // that connection is gone; the broker redelivers to the next one
        }
        try {
            publish.acknowledge();
        } catch (IllegalStateException e) {
            log.debug("acknowledge of a message on {} refused: {}", Untrusted.of(publish.getTopic()), e.toString());
        }
    }
}
