package io.fogbridge.adapters.coap;

import io.fogbridge.adapters.AdapterMetrics;
import io.fogbridge.adapters.DeviceUplink;
import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.device.DeviceDirectory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.InMemoryMessageExchangeStore;
import org.eclipse.californium.core.network.RandomTokenGenerator;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.UDPConnector;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CoAP device adapter (Californium): {@code POST /telemetry}, {@code /event} and {@code /command/res/…} (see
 * {@link io.fogbridge.adapters.DeviceResource}), over plain UDP (anonymous local senders only, where allowed) and
 * over DTLS with pre-shared keys (identity {@code device@tenant}, keys from {@link PskKeys}; a key file is watched and
 * changes apply without a restart, see {@link PskFileWatcher}). Responses: 2.04 after
 * the durable append (see {@link DeviceCoapResource} for how the ACK is held back), 4.00, 4.01, 4.03, 4.13, 5.03.
 *
 * <p>Californium's configuration is built in code ({@link Configuration#createStandardWithoutFile()}): it never
 * reads or writes a {@code Californium3.properties} in the working directory.
 *
 * <p><b>Bounded under flood</b> ({@link CoapLimits}; README, "Memory budget"). Every received datagram passes a
 * {@link SourceRateLimit} on the connector's receiver thread before Californium parses or queues it
 * ({@link RateLimitedConnector}); over the limit it is dropped, unanswered, and counted. On a plain endpoint that takes
 * no anonymous senders every request is refused 4.01 without any state ({@link UnauthenticatedRefusal}). What is let
 * in is remembered for retransmissions by a {@link BoundedDeduplicator} (Californium's own keep every message for the
 * exchange lifetime, however many arrive), without their payloads (Californium's message offloading, and {@link
 * DeviceCoapResource} for an assembled block-wise body). Peers with state
 * (message-id trackers, DTLS connections) are capped at {@code maxPeers}; block-wise transfers in progress, each
 * holding a buffer of up to the payload limit, at {@code maxBlockwiseUploads} per endpoint ({@link BlockwiseBound});
 * requests waiting for a command at {@code maxTtdWaiting}, one per device ({@link TtdWaiters}); the connector's
 * outbound queue at {@value #OUTBOUND_QUEUE} datagrams.
 *
 * <p>Meters (besides {@link AdapterMetrics}): {@code fogbridge.coap.dropped} (tag {@code reason}: {@code source-rate},
 * {@code total-rate}), {@code fogbridge.coap.sources} (sources tracked), {@code fogbridge.coap.exchanges} (exchanges
 * remembered, all endpoints) and {@code fogbridge.coap.exchanges.evicted} (forgotten early because full).
 *
 * <p>Lifecycle: {@link #start} once, {@link #close} once. Thread-safe.
 */
public final class CoapAdapter implements ProtocolAdapter {

    private static final Logger log = LoggerFactory.getLogger(CoapAdapter.class);

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    /** Datagrams waiting for the sender thread; beyond, a send fails (Californium's default is unbounded). */
    static final int OUTBOUND_QUEUE = 1024;

    private final CoapAdapterOptions options;
    private final MeterRegistry registry;
    private final SourceRateLimit rateLimit;
    private final List<BoundedDeduplicator> deduplicators = new CopyOnWriteArrayList<>();
    private final DeviceDirectory directory;
    private final CommandInbox inbox;
    private final AdapterMetrics metrics;
    private final TtdWaiters waiters;
    private CoapServer server;
    private CoapEndpoint plain;
    private CoapEndpoint dtls;
    private PskFileWatcher pskWatch;
    private volatile boolean ready;

    /**
     * @param inboxOrNull where {@code ttd} requests pick up commands; null = {@code ttd} is accepted and ignored
     * @param metricsOrNull null = no metrics
     */
    public CoapAdapter(
            CoapAdapterOptions options,
            DeviceDirectory directory,
            CommandInbox inboxOrNull,
            MeterRegistry metricsOrNull) {
        this.options = options;
        this.directory = directory;
        this.inbox = inboxOrNull;
        this.metrics = new AdapterMetrics("coap", metricsOrNull);
        this.registry = metricsOrNull;
        CoapLimits limits = options.limits();
        this.rateLimit = new SourceRateLimit(
                limits.sourceRate(), limits.sourceBurst(), limits.maxSources(), limits.totalRate(), System::nanoTime);
        this.waiters = new TtdWaiters(limits.maxTtdWaiting());
    }

    /** The largest request payload an exchange remembered for retransmissions holds (at most one block). */
    int rememberedPayloadBytes() {
        return deduplicators.stream()
                .mapToInt(BoundedDeduplicator::largestRequestPayload)
                .max()
                .orElse(0);
    }

    /** Block-wise transfers in progress per endpoint ({@link BlockwiseBound}). */
    int blockwiseUploads() {
        return options.limits().blockwiseUploads(options.maxPayloadBytes());
    }

    @Override
    public String name() {
        return "coap";
    }

    @Override
    public synchronized void start(Uplink uplink) throws Exception {
        Configuration config = Configuration.createStandardWithoutFile();
        int bodyLimit = (int) Math.min(Integer.MAX_VALUE, options.maxPayloadBytes());
        config.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, bodyLimit); // block-wise uploads stop at the limit (4.13)
        // An exchange stays in the deduplicator for the exchange lifetime after it was answered, only to answer a
        // retransmission with the same response: it need not keep the request's payload nor its options (the body a
        // block-wise upload assembled is dropped by DeviceCoapResource, which Californium's offloading misses).
        config.set(CoapConfig.USE_MESSAGE_OFFLOADING, true);
        config.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY);
        config.set(CoapConfig.MAX_ACTIVE_PEERS, options.limits().maxPeers());
        config.set(DtlsConfig.DTLS_MAX_CONNECTIONS, options.limits().maxPeers());
        config.set(UdpConfig.UDP_CONNECTOR_OUT_CAPACITY, OUTBOUND_QUEUE);
        server = new CoapServer(config);
        if (options.port() >= 0) {
            Connector udp = new RateLimitedConnector(
                    new UDPConnector(new InetSocketAddress(options.host(), options.port()), config), rateLimit);
            plain = endpoint(config, udp);
            if (!options.anonymousAllowed()) {
                plain.addInterceptor(new UnauthenticatedRefusal(udp, metrics));
            }
            server.addEndpoint(plain);
        }
        if (options.dtlsPort() >= 0) {
            AdvancedMultiPskStore store = new AdvancedMultiPskStore();
            for (Map.Entry<String, byte[]> key : options.psk().keys().entrySet()) {
                store.setKey(key.getKey(), key.getValue());
            }
            DtlsConnectorConfig dtlsConfig = DtlsConnectorConfig.builder(config)
                    .setAddress(new InetSocketAddress(options.host(), options.dtlsPort()))
                    .setAdvancedPskStore(store)
                    .build();
            DTLSConnector connector = new DTLSConnector(dtlsConfig);
            dtls = endpoint(config, new RateLimitedConnector(connector, rateLimit));
            server.addEndpoint(dtls);
            if (options.psk().file() != null) {
                pskWatch =
                        new PskFileWatcher(options.psk(), pskTarget(store, connector), PskFileWatcher.DEFAULT_INTERVAL);
            }
        }
        DeviceUplink deviceUplink =
                new DeviceUplink(uplink, options.maxPayloadBytes(), options.ackTimeout(), Clock.systemUTC());
        for (String name : new String[] {"telemetry", "event", "command"}) {
            server.add(new DeviceCoapResource(
                    name,
                    deviceUplink,
                    directory,
                    inbox,
                    options.maxTtd(),
                    options.anonymousAllowed(),
                    metrics,
                    waiters));
        }
        server.start();
        registerMeters();
        if (pskWatch != null) {
            pskWatch.start();
        }
        ready = true;
        log.info(
                "CoAP device adapter on {}{}{}",
                plain == null ? "" : "coap://" + options.host() + ":" + port(),
                plain != null && dtls != null ? " and " : "",
                dtls == null
                        ? ""
                        : "coaps://" + options.host() + ":" + dtlsPort() + " (PSK, "
                                + options.psk().size() + " keys)");
    }

    private CoapEndpoint endpoint(Configuration config, Connector connector) {
        InMemoryMessageExchangeStore exchanges =
                new InMemoryMessageExchangeStore(config, new RandomTokenGenerator(config));
        BoundedDeduplicator deduplicator = new BoundedDeduplicator(
                options.limits().maxExchanges(),
                config.get(CoapConfig.EXCHANGE_LIFETIME, TimeUnit.NANOSECONDS),
                config.get(CoapConfig.MARK_AND_SWEEP_INTERVAL, TimeUnit.MILLISECONDS),
                config.get(CoapConfig.DEDUPLICATOR_AUTO_REPLACE),
                System::nanoTime);
        exchanges.setDeduplicator(deduplicator);
        deduplicators.add(deduplicator);
        return CoapEndpoint.builder()
                .setConfiguration(config)
                .setConnector(connector)
                .setMessageExchangeStore(exchanges)
                .setCoapStackFactory(new BlockwiseBound(blockwiseUploads()))
                .build();
    }

    private void registerMeters() {
        if (registry == null) {
            return;
        }
        FunctionCounter.builder("fogbridge.coap.dropped", rateLimit, SourceRateLimit::droppedBySource)
                .description("datagrams dropped unanswered by the CoAP rate limits")
                .tag("reason", "source-rate")
                .register(registry);
        FunctionCounter.builder("fogbridge.coap.dropped", rateLimit, SourceRateLimit::droppedByTotal)
                .description("datagrams dropped unanswered by the CoAP rate limits")
                .tag("reason", "total-rate")
                .register(registry);
        Gauge.builder("fogbridge.coap.sources", rateLimit, SourceRateLimit::sources)
                .description("sources whose CoAP request rate is tracked")
                .register(registry);
        Gauge.builder("fogbridge.coap.exchanges", deduplicators, list -> list.stream()
                        .mapToInt(BoundedDeduplicator::size)
                        .sum())
                .description("received CoAP exchanges remembered to answer retransmissions")
                .register(registry);
        FunctionCounter.builder("fogbridge.coap.exchanges.evicted", deduplicators, list -> list.stream()
                        .mapToLong(BoundedDeduplicator::evicted)
                        .sum())
                .description("remembered CoAP exchanges forgotten early because the bound was reached")
                .register(registry);
    }

    private static PskFileWatcher.Target pskTarget(AdvancedMultiPskStore store, DTLSConnector connector) {
        return new PskFileWatcher.Target() {
            @Override
            public void setKey(String identity, byte[] key) {
                store.setKey(identity, key);
            }

            @Override
            public void removeKey(String identity) {
                store.removeKey(identity);
            }

            @Override
            public void dropSessions(String identity) {
                connector.startDropConnectionsForPrincipal(new PreSharedKeyIdentity(identity));
            }
        };
    }

    /** The plain CoAP port bound, or -1. */
    public int port() {
        return plain == null ? -1 : plain.getAddress().getPort();
    }

    /** The DTLS port bound, or -1. */
    public int dtlsPort() {
        return dtls == null ? -1 : dtls.getAddress().getPort();
    }

    @Override
    public boolean ready() {
        return ready && server.isRunning();
    }

    @Override
    public synchronized void close() {
        ready = false;
        if (pskWatch != null) {
            pskWatch.close();
        }
        if (server != null) {
            server.destroy();
        }
    }
}
