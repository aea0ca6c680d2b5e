package io.fogbridge.adapters.coap;

import io.fogbridge.adapters.AdapterMetrics;
import io.fogbridge.adapters.DeviceUplink;
import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.device.DeviceDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
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
 * <p>Lifecycle: {@link #start} once, {@link #close} once. Thread-safe.
 */
public final class CoapAdapter implements ProtocolAdapter {

    private static final Logger log = LoggerFactory.getLogger(CoapAdapter.class);

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private final CoapAdapterOptions options;
    private final DeviceDirectory directory;
    private final CommandInbox inbox;
    private final AdapterMetrics metrics;
    private CoapServer server;
    private Endpoint plain;
    private Endpoint dtls;
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
        config.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY);
        server = new CoapServer(config);
        if (options.port() >= 0) {
            plain = CoapEndpoint.builder()
                    .setConfiguration(config)
                    .setInetSocketAddress(new InetSocketAddress(options.host(), options.port()))
                    .build();
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
            dtls = CoapEndpoint.builder()
                    .setConfiguration(config)
                    .setConnector(connector)
                    .build();
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
                    name, deviceUplink, directory, inbox, options.maxTtd(), options.anonymousAllowed(), metrics));
        }
        server.start();
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
