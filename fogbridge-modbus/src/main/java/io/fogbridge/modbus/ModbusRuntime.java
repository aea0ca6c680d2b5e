package io.fogbridge.modbus;

import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.Uplink;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every {@link DeviceSession} of one adapter shares. Immutable.
 *
 * @param scheduler the gateway's timer thread: the sessions' loop (see {@link DeviceSession})
 * @param commands  where write commands wait; null when the gateway runs without downlink commands
 * @param maxTtd    how long one wait for a command lasts before it is renewed
 */
record ModbusRuntime(
        ModbusSettings settings,
        Uplink uplink,
        ScheduledExecutorService scheduler,
        Clock clock,
        ModbusMetrics metrics,
        CommandInbox commands,
        Duration maxTtd) {}
