package io.fogbridge.command;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * Settings of a {@link CommandRouter}.
 *
 * @param gatewayId       this gateway's id, in the {@code gateway_id} header of failure responses
 * @param storeDir        directory of the durable pending-command store
 * @param maxPending      how many commands may wait at most; beyond, new ones fail with 503
 * @param maxPendingBytes how many bytes the waiting commands may take in the store (payload plus about 100 bytes
 *                        each); a command that would pass it fails with 413
 * @param maxPayload      the largest command payload taken; a larger one fails with 413 and is never stored
 * @param unknownDevices  what to do with a command for a device this gateway does not know
 * @param registered      whether the registry knows a device ({@code (tenant, device)}, directly or through
 *                        another device's {@code via}); must be cheap and thread-safe
 * @param retryInterval   how often expiries are checked and unreachable devices are tried again
 * @param lease           how long a command handed to a polling adapter stays reserved without an answer
 * @param clock           for deadlines; tests pass their own
 */
public record RouterOptions(
        String gatewayId,
        Path storeDir,
        int maxPending,
        long maxPendingBytes,
        long maxPayload,
        UnknownDevices unknownDevices,
        BiPredicate<String, String> registered,
        Duration retryInterval,
        Duration lease,
        Clock clock) {

    public static final long DEFAULT_MAX_PENDING_BYTES = 64L << 20;
    public static final long DEFAULT_MAX_PAYLOAD = 1L << 20;
    /** A command's payload must fit one store record with its head. */
    public static final long MAX_PAYLOAD_LIMIT = PendingCommandStore.MAX_RECORD - (1L << 20);

    /** The answer to a command for a device that is neither registered nor reachable here. */
    public enum UnknownDevices {
        /** Answer 404 (one gateway per tenant: an unknown device really is unknown). */
        REJECT,
        /** Skip it and count it (several gateways share the tenant; another one serves the device). */
        IGNORE
    }

    public RouterOptions {
        Objects.requireNonNull(gatewayId, "gatewayId");
        Objects.requireNonNull(storeDir, "storeDir");
        Objects.requireNonNull(unknownDevices, "unknownDevices");
        Objects.requireNonNull(registered, "registered");
        Objects.requireNonNull(retryInterval, "retryInterval");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(clock, "clock");
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1, got " + maxPending);
        }
        if (maxPayload < 0 || maxPayload > MAX_PAYLOAD_LIMIT) {
            throw new IllegalArgumentException(
                    "maxPayload must be 0-" + MAX_PAYLOAD_LIMIT + " bytes, got " + maxPayload);
        }
        if (maxPendingBytes < maxPayload) {
            throw new IllegalArgumentException("maxPendingBytes (" + maxPendingBytes + ") must be at least maxPayload ("
                    + maxPayload + "), or no command of that size could wait");
        }
    }

    /**
     * Defaults: 10,000 pending in at most 64 MiB, payloads up to 1 MiB, REJECT, retry every second, 30 s lease,
     * system clock.
     */
    public static RouterOptions of(String gatewayId, Path storeDir, BiPredicate<String, String> registered) {
        return new RouterOptions(
                gatewayId,
                storeDir,
                10_000,
                DEFAULT_MAX_PENDING_BYTES,
                DEFAULT_MAX_PAYLOAD,
                UnknownDevices.REJECT,
                registered,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                Clock.systemUTC());
    }

    public RouterOptions withMaxPending(int value) {
        return new RouterOptions(
                gatewayId,
                storeDir,
                value,
                maxPendingBytes,
                maxPayload,
                unknownDevices,
                registered,
                retryInterval,
                lease,
                clock);
    }

    /** Both byte bounds at once, since the one must hold the other. */
    public RouterOptions withByteLimits(long pendingBytes, long payload) {
        return new RouterOptions(
                gatewayId,
                storeDir,
                maxPending,
                pendingBytes,
                payload,
                unknownDevices,
                registered,
                retryInterval,
                lease,
                clock);
    }

    public RouterOptions withUnknownDevices(UnknownDevices value) {
        return new RouterOptions(
                gatewayId,
                storeDir,
                maxPending,
                maxPendingBytes,
                maxPayload,
                value,
                registered,
                retryInterval,
                lease,
                clock);
    }

    public RouterOptions withRetryInterval(Duration value) {
        return new RouterOptions(
                gatewayId,
                storeDir,
                maxPending,
                maxPendingBytes,
                maxPayload,
                unknownDevices,
                registered,
                value,
                lease,
                clock);
    }

    public RouterOptions withLease(Duration value) {
        return new RouterOptions(
                gatewayId,
                storeDir,
                maxPending,
                maxPendingBytes,
                maxPayload,
                unknownDevices,
                registered,
                retryInterval,
                value,
                clock);
    }

    public RouterOptions withClock(Clock value) {
        return new RouterOptions(
                gatewayId,
                storeDir,
                maxPending,
                maxPendingBytes,
                maxPayload,
                unknownDevices,
                registered,
                retryInterval,
                lease,
                value);
    }
}
