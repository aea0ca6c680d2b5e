package io.fogbridge.gateway;

import io.fogbridge.adapters.coap.CoapAdapter;
import io.fogbridge.adapters.coap.CoapAdapterOptions;
import io.fogbridge.adapters.coap.PskKeys;
import io.fogbridge.adapters.http.HttpAdapter;
import io.fogbridge.adapters.http.HttpAdapterOptions;
import io.fogbridge.adapters.http.HttpTls;
import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.device.DeviceDirectory;
import io.fogbridge.gateway.config.AdapterSettings;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.pipeline.Pipeline;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP and CoAP device adapters ({@code adapters.*}), started after the command router so {@code ttd} requests
 * can pick up commands. They share the MQTT broker's registry, size limit and ack timeout.
 *
 * @param http the HTTP adapter; null unless {@code adapters.http.enabled}
 * @param coap the CoAP adapter; null unless {@code adapters.coap.enabled}
 */
record DeviceAdapters(HttpAdapter http, CoapAdapter coap) {

    /** Starts the enabled adapters on {@code pipeline}; {@code commands} may be null (no {@code ttd} pickup). */
    static DeviceAdapters start(
            GatewayConfig config,
            Pipeline pipeline,
            DeviceDirectory devices,
            CommandInbox commands,
            MeterRegistry registry,
            StartedStages stages)
            throws Exception {
        AdapterSettings settings = config.adapters();
        long maxPayload = config.mqtt().maxPayload();
        Duration ackTimeout = config.mqtt().ackTimeout();
        HttpAdapter http = null;
        if (settings.httpEnabled()) {
            http = stages.push(
                    new HttpAdapter(httpOptions(settings, maxPayload, ackTimeout), devices, commands, registry));
            http.start(pipeline);
        }
        CoapAdapter coap = null;
        if (settings.coapEnabled()) {
            coap = stages.push(
                    new CoapAdapter(coapOptions(settings, maxPayload, ackTimeout), devices, commands, registry));
            coap.start(pipeline);
        }
        return new DeviceAdapters(http, coap);
    }

    /** The started adapters, HTTP first. */
    List<ProtocolAdapter> list() {
        List<ProtocolAdapter> adapters = new ArrayList<>();
        if (http != null) {
            adapters.add(http);
        }
        if (coap != null) {
            adapters.add(coap);
        }
        return adapters;
    }

    private static HttpAdapterOptions httpOptions(AdapterSettings settings, long maxPayload, Duration ackTimeout)
            throws Exception {
        HttpAdapterOptions options = new HttpAdapterOptions(
                settings.httpHost(),
                settings.httpPort(),
                maxPayload,
                ackTimeout,
                settings.maxTtd(),
                settings.httpAnonymous(),
                null,
                false);
        if (settings.httpKeyStore() == null) {
            return options;
        }
        String password = settings.httpKeyStorePassword();
        return options.withTls(
                HttpTls.context(
                        settings.httpKeyStore(),
                        password == null ? new char[0] : password.toCharArray(),
                        settings.httpClientCaFile()),
                settings.httpClientCaFile() != null);
    }

    private static CoapAdapterOptions coapOptions(AdapterSettings settings, long maxPayload, Duration ackTimeout)
            throws Exception {
        PskKeys keys = settings.coapPskFile() == null ? null : PskKeys.load(settings.coapPskFile());
        return new CoapAdapterOptions(
                settings.coapHost(),
                settings.coapPort(),
                keys == null ? -1 : settings.coapDtlsPort(),
                keys,
                maxPayload,
                ackTimeout,
                settings.maxTtd(),
                settings.coapAnonymous());
    }
}
