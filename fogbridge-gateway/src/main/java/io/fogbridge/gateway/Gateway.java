package io.fogbridge.gateway;

import io.fogbridge.adapters.coap.CoapAdapter;
import io.fogbridge.adapters.coap.CoapAdapterOptions;
import io.fogbridge.adapters.coap.PskKeys;
import io.fogbridge.adapters.http.HttpAdapter;
import io.fogbridge.adapters.http.HttpAdapterOptions;
import io.fogbridge.adapters.http.HttpTls;
import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.CommandTransport;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.command.CommandRouter;
import io.fogbridge.command.RouterOptions;
import io.fogbridge.gateway.config.CommandSettings;
import io.fogbridge.gateway.config.EdgeSecurity;
import io.fogbridge.gateway.config.ExternalBroker;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.gateway.ops.BearerToken;
import io.fogbridge.gateway.ops.OpsServer;
import io.fogbridge.gateway.ops.ReadinessCheck.Status;
import io.fogbridge.kafka.ForwarderOptions;
import io.fogbridge.kafka.ForwarderState;
import io.fogbridge.kafka.KafkaForwarder;
import io.fogbridge.kafka.command.CommandConsumerOptions;
import io.fogbridge.kafka.command.CommandHandler;
import io.fogbridge.kafka.command.KafkaCommandConsumer;
import io.fogbridge.mqtt.EmbeddedBrokerOptions;
import io.fogbridge.mqtt.EmbeddedMqttBroker;
import io.fogbridge.mqtt.ExternalBrokerOptions;
import io.fogbridge.mqtt.ExternalMqttBridge;
import io.fogbridge.mqtt.ListenerAddress;
import io.fogbridge.mqtt.MqttSecurity;
import io.fogbridge.pipeline.Pipeline;
import io.fogbridge.registry.DeviceRegistry;
import io.fogbridge.spool.FsyncPolicy;
import io.fogbridge.spool.FullPolicy;
import io.fogbridge.spool.SegmentedSpool;
import io.fogbridge.spool.SpoolOptions;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gateway: the spool, the pipeline, the MQTT bus (embedded broker or bridge to an
 * external one), the Kafka forwarder and the operations endpoints, wired from a {@link GatewayConfig}.
 *
 * <p>Start order is upstream-last: spool, forwarder, then the MQTT bus, so nothing is acknowledged
 * before the whole path stands. Close order is the reverse: stop accepting, let the forwarder
 * commit what Kafka acknowledged, then close the spool. This is the only class that knows every
 * stage. Thread-safe for {@link #close()}; accessors may be called from any thread.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private SegmentedSpool spool;
    private KafkaForwarder forwarder;
    private ProtocolAdapter mqtt;
    private OpsServer ops;
    private DeviceRegistry devices = DeviceRegistry.of(io.fogbridge.registry.Registry.EMPTY);
    private CommandRouter commands;
    private HttpAdapter httpAdapter;
    private CoapAdapter coapAdapter;
    private volatile boolean closed;

    private Gateway(GatewayConfig config) {
        this.config = config;
    }

    /** Starts every stage; on failure stops what was started and rethrows. */
    public static Gateway start(GatewayConfig config) throws Exception {
        if (config.kafka().bootstrapServers() == null) {
            throw new IllegalArgumentException("kafka.bootstrapServers is not set");
        }
        Gateway gateway = new Gateway(config);
        try {
            gateway.startStages();
            return gateway;
        } catch (Exception | Error e) {
            gateway.close();
            throw e;
        }
    }

    private void startStages() throws Exception {
        // Read before anything starts: a missing token file must not leave a half-started gateway behind.
        BearerToken opsToken = config.http().bearerToken();
        registry.config().commonTags("gateway", config.gateway().id());
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        Path dataDir = config.gateway().dataDir();
        Files.createDirectories(dataDir);
        spool = SegmentedSpool.open(spoolOptions(dataDir.resolve("spool")));
        spool.bindMetrics(registry);
        started.push(spool);

        forwarder = new KafkaForwarder(spool.cursor(), forwarderOptions(), registry);
        started.push(forwarder);
        forwarder.start();

        Pipeline pipeline = new Pipeline(
                config.routeTable(), config.enricher(), spool, config.mqtt().maxPayload(), registry);
        mqtt = config.mqtt().externalMode() ? externalBridge(pipeline) : embeddedBroker(dataDir);
        started.push(mqtt);
        mqtt.start(pipeline);
        startCommands(dataDir);
        startDeviceAdapters(pipeline);

        ops = new OpsServer(config.http().host(), config.http().port(), registry, opsToken)
                .addCheck("spool", () -> closed ? Status.notReady("closed") : Status.ok(spoolDetail()))
                .addCheck(mqtt.name(), () -> mqtt.ready() ? Status.ok("accepting") : Status.notReady("not accepting"))
                .addCheck("kafka", this::kafkaStatus);
        for (ProtocolAdapter adapter : deviceAdapters()) {
            ops.addCheck(
                    adapter.name(), () -> adapter.ready() ? Status.ok("accepting") : Status.notReady("not accepting"));
        }
        started.push(ops);
        ops.start();
        log.info(
                "gateway {} started: mqtt {} , kafka {}, ops http://{}:{}/readyz",
                config.gateway().id(),
                config.mqtt().externalMode() ? config.mqtt().external().uri() : mqttPorts(),
                config.kafka().bootstrapServers(),
                config.http().host(),
                ops.port());
    }

    /**
     * Downlink commands: the router (durable pending store under {@code dataDir/commands}, failure responses
     * into the spool) and the Kafka consumer feeding it. Started after the MQTT bus so devices can be reached;
     * closed before it (the close order is the reverse), so no command is taken that cannot be delivered.
     */
    private void startCommands(Path dataDir) throws Exception {
        CommandSettings settings = config.commands();
        if (!settings.enabled()) {
            return;
        }
        if (settings.tenants().isEmpty()) {
            throw new IllegalArgumentException("commands.enabled is true but commands.tenants lists no tenant");
        }
        List<CommandTransport> transports = mqtt instanceof EmbeddedMqttBroker broker
                ? List.of(broker.commandTransport())
                : List.of(); // external broker mode: no push delivery yet (polling adapters still work)
        RouterOptions options = RouterOptions.of(config.gateway().id(), dataDir.resolve("commands"), this::registered)
                .withMaxPending(settings.maxPending())
                .withUnknownDevices(RouterOptions.UnknownDevices.valueOf(
                        settings.unknownDevices().toUpperCase(java.util.Locale.ROOT)));
        commands = new CommandRouter(options, transports, spool, registry);
        started.push(commands);
        commands.start();
        CommandRouter router = commands;
        KafkaCommandConsumer consumer = new KafkaCommandConsumer(
                new CommandConsumerOptions(
                        config.kafka().bootstrapServers(),
                        config.gateway().id(),
                        settings.tenants(),
                        config.kafka().properties()),
                new CommandHandler() {
                    @Override
                    public CompletableFuture<Void> command(io.fogbridge.api.Command command) {
                        return router.submit(command);
                    }

                    @Override
                    public CompletableFuture<Void> malformed(
                            String tenant, String device, String correlationId, String reason) {
                        return router.rejectMalformed(tenant, device, correlationId, reason);
                    }
                });
        started.push(consumer);
        consumer.start();
    }

    /** Whether the registry knows the device, directly or as one a registered device acts for ({@code via}). */
    private boolean registered(String tenant, String device) {
        var current = devices.current();
        return current.device(tenant, device).isPresent()
                || current.tenant(tenant)
                        .map(t -> t.devices().values().stream()
                                .anyMatch(d -> d.via().contains(device)))
                        .orElse(false);
    }

    /**
     * The HTTP and CoAP device adapters ({@code adapters.*}), after the command router so {@code ttd} requests can
     * pick up commands. They share the MQTT broker's registry, size limit and ack timeout.
     */
    private void startDeviceAdapters(Pipeline pipeline) throws Exception {
        var settings = config.adapters();
        long maxPayload = config.mqtt().maxPayload();
        if (settings.httpEnabled()) {
            HttpAdapterOptions options = new HttpAdapterOptions(
                    settings.httpHost(),
                    settings.httpPort(),
                    maxPayload,
                    config.mqtt().ackTimeout(),
                    settings.maxTtd(),
                    settings.httpAnonymous(),
                    null,
                    false);
            if (settings.httpKeyStore() != null) {
                String password = settings.httpKeyStorePassword();
                options = options.withTls(
                        HttpTls.context(
                                settings.httpKeyStore(),
                                password == null ? new char[0] : password.toCharArray(),
                                settings.httpClientCaFile()),
                        settings.httpClientCaFile() != null);
            }
            httpAdapter = new HttpAdapter(options, devices, commands, registry);
            started.push(httpAdapter);
            httpAdapter.start(pipeline);
        }
        if (settings.coapEnabled()) {
            PskKeys keys = settings.coapPskFile() == null ? null : PskKeys.load(settings.coapPskFile());
            CoapAdapterOptions options = new CoapAdapterOptions(
                    settings.coapHost(),
                    settings.coapPort(),
                    keys == null ? -1 : settings.coapDtlsPort(),
                    keys,
                    maxPayload,
                    config.mqtt().ackTimeout(),
                    settings.maxTtd(),
                    settings.coapAnonymous());
            coapAdapter = new CoapAdapter(options, devices, commands, registry);
            started.push(coapAdapter);
            coapAdapter.start(pipeline);
        }
    }

    private List<ProtocolAdapter> deviceAdapters() {
        List<ProtocolAdapter> adapters = new java.util.ArrayList<>();
        if (httpAdapter != null) {
            adapters.add(httpAdapter);
        }
        if (coapAdapter != null) {
            adapters.add(coapAdapter);
        }
        return adapters;
    }

    /** The HTTP device adapter; null unless {@code adapters.http.enabled}. */
    public HttpAdapter httpAdapter() {
        return httpAdapter;
    }

    /** The CoAP device adapter; null unless {@code adapters.coap.enabled}. */
    public CoapAdapter coapAdapter() {
        return coapAdapter;
    }

    private SpoolOptions spoolOptions(Path dir) {
        return SpoolOptions.builder(dir)
                .maxBytes(config.spool().maxBytes())
                .maxAge(config.spool().maxAge())
                .fsync(FsyncPolicy.parse(config.spool().fsync()))
                .whenFull(FullPolicy.parse(config.spool().whenFull()))
                .segmentBytes(config.spool().segmentBytes())
                .build();
    }

    private ForwarderOptions forwarderOptions() {
        EdgeSecurity.checkKafkaProperties(config.kafka().properties());
        return ForwarderOptions.builder(
                        config.kafka().bootstrapServers(), config.gateway().id())
                .clientProperties(config.kafka().properties())
                .clientProperty(
                        "max.in.flight.requests.per.connection",
                        Integer.toString(config.kafka().maxInFlight()))
                .build();
    }

    private ProtocolAdapter embeddedBroker(Path dataDir) throws Exception {
        List<ListenerAddress> listeners = EdgeSecurity.listeners(config.mqtt());
        EmbeddedBrokerOptions options = EmbeddedBrokerOptions.builder(dataDir.resolve("broker"))
                .listeners(listeners)
                .maxPayloadBytes(Math.toIntExact(config.mqtt().maxPayload()))
                .ackTimeout(config.mqtt().ackTimeout())
                .allowAnonymous(true)
                .security(security(EdgeSecurity.mqttSecurity(config.mqtt(), started::push)))
                .build();
        return new EmbeddedMqttBroker(options, registry);
    }

    private MqttSecurity security(MqttSecurity security) {
        devices = security.registry();
        return security;
    }

    private ProtocolAdapter externalBridge(Pipeline pipeline) {
        ExternalBroker external = config.mqtt().external();
        ExternalBrokerOptions.Builder options = ExternalBrokerOptions.builder(
                        URI.create(external.uri()), config.gateway().id())
                .clientId(external.clientId())
                .filters(config.routeTable().subscriptionFilters())
                .sharedGroup(external.sharedGroup())
                .maxPayloadBytes(Math.toIntExact(config.mqtt().maxPayload()));
        if (external.username() != null) {
            options.credentials(external.username(), external.password());
        }
        return new ExternalMqttBridge(options.build(), registry);
    }

    private String spoolDetail() {
        var stats = spool.stats();
        return "open, " + stats.records() + " records / " + stats.bytes() + " B waiting";
    }

    private Status kafkaStatus() {
        ForwarderState state = forwarder.state();
        // Kafka being away is what the spool is for: it is reported, not a reason to stop taking traffic.
        return state.connected()
                ? Status.ok("connected, lag " + state.lagMillis() + " ms")
                : Status.degraded(
                        "not connected" + (state.lastError() == null ? "" : ": " + state.lastError()) + "; spooling");
    }

    /** Ports the embedded broker listens on, as bound; empty in external mode. */
    public List<Integer> mqttPorts() {
        return mqtt instanceof EmbeddedMqttBroker broker
                ? broker.boundListeners().stream().map(ListenerAddress::port).toList()
                : List.of();
    }

    public int httpPort() {
        return ops.port();
    }

    public GatewayConfig config() {
        return config;
    }

    public SegmentedSpool spool() {
        return spool;
    }

    public KafkaForwarder forwarder() {
        return forwarder;
    }

    public ProtocolAdapter mqtt() {
        return mqtt;
    }

    /** Where polling adapters (HTTP/CoAP {@code ttd}) pick up commands; null when {@code commands.enabled} is false. */
    public CommandInbox commandInbox() {
        return commands;
    }

    /** The command router; null when {@code commands.enabled} is false. */
    public CommandRouter commandRouter() {
        return commands;
    }

    public OpsServer ops() {
        return ops;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!started.isEmpty()) {
            AutoCloseable stage = started.pop();
            try {
                stage.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", stage.getClass().getSimpleName(), e.toString());
            }
        }
        registry.close();
    }
}
