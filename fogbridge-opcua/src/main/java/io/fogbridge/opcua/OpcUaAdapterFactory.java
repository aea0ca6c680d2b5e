package io.fogbridge.opcua;

import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.adapter.AdapterContext;
import io.fogbridge.api.adapter.AdapterFactory;
import io.fogbridge.api.config.ConfigSection;

/** Makes the {@link OpcUaAdapter} from {@code adapters.opcua}; registered as a service. Stateless. */
public final class OpcUaAdapterFactory implements AdapterFactory<OpcUaSettings> {

    private static final OpcUaSection SECTION = new OpcUaSection();

    @Override
    public String name() {
        return "opcua";
    }

    @Override
    public ConfigSection<OpcUaSettings> section() {
        return SECTION;
    }

    /** A client of its devices: it binds no port, and a new converter polls or subscribes again from scratch. */
    @Override
    public boolean replaceableWhileRunning() {
        return true;
    }

    @Override
    public boolean enabled(OpcUaSettings settings) {
        return settings.enabled();
    }

    @Override
    public ProtocolAdapter create(OpcUaSettings settings, AdapterContext context) {
        if (context.dataDir() == null) {
            throw new IllegalArgumentException(
                    "the OPC UA converter keeps its certificates under gateway.dataDir, and none was given");
        }
        OpcUaMetrics metrics = new OpcUaMetrics(context.meters());
        return new OpcUaAdapter(settings, uplink -> {
            OpcUaPki pki = OpcUaPki.open(context.dataDir());
            return new OpcUaRuntime(
                    settings,
                    uplink,
                    context.clock(),
                    metrics,
                    pki,
                    ApplicationIdentity.loadOrCreate(pki),
                    context.commands(),
                    context.limits().maxTtd(),
                    context.limits().maxPayloadBytes());
        });
    }

    @Override
    public String describe(OpcUaSettings settings) {
        return settings.toString();
    }
}
