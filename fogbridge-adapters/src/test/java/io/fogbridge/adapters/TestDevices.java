package io.fogbridge.adapters;

import io.fogbridge.api.Command;
import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.Uplink;
import io.fogbridge.registry.Credential;
import io.fogbridge.registry.Device;
import io.fogbridge.registry.DeviceRegistry;
import io.fogbridge.registry.PasswordHasher;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.Tenant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Test fixtures: a registry with two devices and a gateway, a recording uplink, and a one-slot command inbox. */
public final class TestDevices {

    private TestDevices() {}

    public static final String PASSWORD = "s3cret";

    /** acme: sensor-1, sensor-2 (passwords), edge-gw (password, via sensor-1), disabled-1. */
    public static DeviceRegistry registry() {
        String hash = PasswordHasher.hash(PASSWORD.toCharArray(), 4);
        List<Credential> password = List.of(new Credential.HashedPassword(hash, null, null));
        Map<String, Device> devices = Map.of(
                "sensor-1", new Device("acme", "sensor-1", true, password, Set.of(), Set.of()),
                "sensor-2", new Device("acme", "sensor-2", true, password, Set.of(), Set.of()),
                "edge-gw", new Device("acme", "edge-gw", true, password, Set.of("sensor-1"), Set.of()),
                "disabled-1", new Device("acme", "disabled-1", false, password, Set.of(), Set.of()));
        return DeviceRegistry.of(new Registry(Map.of("acme", new Tenant("acme", true, List.of(), devices))));
    }

    /** Records every message; answers Accepted, or what {@link #next} says. */
    public static final class RecordingUplink implements Uplink {
        public final List<InboundMessage> messages = new CopyOnWriteArrayList<>();
        public volatile Outcome next = new Outcome.Accepted(Lane.BULK, 1);

        @Override
        public CompletableFuture<Outcome> accept(InboundMessage message) {
            messages.add(message);
            return CompletableFuture.completedFuture(next);
        }
    }

    /** Hands out commands queued with {@link #offer}; records what was reported back. */
    public static final class QueueInbox implements CommandInbox {
        private final ConcurrentLinkedQueue<Command> pending = new ConcurrentLinkedQueue<>();
        public final List<Command> delivered = new CopyOnWriteArrayList<>();
        public final List<Command> notDelivered = new CopyOnWriteArrayList<>();

        public void offer(Command command) {
            pending.add(command);
        }

        @Override
        public CompletableFuture<Optional<Command>> awaitCommand(String tenant, String device, Duration ttd) {
            Command now = take(tenant, device);
            if (now != null) {
                return CompletableFuture.completedFuture(Optional.of(now));
            }
            // Poll every 50 ms until ttd: simple, and good enough for a test fake.
            CompletableFuture<Optional<Command>> result = new CompletableFuture<>();
            long deadline = System.nanoTime() + ttd.toNanos();
            Runnable[] poll = new Runnable[1];
            poll[0] = () -> {
                if (result.isDone()) {
                    return;
                }
                Command c = take(tenant, device);
                if (c != null) {
                    if (!result.complete(Optional.of(c))) {
                        pending.add(c);
                    }
                } else if (System.nanoTime() > deadline) {
                    result.complete(Optional.empty());
                } else {
                    CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS).execute(poll[0]);
                }
            };
            CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS).execute(poll[0]);
            return result;
        }

        private Command take(String tenant, String device) {
            for (Command c : pending) {
                if (c.tenant().equals(tenant) && c.device().equals(device) && pending.remove(c)) {
                    return c;
                }
            }
            return null;
        }

        @Override
        public void delivered(Command command) {
            delivered.add(command);
        }

        @Override
        public void notDelivered(Command command) {
            notDelivered.add(command);
            pending.add(command); // as the contract says: pending again
        }
    }

    public static Command command(String device, String name, String correlationId, String payload) {
        long now = System.currentTimeMillis();
        return new Command(
                "test/" + correlationId,
                "acme",
                device,
                name,
                correlationId,
                correlationId != null,
                payload.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "application/json",
                now,
                now + 60_000);
    }
}
