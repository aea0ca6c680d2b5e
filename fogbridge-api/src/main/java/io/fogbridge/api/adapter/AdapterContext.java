package io.fogbridge.api.adapter;

import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.device.DeviceDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the gateway hands an adapter it creates ({@link AdapterFactory#create}). Immutable; every part is shared with
 * the other adapters and outlives them.
 *
 * @param uplink    where the adapter's messages go; answers with the outcome to give the sender (see
 *                  {@link io.fogbridge.api.ProtocolAdapter} for what each outcome obliges the adapter to do)
 * @param commands  commands waiting for polling devices ({@code ttd}); null when downlink commands are off
 * @param devices   who the devices are and how they authenticate; empty when no registry is configured
 * @param meters    where the adapter registers its meters (name them {@code fogbridge.<adapter>.*}); never null: a
 *                  registry that records nothing when the gateway keeps no metrics
 * @param clock     the time for credential windows, timestamps and poll schedules; tests move it
 * @param scheduler the gateway's shared timer for polls and retries: schedule short, non-blocking tasks only (hand
 *                  blocking I/O to threads of your own); the gateway shuts it down after every adapter closed, so
 *                  an adapter cancels its own tasks in {@code close} and never shuts it down itself
 * @param limits    payload size, durable-ack wait and longest {@code ttd}, the same for every protocol
 * @param dataDir   {@code gateway.dataDir}: an adapter that keeps files (the OPC UA converter's certificates) keeps
 *                  them in a folder named after it under this; null when the caller has none (tests of adapters that
 *                  keep no files), and an adapter that needs it then refuses in {@code create}
 */
public record AdapterContext(
        Uplink uplink,
        CommandInbox commands,
        DeviceDirectory devices,
        MeterRegistry meters,
        Clock clock,
        ScheduledExecutorService scheduler,
        DeviceLimits limits,
        Path dataDir) {

    /** A context without a data directory, for adapters that keep no files. */
    public AdapterContext(
            Uplink uplink,
            CommandInbox commands,
            DeviceDirectory devices,
            MeterRegistry meters,
            Clock clock,
            ScheduledExecutorService scheduler,
            DeviceLimits limits) {
        this(uplink, commands, devices, meters, clock, scheduler, limits, null);
    }

    public AdapterContext {
        Objects.requireNonNull(uplink, "uplink");
        devices = devices == null ? DeviceDirectory.empty() : devices;
        meters = meters == null ? new CompositeMeterRegistry() : meters; // no children: records nothing
        clock = clock == null ? Clock.systemUTC() : clock;
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(limits, "limits");
    }
}
