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
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The device adapters ({@code adapters.*}) the configuration enables, whatever their protocol: each was found through
 * its {@link io.fogbridge.api.adapter.AdapterFactory} and configured by its own section. Started after the command
 * router so {@code ttd} requests can pick up commands; they share the MQTT bus's device directory, size limit and ack
 * timeout, and one scheduler that closes after them.
 *
 * <p>Each enabled adapter, and each adapter whose factory allows replacing it while the gateway runs (enabled or not,
 * so a live change can turn it on), has an {@link AdapterSlot}; {@link #replace} applies changed sections to those.
 * Thread-safe: the slots are fixed at start, and each guards its own adapter.
 *
 * @param slots one per adapter, in the order their factories were found
 */
record DeviceAdapters(List<AdapterSlot> slots) {

    DeviceAdapters {
        slots = List.copyOf(slots);
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
        List<ConfiguredAdapter<?>> slotted = config.adapters().stream()
                .filter(a -> a.enabled() || a.factory().replaceableWhileRunning())
                .toList();
        if (slotted.isEmpty()) {
            return new DeviceAdapters(List.of());
        }
        // A scheduler makes its thread at the first task: one for adapters that are off costs nothing.
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
        List<AdapterSlot> slots = new ArrayList<>();
        for (ConfiguredAdapter<?> adapter : slotted) {
            AdapterSlot slot = stages.push(new AdapterSlot(adapter, context));
            slot.start();
            slots.add(slot);
        }
        return new DeviceAdapters(slots);
    }

    /**
     * Replaces the adapters of the sections {@code changed} names ({@code modbus} …) with ones made from {@code next}.
     * The caller checked that their factories allow it.
     *
     * @return the names whose new section did not start (see {@link AdapterSlot#replace}); empty when all did
     */
    List<String> replace(GatewayConfig next, Set<String> changed) {
        List<String> refused = new ArrayList<>();
        for (AdapterSlot slot : slots) {
            if (!changed.contains(slot.name())) {
                continue;
            }
            ConfiguredAdapter<?> section = next.adapters().stream()
                    .filter(a -> a.name().equals(slot.name()))
                    .findFirst()
                    .orElseThrow();
            if (!slot.replace(section)) {
                refused.add(slot.name());
            }
        }
        return refused;
    }

    /** The running adapters, in the order their factories were found. */
    List<ProtocolAdapter> started() {
        return slots.stream().flatMap(s -> s.running().stream()).toList();
    }

    /** The running adapter of that name ({@code http}, {@code coap} …); empty when it is not enabled. */
    Optional<ProtocolAdapter> named(String name) {
        return slot(name).flatMap(AdapterSlot::running);
    }

    Optional<AdapterSlot> slot(String name) {
        return slots.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
