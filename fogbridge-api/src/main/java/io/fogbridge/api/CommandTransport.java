package io.fogbridge.api;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A device-facing protocol that can push a {@link Command} to a connected device (MQTT). Polling
 * protocols (HTTP and CoAP with {@code ttd}) do not implement this; they pick commands up through
 * the {@link CommandInbox}.
 *
 * <p><b>Threads.</b> Implementations are thread-safe. Neither method blocks on I/O: {@code serves}
 * is a cheap in-memory check, {@code deliver} starts the send and returns.
 *
 * <p><b>Lifecycle.</b> The gateway creates the transport with its adapter and hands it to the command
 * router before the router starts consuming. After the adapter is closed, {@code deliver} completes
 * with {@link DeliveryResult.NotConnected}.
 */
public interface CommandTransport {

    /** A short name for logs and metrics, such as {@code mqtt}. */
    String name();

    /**
     * True when the device is reachable on this transport now (MQTT: connected and subscribed to its
     * command topic). A true answer may be stale by the time {@code deliver} runs; {@code deliver}
     * then reports {@link DeliveryResult.NotConnected}.
     */
    boolean serves(String tenant, String device);

    /**
     * Sends the command to the device. The future completes with {@link DeliveryResult.Delivered}
     * once the device has it as surely as the protocol can say (MQTT QoS 1: on PUBACK),
     * {@link DeliveryResult.NotConnected} when the device is not (or no longer) reachable, or
     * {@link DeliveryResult.Failed} when it can never be delivered. It never completes
     * exceptionally; an unexpected error is reported as {@code Failed(503, reason)}. The transport
     * bounds the wait itself (a device that never acknowledges yields {@code NotConnected}).
     */
    CompletableFuture<DeliveryResult> deliver(Command command);

    /**
     * Registers the listener the transport calls with {@code (tenant, device)} whenever a device becomes
     * reachable (MQTT: it connected with, or subscribed to, its command topic), so pending commands go
     * out at once. Called once, before the router starts. The listener is thread-safe and returns
     * quickly. Transports that cannot tell may keep the default: the router also retries pending
     * commands periodically.
     */
    default void onReachable(BiConsumer<String, String> listener) {}
}
