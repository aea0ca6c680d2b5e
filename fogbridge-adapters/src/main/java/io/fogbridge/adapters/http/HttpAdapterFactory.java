package io.fogbridge.adapters.http;

import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.adapter.AdapterContext;
import io.fogbridge.api.adapter.AdapterFactory;
import io.fogbridge.api.adapter.DeviceLimits;
import io.fogbridge.api.config.ConfigSection;

/** Makes the {@link HttpAdapter} from {@code adapters.http}; registered as a service. Stateless. */
public final class HttpAdapterFactory implements AdapterFactory<HttpAdapterSettings> {

    private static final HttpAdapterSection SECTION = new HttpAdapterSection();

    @Override
    public String name() {
        return "http";
    }

    @Override
    public ConfigSection<HttpAdapterSettings> section() {
        return SECTION;
    }

    @Override
    public boolean enabled(HttpAdapterSettings settings) {
        return settings.enabled();
    }

    @Override
    public ProtocolAdapter create(HttpAdapterSettings settings, AdapterContext context) throws Exception {
        return new HttpAdapter(
                options(settings, context.limits()), context.devices(), context.commands(), context.meters());
    }

    static HttpAdapterOptions options(HttpAdapterSettings settings, DeviceLimits limits) throws Exception {
        HttpAdapterOptions options = new HttpAdapterOptions(
                settings.host(),
                settings.port(),
                limits.maxPayloadBytes(),
                limits.ackTimeout(),
                limits.maxTtd(),
                settings.anonymous(),
                null,
                false,
                settings.maxTtdWaiting(),
                0,
                settings.maxConnections());
        if (settings.keyStore() == null) {
            return options;
        }
        String password = settings.keyStorePassword();
        return options.withTls(
                HttpTls.context(
                        settings.keyStore(),
                        password == null ? new char[0] : password.toCharArray(),
                        settings.clientCaFile()),
                settings.clientCaFile() != null);
    }
}
