package io.fogbridge.adapters.coap;

import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.adapter.AdapterContext;
import io.fogbridge.api.adapter.AdapterFactory;
import io.fogbridge.api.adapter.DeviceLimits;
import io.fogbridge.api.config.ConfigSection;

/** Makes the {@link CoapAdapter} from {@code adapters.coap}; registered as a service. Stateless. */
public final class CoapAdapterFactory implements AdapterFactory<CoapAdapterSettings> {

    private static final CoapAdapterSection SECTION = new CoapAdapterSection();

    @Override
    public String name() {
        return "coap";
    }

    @Override
    public ConfigSection<CoapAdapterSettings> section() {
        return SECTION;
    }

    @Override
    public boolean enabled(CoapAdapterSettings settings) {
        return settings.enabled();
    }

    /** Reads the PSK file now: a missing or broken key file stops the gateway from starting, as before. */
    @Override
    public ProtocolAdapter create(CoapAdapterSettings settings, AdapterContext context) throws Exception {
        return new CoapAdapter(
                options(settings, context.limits()), context.devices(), context.commands(), context.meters());
    }

    static CoapAdapterOptions options(CoapAdapterSettings settings, DeviceLimits limits) throws Exception {
        PskKeys keys = settings.pskFile() == null ? null : PskKeys.load(settings.pskFile());
        return new CoapAdapterOptions(
                settings.host(),
                settings.port(),
                keys == null ? -1 : settings.dtlsPort(),
                keys,
                limits.maxPayloadBytes(),
                limits.ackTimeout(),
                limits.maxTtd(),
                settings.anonymous(),
                settings.limits());
    }
}
