package io.fogbridge.modbus;

import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.adapter.AdapterContext;
import io.fogbridge.api.adapter.AdapterFactory;
import io.fogbridge.api.config.ConfigSection;
import java.util.Optional;

/**
 * Makes the {@link ModbusAdapter} from {@code adapters.modbus}; registered as a service. Its {@code plan} report is
 * the read plan ({@code fogbridge modbus plan <config>}). Stateless.
 */
public final class ModbusAdapterFactory implements AdapterFactory<ModbusSettings> {

    private static final ModbusSection SECTION = new ModbusSection();

    @Override
    public String name() {
        return "modbus";
    }

    @Override
    public ConfigSection<ModbusSettings> section() {
        return SECTION;
    }

    /** A client of its devices: it binds no port, and a new converter polls or subscribes again from scratch. */
    @Override
    public boolean replaceableWhileRunning() {
        return true;
    }

    @Override
    public boolean enabled(ModbusSettings settings) {
        return settings.enabled();
    }

    @Override
    public ProtocolAdapter create(ModbusSettings settings, AdapterContext context) {
        ModbusMetrics metrics = new ModbusMetrics(context.meters());
        return new ModbusAdapter(
                settings,
                uplink -> new ModbusRuntime(
                        settings,
                        uplink,
                        context.scheduler(),
                        context.clock(),
                        metrics,
                        context.commands(),
                        context.limits().maxTtd()));
    }

    @Override
    public Optional<String> report(String report, ModbusSettings settings) {
        return report.equals("plan") ? Optional.of(ReadPlanReport.of(settings)) : Optional.empty();
    }

    @Override
    public String describe(ModbusSettings settings) {
        return settings.toString();
    }
}
