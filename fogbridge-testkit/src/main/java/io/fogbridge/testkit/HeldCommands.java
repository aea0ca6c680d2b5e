package io.fogbridge.testkit;

import io.fogbridge.api.Command;
import io.fogbridge.api.CommandInbox;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CommandInbox} for adapter tests: commands {@link #offer offered} by the test are handed to the next caller
 * waiting for that device; {@code delivered} and {@code notDelivered} are recorded ({@code notDelivered} makes the command pending
 * again, as the router does). Thread-safe (one lock).
 */
public final class HeldCommands implements CommandInbox {

    private final Map<String, Queue<Command>> pending = new HashMap<>();
    private final Map<String, Queue<CompletableFuture<Optional<Command>>>> waiting = new HashMap<>();
    private final List<Command> delivered = new ArrayList<>();
    private final List<Command> notDelivered = new ArrayList<>();

    /** A command, at once to a waiting caller or to the next one. */
    public void offer(Command command) {
        CompletableFuture<Optional<Command>> taker;
        synchronized (this) {
            taker = nextWaiting(key(command.tenant(), command.device()));
            if (taker == null) {
                pending.computeIfAbsent(key(command.tenant(), command.device()), k -> new ArrayDeque<>())
                        .add(command);
                return;
            }
        }
        taker.complete(Optional.of(command));
    }

    @Override
    public CompletableFuture<Optional<Command>> awaitCommand(String tenant, String device, Duration ttd) {
        synchronized (this) {
            Command next = pending.computeIfAbsent(key(tenant, device), k -> new ArrayDeque<>())
                    .poll();
            if (next != null) {
                return CompletableFuture.completedFuture(Optional.of(next));
            }
            CompletableFuture<Optional<Command>> wait = new CompletableFuture<>();
            waiting.computeIfAbsent(key(tenant, device), k -> new ArrayDeque<>())
                    .add(wait);
            return wait.completeOnTimeout(Optional.empty(), ttd.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void delivered(Command command) {
        delivered.add(command);
    }

    @Override
    public void notDelivered(Command command) {
        synchronized (this) {
            notDelivered.add(command);
        }
        offer(command);
    }

    public synchronized List<Command> delivered() {
        return List.copyOf(delivered);
    }

    public synchronized List<Command> notDelivered() {
        return List.copyOf(notDelivered);
    }

    private static String key(String tenant, String device) {
        return device + "@" + tenant;
    }

    private CompletableFuture<Optional<Command>> nextWaiting(String key) {
        Queue<CompletableFuture<Optional<Command>>> queue = waiting.computeIfAbsent(key, k -> new ArrayDeque<>());
        CompletableFuture<Optional<Command>> wait;
        while ((wait = queue.poll()) != null) {
            if (!wait.isDone()) {
                return wait;
            }
        }
        return null;
    }
}
