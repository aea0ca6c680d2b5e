package io.fogbridge.gateway;

import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.device.DeviceDirectory;
import io.fogbridge.command.CommandRouter;
import io.fogbridge.gateway.config.DiscoveryScan;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.gateway.console.DeviceActivity;
import io.fogbridge.gateway.discovery.ScheduledScans;
import io.fogbridge.gateway.ops.BearerToken;
import io.fogbridge.gateway.ops.OpsServer;
import io.fogbridge.gateway.ops.ReadinessCheck;
import io.fogbridge.kafka.KafkaForwarder;
import io.fogbridge.kafka.command.KafkaCommandConsumer;
import io.fogbridge.pipeline.Pipeline;
import io.fogbridge.spool.SegmentedSpool;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gateway: the spool, the pipeline, the MQTT bus (embedded broker or bridge to an
 * external one), the Kafka forwarder and the operations endpoints, wired from a {@link GatewayConfig}.
 *
 * <p>Start order is upstream-last: spool, forwarder, then the MQTT bus, so nothing is acknowledged
 * before the whole path stands. While the broker starts (most of the start-up time, on threads of its own) the
 * gateway binds its meters and prepares the ops server; the command path, the device adapters and {@code /readyz}
 * follow once the broker listens. Close order is the reverse: stop accepting, let the forwarder
 * commit what Kafka acknowledged, then close the spool. Each stage is built by a class of its own
 * ({@link SpoolStage}, {@link ForwarderStage}, {@link ReductionStage}, {@link TwinStage}, {@link MqttBus},
 * {@link CommandPath}, {@link DeviceAdapters}, {@link OpsEndpoints}); this class only says the order. Thread-safe for {@link #close()}; accessors may be
 * called from any thread.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final Clock clock;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StartedStages stages = new StartedStages();
    private SegmentedSpool spool;
    private KafkaForwarder forwarder;
    private MqttBus bus;
    private DeviceActivity activity;
    private CommandRouter commands;
    private KafkaCommandConsumer commandConsumer;
    private DeviceAdapters adapters;
    private volatile Pipeline pipeline;
    private volatile DiscoveryStage discovery;
    /** The {@code discovery} list in force: the start config's, then each live change's. */
    private List<DiscoveryScan> discoveryInForce;

    private OpsServer ops;
    private volatile boolean closed;

    private Gateway(GatewayConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Starts every stage; on failure stops what was started and rethrows. */
    public static Gateway start(GatewayConfig config) throws Exception {
        return start(config, Clock.systemUTC());
    }

    /**
     * As {@link #start(GatewayConfig)}, with the wall clock the embedded MQTT broker (arrival times), the spool
     * ({@code spool.maxAge}) and the forwarder (record lag) read. Fault tests step it as NTP would, forwards and backwards; elapsed-time decisions
     * stay on the monotonic system ticker, as in production.
     */
    public static Gateway start(GatewayConfig config, Clock clock) throws Exception {
        if (config.kafka().bootstrapServers() == null) {
            throw new IllegalArgumentException("kafka.bootstrapServers is not set");
        }
        Gateway gateway = new Gateway(config, clock);
        try {
            gateway.startStages();
            return gateway;
        } catch (Exception | Error e) {
            gateway.close();
            throw e;
        }
    }

    private void startStages() throws Exception {
        StartupTimeline timeline = new StartupTimeline();
        timeline.record("jvm+config", 0, StartupTimeline.sinceJvmStart());
        // Read before anything starts: a missing token file must not leave a half-started gateway behind.
        BearerToken opsToken = config.http().bearerToken();
        // Before any stage registers a meter: a filter applies only to meters registered after it.
        registry.config().commonTags("gateway", config.gateway().id());
        Path dataDir = Files.createDirectories(config.gateway().dataDir());
        spool = timeline.time(
                "spool", () -> SpoolStage.open(config.spool(), dataDir.resolve("spool"), clock, registry, stages));
        forwarder = timeline.time("kafka", () -> ForwarderStage.start(config, spool, clock, registry, stages));
        pipeline = ReductionStage.pipeline(config, spool, clock, registry, stages);
        activity = new DeviceActivity(pipeline, clock::millis);
        pipeline.watchSuppressed(activity::suppressed);
        TwinStage.Front front = TwinStage.start(config, activity, clock, registry, stages);
        bus = MqttBus.create(
                config, SpoolStage.workDir(spool, dataDir, stages), front.sessions(), clock, registry, stages);
        // The broker's start is most of the gateway's (its own class loading and wiring, on threads of its own);
        // the steps below need only the bus built, not listening, so they run meanwhile.
        Future<Void> busStarted = startInBackground("mqtt", timeline, () -> bus.start(front.uplink()));
        OpsServer preparedOps;
        try {
            timeline.time("meters", () -> {
                bindProcessMeters();
                return null;
            });
            preparedOps = timeline.time("ops-prepare", () -> OpsEndpoints.prepare(this, opsToken, stages));
        } catch (Exception | Error e) {
            // The broker may still be starting: let it finish first, or the close that follows this failure would
            // find it not yet listening, and it would go on to bind its port with no one left to close it.
            awaitQuietly(busStarted);
            throw e;
        }
        awaitStarted(busStarted);
        OnboardingStage.start(config, bus.devices(), dataDir, clock, registry, stages);
        CommandPath.Started commandPath =
                timeline.time("commands", () -> CommandPath.start(config, dataDir, bus, spool, registry, stages));
        commands = commandPath.router();
        commandConsumer = commandPath.consumer();
        adapters = timeline.time(
                "adapters",
                () -> DeviceAdapters.start(config, front.uplink(), bus.devices(), commands, registry, stages));
        discovery = DiscoveryStage.start(config, clock, registry, stages);
        discoveryInForce = config.discovery();
        ops = timeline.time("ops", () -> OpsEndpoints.start(this, preparedOps));
        log.info(
                "gateway {} started: mqtt {} , kafka {}, ops http://{}:{}/readyz",
                config.gateway().id(),
                config.mqtt().externalMode() ? config.mqtt().external().uri() : mqttPorts(),
                config.kafka().bootstrapServers(),
                config.http().host(),
                ops.port());
        log.info(
                "started {} ms after the JVM; ms since the JVM started: {}",
                StartupTimeline.sinceJvmStart(),
                timeline.describe());
        // After the start, not during it: its Kafka admin client would compete for the same two cores.
        RouteTargetCheck.logInBackground(config);
    }

    /** Runs {@code step} on a thread of its own, timed; {@link #awaitStarted} rethrows what it threw. */
    private static Future<Void> startInBackground(String name, StartupTimeline timeline, Step step) {
        FutureTask<Void> task = new FutureTask<>(() -> timeline.time(name, () -> {
            step.run();
            return null;
        }));
        Thread thread = new Thread(task, "fogbridge-start-" + name);
        thread.setDaemon(true);
        thread.start();
        return task;
    }

    private static void awaitStarted(Future<Void> started) throws Exception {
        try {
            started.get();
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case Exception cause -> throw cause;
                case Error error -> throw error;
                default -> throw e;
            }
        }
    }

    /** Waits for {@code started} to end, whatever its outcome: the failure being handled is the one to report. */
    private static void awaitQuietly(Future<Void> started) {
        try {
            started.get();
        } catch (ExecutionException ignored) {
            // its own failure, second to the one being thrown
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private void bindProcessMeters() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /**
     * The running device adapter of that name ({@code http}, {@code coap} …, as its factory names it).
     *
     * @throws java.util.NoSuchElementException no such adapter is enabled
     */
    public ProtocolAdapter adapter(String name) {
        return adapters.named(name)
                .orElseThrow(() -> new java.util.NoSuchElementException(
                        "no device adapter '" + name + "' is running (is adapters." + name + ".enabled set?)"));
    }

    /** The running device adapter of that name, as its concrete type; see {@link #adapter(String)}. */
    public <A extends ProtocolAdapter> A adapter(String name, Class<A> type) {
        return type.cast(adapter(name));
    }

    /** Ports the embedded broker listens on, as bound; empty in external mode. */
    public List<Integer> mqttPorts() {
        return bus == null ? List.of() : bus.ports();
    }

    /**
     * Applies the keys of {@code next} that a running gateway can change ({@link LiveConfig#LIVE_KEYS}): routes and
     * labels to the messages accepted from now on, and each adapter section {@code adapters} names ({@code modbus} …)
     * by replacing that adapter (see {@link AdapterSlot}). Every other adapter and device connection stays; {@link
     * #adapter(String)} returns the new adapter from then on. {@link #config()} stays the config it started with. The
     * caller checked that nothing else differs, and that the named adapters' factories allow replacing them
     * ({@link LiveConfig}). Serialised with {@link #close()}: a gateway closed meanwhile applies nothing.
     *
     * @return the adapter sections whose new adapter did not start (the previous settings run again, or none)
     */
    public synchronized List<String> applyLive(GatewayConfig next, Set<String> adapterSections) {
        if (closed) {
            return List.of();
        }
        pipeline.reroute(next.routeTable(), next.enricher());
        if (!next.discovery().equals(discoveryInForce)) {
            replaceDiscovery(next);
        }
        if (adapterSections.isEmpty() || adapters == null) {
            return List.of();
        }
        List<String> refused = adapters.replace(next, adapterSections);
        OpsEndpoints.checkAdapters(ops, adapters.slots());
        return refused;
    }

    /** Closes the scans in force and starts those of {@code next}: their schedules start afresh. */
    private void replaceDiscovery(GatewayConfig next) {
        DiscoveryStage running = discovery;
        discovery = null;
        if (running != null) {
            stages.forget(running); // or each live change would leave one more closed stage for shutdown to close
            try {
                running.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        discovery = DiscoveryStage.start(next, clock, registry, stages);
        discoveryInForce = next.discovery();
        log.info(
                "discovery: {} scan(s) in force after a live change",
                next.discovery().size());
    }

    /** {@link #applyLive(GatewayConfig, Set)} of routes and labels only. */
    public void applyLive(GatewayConfig next) {
        applyLive(next, Set.of());
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
        return bus.adapter();
    }

    /** Where polling adapters (HTTP/CoAP {@code ttd}) pick up commands; null when {@code commands.enabled} is false. */
    public CommandInbox commandInbox() {
        return commands;
    }

    /** The command router; null when {@code commands.enabled} is false. */
    public CommandRouter commandRouter() {
        return commands;
    }

    /** The Kafka consumer of commands; null when {@code commands.enabled} is false. */
    KafkaCommandConsumer commandConsumer() {
        return commandConsumer;
    }

    /** What each device sent lately (the console's devices page). */
    DeviceActivity deviceActivity() {
        return activity;
    }

    /** The latest round of each scheduled field scan ({@code discovery}); empty without scans or before the first. */
    List<ScheduledScans.Round> discoveryRounds() {
        DiscoveryStage scans = discovery;
        return scans == null ? List.of() : scans.scans().latest();
    }

    /** The registry of devices the MQTT bus and the adapters authenticate against. */
    DeviceDirectory deviceDirectory() {
        return bus.devices();
    }

    /** The Kubernetes device directory's {@code /readyz} line; empty for a registry file or none. */
    Optional<ReadinessCheck> deviceDirectoryCheck() {
        return Optional.ofNullable(bus.directoryCheck());
    }

    Clock clock() {
        return clock;
    }

    public OpsServer ops() {
        return ops;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * The running device adapters (not the MQTT bus), in the order their factories were found; a live change may
     * replace them later (ask again rather than keep the list).
     */
    public List<ProtocolAdapter> deviceAdapters() {
        return adapters == null ? List.of() : adapters.started();
    }

    /** Where each device adapter runs, including those off that a live change may turn on. */
    List<AdapterSlot> adapterSlots() {
        return adapters == null ? List.of() : adapters.slots();
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stages.closeAll();
        registry.close();
    }
}
