package io.fogbridge.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where polling adapters (HTTP and CoAP with a {@code ttd}, "time till disconnect") pick up pending
 * commands for a device. The gateway's command router implements it and passes it to the adapters
 * it creates.
 *
 * <p><b>Hand-over protocol.</b> A command handed out by {@link #awaitCommand} is reserved for that
 * caller. The caller must then report exactly once: {@link #delivered} after the command went out
 * to the device (the HTTP/CoAP response carrying it was written), or {@link #notDelivered} when it
 * could not be (the device went away). A reservation not reported within a lease of 30 s is treated
 * as {@code notDelivered}: the command becomes pending again (at-least-once).
 *
 * <p><b>Responses.</b> Devices answer through the normal uplink on the topic
 * {@code command/{tenant}/{device}/res/{request-id}/{status}} ({@link Command#requestId()}); the
 * built-in route takes that to {@code fog.command_response.{tenant}}. The inbox is not involved.
 *
 * <p><b>Threads.</b> Thread-safe; nothing blocks. Futures complete on a router thread: callers must
 * not do long work in their completion stages.
 */
public interface CommandInbox {

    /**
     * Waits up to {@code ttd} for a command for the device. Completes at once with a command that is
     * already pending (oldest first), otherwise with the next one that arrives within {@code ttd}, or
     * with {@link Optional#empty()} when {@code ttd} passes. Expired commands are never handed out.
     * Cancelling the future (the device hung up) withdraws the wait; a command is never handed to a
     * cancelled future. At most one command per call.
     */
    CompletableFuture<Optional<Command>> awaitCommand(String tenant, String device, Duration ttd);

    /** The command handed out by {@link #awaitCommand} reached the device; the gateway forgets it. Idempotent. */
    void delivered(Command command);

    /** The command handed out could not be given to the device; it is pending again. Idempotent. */
    void notDelivered(Command command);
}
