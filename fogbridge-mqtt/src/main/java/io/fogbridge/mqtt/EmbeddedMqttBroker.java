package io.fogbridge.mqtt;

import com.codahale.metrics.Counting;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.services.Services;
import io.fogbridge.api.CommandTransport;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.log.Untrusted;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's MQTT bus: an embedded HiveMQ CE broker whose every device PUBLISH goes through the
 * {@link Uplink} before the device is acknowledged (see {@link UplinkPublishInterceptor} for the exact guarantee).
 * Local subscribers receive every publish the uplink accepted or kept local, as on any broker.
 *
 * <p><b>Lifecycle.</b> {@link #start(Uplink)} once: generates HiveMQ's folders under {@code workDir}, starts the broker
 * and returns once it listens; if anything fails it stops what it started and throws, leaving no non-daemon thread.
 * {@link #close()} stops the broker (clients are disconnected; publishes waiting for the uplink are not acknowledged,
 * so devices retransmit after reconnecting). Thread-safe.
 *
 * <p><b>Revocation.</b> Clients authenticate at CONNECT; a device removed, disabled, whose credential changed or
 * expired in the registry afterwards is disconnected within about a second by the {@link RevocationWatch}, which
 * reviews them against the {@link io.fogbridge.api.device.DeviceDirectory} itself: nothing needs to tell the broker.
 *
 * <p><b>Logging.</b> HiveMQ's own logging bootstrap is disabled: it would reset the host's logback configuration.
 * HiveMQ logs through the gateway's logging under {@code com.hivemq}.
 *
 * <p><b>Pipelined acknowledgements</b> ({@link EmbeddedBrokerOptions#pipelinedAcks()}, decision 0001): HiveMQ listens
 * only on a free loopback port and a {@link DeviceRelay} owns the device listeners, relaying every connection to it
 * and holding each PUBACK until the append behind it is durable, many per connection at once. Everything else is
 * HiveMQ's, as without the relay. Each relayed connection binds its own loopback source address (127.x.y.z): Linux
 * routes all of 127/8 to the loopback interface; other systems do not, so where 127.1.0.1 cannot be bound the broker
 * warns once and serves devices directly, one acknowledgement per connection at a time (same guarantee).
 *
 * <p><b>Ports.</b> A listener with port 0 gets a free port chosen just before start (HiveMQ does not report the port
 * it bound), published by {@link #boundListeners()}.
 */
public final class EmbeddedMqttBroker implements ProtocolAdapter {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMqttBroker.class);
    private static final String CONNECTIONS_METRIC = "com.hivemq.networking.connections.current";

    private final EmbeddedBrokerOptions options;
    private final MqttMetrics metrics;
    /** Null without the relay: its meters exist only when it does. */
    private final RelayMetrics relayMetrics;

    private final Clock clock;
    private final SenderResolver senders;
    private final TopicAcl acl;
    private final MqttCommandTransport commands;
    private EmbeddedHiveMQ hivemq;
    private TlsStores tlsStores;
    private ExecutorService authChecker;
    private RevocationWatch revocations;
    private WillRelay wills;
    private DeviceRelay relay;
    private final RelayedConnections relayed = new RelayedConnections();
    private final LocalSubscribers subscribers = new LocalSubscribers();
    private final ConnectionQuota quota;
    private final BrokerBacklog backlog =
            BrokerBacklog.forHeap(Runtime.getRuntime().maxMemory());
    private volatile boolean ready;
    private volatile List<ListenerAddress> boundListeners = List.of();

    /**
     * @param options         broker settings
     * @param registryOrNull  where to register {@code fogbridge.mqtt.*} meters; null for none
     */
    public EmbeddedMqttBroker(EmbeddedBrokerOptions options, MeterRegistry registryOrNull) {
        this(options, registryOrNull, Clock.systemUTC());
    }

    /**
     * As {@link #EmbeddedMqttBroker(EmbeddedBrokerOptions, MeterRegistry)}, stamping arrival times with {@code clock}:
     * the gateway passes the wall clock its spool and forwarder read, so a test can step them all together.
     */
    public EmbeddedMqttBroker(EmbeddedBrokerOptions options, MeterRegistry registryOrNull, Clock clock) {
        this(options, registryOrNull, clock, SenderResolver.AUTHENTICATED);
    }

    EmbeddedMqttBroker(
            EmbeddedBrokerOptions options, MeterRegistry registryOrNull, Clock clock, SenderResolver senders) {
        this.options = Objects.requireNonNull(options, "options");
        this.metrics = new MqttMetrics(registryOrNull);
        this.relayMetrics = options.pipelinedAcks() ? new RelayMetrics(registryOrNull) : null;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.senders = Objects.requireNonNull(senders, "senders");
        this.acl = new TopicAcl(options.security().roles(), options.security().anonymousPermissions());
        this.commands = new MqttCommandTransport(options.ackTimeout());
        this.quota = new ConnectionQuota(options.maxConnections(), options.maxConnectionsPerAddress());
        metrics.gauge("fogbridge.mqtt.connections", "clients connected to the embedded MQTT broker", this::connections);
        metrics.gauge(
                "fogbridge.mqtt.broker.queued",
                "publishes the embedded broker read and queued for the uplink, not yet handed over",
                backlog::queued);
    }

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public synchronized void start(Uplink uplink) throws Exception {
        Objects.requireNonNull(uplink, "uplink");
        if (hivemq != null) {
            throw new IllegalStateException("the embedded MQTT broker can be started only once");
        }
        List<ListenerAddress> listeners = withFreePorts(options.listeners());
        BrokerWorkDir folders = new BrokerWorkDir(options.workDir());
        tlsStores = new TlsStores(options.workDir().toAbsolutePath(), listeners);
        ListenerAddress internal = null;
        boolean behindRelay = options.pipelinedAcks();
        if (behindRelay && !RelayedConnections.sourcesBindable()) {
            log.warn("devices.pipelinedAcks is on, but this system cannot bind 127.1.0.1 (only Linux routes all of"
                    + " 127/8 to the loopback interface): devices connect to the broker directly, one"
                    + " acknowledgement per connection at a time");
            behindRelay = false;
        }
        if (behindRelay) {
            internal =
                    withFreePorts(List.of(new ListenerAddress("127.0.0.1", 0))).getFirst();
            folders.prepareBehindRelay(internal, options.maxPayloadBytes());
        } else {
            folders.prepare(listeners, options.maxPayloadBytes(), tlsStores);
        }
        authChecker = Executors.newFixedThreadPool(2, daemonThreads("fogbridge-mqtt-auth"));
        revocations = new RevocationWatch(
                options.security().directory(),
                options.security().clock(),
                metrics,
                (clientId, reason) -> Services.clientService()
                        .disconnectClient(clientId, false, DisconnectReasonCode.NOT_AUTHORIZED, reason)
                        .whenComplete((closed, e) -> {
                            if (e != null) {
                                log.warn(
                                        "could not disconnect revoked client {}: {}",
                                        Untrusted.of(clientId),
                                        e.toString());
                            }
                        }),
                RevocationWatch.DEFAULT_INTERVAL,
                relayed);
        UplinkPublishInterceptor interceptor = interceptor(uplink);
        UplinkExtension extension = new UplinkExtension(
                interceptor,
                new RegistryAuthenticator(
                        options.security(), anonymousListeners(listeners), authChecker, metrics, quota, relayed, acl),
                new TopicAuthorizer(acl, metrics, commands),
                metrics,
                commands,
                revocations,
                wills(uplink),
                quota,
                options.sessions(),
                clock);
        hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(folders.configFolder())
                .withDataFolder(folders.dataFolder())
                .withExtensionsFolder(folders.extensionsFolder())
                .withEmbeddedExtension(EmbeddedExtension.builder()
                        .withId("fogbridge-uplink")
                        .withName("Fogbridge uplink")
                        .withVersion("1")
                        .withPriority(1000)
                        .withStartPriority(1000)
                        .withExtensionMain(extension)
                        .build())
                .withoutLoggingBootstrap()
                .build();
        try {
            hivemq.start().get(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!extension.started()) {
                throw new IllegalStateException("the uplink extension did not start; publishes would bypass the spool");
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            stopBroker();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("embedded MQTT broker did not start on " + listeners + ": " + cause, cause);
        } catch (InterruptedException e) {
            stopBroker();
            throw e;
        }
        if (internal != null) {
            subscribers.attach(hivemq);
            relay = new DeviceRelay(
                    listeners,
                    tlsStores,
                    new InetSocketAddress(internal.host(), internal.port()),
                    options.maxPayloadBytes() + BrokerWorkDir.HEADER_ROOM,
                    options.ackTimeout(),
                    relayed,
                    interceptor,
                    subscribers,
                    metrics,
                    relayMetrics);
            try {
                relay.start();
            } catch (InterruptedException | RuntimeException e) {
                stopBroker();
                throw e;
            }
        }
        backlog.attach(hivemq);
        boundListeners = List.copyOf(listeners);
        tlsStores.startWatching();
        revocations.start();
        warnAboutAnonymousAccess(listeners);
        ready = true;
        if (relay != null) {
            log.info(
                    "embedded MQTT broker listening on {} through the device relay (devices.pipelinedAcks), broker on {}",
                    listeners,
                    internal);
        } else {
            log.info("embedded MQTT broker listening on {}", listeners);
        }
    }

    /** The listeners as bound, with the ports chosen for port 0. Empty before start. */
    public List<ListenerAddress> boundListeners() {
        return boundListeners;
    }

    /** The port of the first listener: a convenience for single-listener setups and tests. */
    public int port() {
        List<ListenerAddress> bound = boundListeners;
        if (bound.isEmpty()) {
            throw new IllegalStateException("the embedded MQTT broker is not started");
        }
        return bound.getFirst().port();
    }

    /** Delivers commands to devices connected to this broker (see {@link MqttCommandTransport}). */
    public CommandTransport commandTransport() {
        return commands;
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public synchronized void close() {
        ready = false;
        commands.close();
        stopBroker();
    }

    private UplinkPublishInterceptor interceptor(Uplink uplink) {
        return new UplinkPublishInterceptor(
                uplink,
                options.maxPayloadBytes(),
                options.ackTimeout(),
                clock,
                senders,
                acl,
                metrics,
                backlog,
                relayed,
                (clientId, code, reason) -> Services.clientService().disconnectClient(clientId, false, code, reason));
    }

    private WillRelay wills(Uplink uplink) {
        wills = new WillRelay(uplink, acl, senders, metrics, options.maxPayloadBytes(), clock);
        return wills;
    }

    private void stopBroker() {
        if (relay != null) {
            relay.close();
        }
        if (revocations != null) {
            revocations.close();
        }
        if (wills != null) {
            wills.close();
        }
        if (tlsStores != null) {
            tlsStores.close();
        }
        if (authChecker != null) {
            authChecker.shutdownNow();
        }
        EmbeddedHiveMQ broker = hivemq;
        if (broker == null) {
            return;
        }
        try {
            broker.stop().get(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("interrupted while stopping the embedded MQTT broker");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // After a failed start, stop() fails with the start's cause; close() below still releases what it can.
            log.debug("embedded MQTT broker stop reported a failure", e);
        }
        try {
            broker.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            log.debug("embedded MQTT broker close reported a failure", e);
        }
    }

    private long connections() {
        EmbeddedHiveMQ broker = hivemq;
        if (broker == null || !ready) {
            return 0;
        }
        Metric metric = broker.getMetricRegistry().getMetrics().get(CONNECTIONS_METRIC);
        if (metric instanceof Counting counting) {
            return counting.getCount();
        }
        if (metric instanceof Gauge<?> gauge && gauge.getValue() instanceof Number number) {
            return number.longValue();
        }
        return 0;
    }

    private Set<String> anonymousListeners(List<ListenerAddress> listeners) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < listeners.size(); i++) {
            if (options.allowAnonymous() && listeners.get(i).anonymousAllowed()) {
                names.add(BrokerWorkDir.listenerName(i));
            }
        }
        return names;
    }

    private void warnAboutAnonymousAccess(List<ListenerAddress> listeners) {
        for (ListenerAddress listener : listeners) {
            if (!options.allowAnonymous() || !listener.anonymousAllowed()) {
                continue;
            }
            if (listener.isLoopback()) {
                log.warn(
                        "MQTT listener {} accepts anonymous clients (loopback only; local services). Set"
                                + " anonymous: false on it to require credentials there too",
                        listener);
            } else {
                log.warn(
                        "MQTT listener {} accepts ANONYMOUS clients from the network (anonymous: true is set):"
                                + " anyone who reaches it can publish",
                        listener);
            }
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Replaces port 0 by a port free right now. Another process could take it before HiveMQ binds; start then fails
     * loudly, which is acceptable for the tests and demos that use port 0.
     */
    private static List<ListenerAddress> withFreePorts(List<ListenerAddress> listeners) {
        List<ListenerAddress> resolved = new ArrayList<>();
        for (ListenerAddress listener : listeners) {
            if (listener.port() != 0) {
                resolved.add(listener);
                continue;
            }
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(listener.host()))) {
                resolved.add(listener.withPort(probe.getLocalPort()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port on " + listener.host(), e);
            }
        }
        return resolved;
    }
}
