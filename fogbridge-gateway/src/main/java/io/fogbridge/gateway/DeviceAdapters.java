package io.fogbridge.gateway;

import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.adapter.AdapterContext;
import io.fogbridge.api.adapter.ConfiguredAdapter;
import io.fogbridge.api.adapter.DeviceLimits;
import io.fogbridge.api.device.DeviceDirectory;
import io.fogbridge.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The device adapters ({@code adapters.*}) the configuration enables, whatever their protocol: each was found through
 * its {@link io.fogbridge.api.adapter.AdapterFactory} and configured by its own section. Started after the command
 * router so {@code ttd} requests can pick up commands; they share the MQTT bus's device directory, size limit and ack
 * timeout, and one scheduler that closes after them.
 *
 * @param started the running adapters, in the order their factories were found
 */
record DeviceAdapters(List<ProtocolAdapter> started) {

    DeviceAdapters {
        started = List.copyOf(started);
    }

    /** Starts the enabled adapters on {@code pipeline}; {@code commands} may be null (no {@code ttd} pickup). */
    static DeviceAdapters start(
            GatewayConfig config,
            Uplink pipeline,
            DeviceDirectory devices,
            CommandInbox commands,
            MeterRegistry registry,
            StartedStages stages)
            throws Exception {
        List<ConfiguredAdapter<?>> enabled =
                config.adapters().stream().filter(ConfiguredAdapter::enabled).toList();
        if (enabled.isEmpty()) {
            return new DeviceAdapters(List.of());
        }
        ScheduledExecutorService scheduler = new ErrorSurfacingScheduler("fogbridge-adapters-timer");
        stages.push(scheduler::shutdownNow); // pushed first, so it closes after every adapter
        AdapterContext context = new AdapterContext(
                pipeline,
                commands,
                devices,
                registry,
                Clock.systemUTC(),
                scheduler,
                new DeviceLimits(config.devices().maxPayload(), config.devices().ackTimeout(), config.adapterMaxTtd()),
                config.gateway().dataDir());
        List<ProtocolAdapter> started = new ArrayList<>();
        for (ConfiguredAdapter<?> adapter : enabled) {
            ProtocolAdapter created = stages.push(adapter.create(context));
            created.start(pipeline);
            started.add(created);
        }
        return new DeviceAdapters(started);
    }

    /** The running adapter of that name ({@code http}, {@code coap} …); empty when it is not enabled. */
    Optional<ProtocolAdapter> named(String name) {
        return started.stream().filter(a -> a.name().equals(name)).findFirst();
    }
}
