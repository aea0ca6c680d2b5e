package io.fogbridge.command;

import io.fogbridge.api.Command;
import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.CommandTransport;
import io.fogbridge.api.DeliveryResult;
import io.fogbridge.api.DeviceId;
import io.fogbridge.api.Envelope;
import io.fogbridge.api.Spool;
import io.fogbridge.api.log.Untrusted;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes commands from the Kafka consumer, keeps them durably until they are settled, and hands them to
 * devices: pushed through a {@link CommandTransport} (MQTT) or picked up through the {@link CommandInbox}
 * by polling adapters (HTTP/CoAP {@code ttd}).
 *
 * <p><b>Guarantee.</b> {@link #submit} returns once the command is settled from Kafka's point of view:
 * stored in the {@link PendingCommandStore} (fsynced), or answered with a durable failure response
 * (expired: 408, unknown device: 404, too many pending: 503, payload over {@code maxPayload} or pending bytes
 * over {@code maxPendingBytes}: 413, a command the store refuses for anything but an I/O failure: 500), or
 * ignored. The consumer commits the record's offset
 * only then, so a gateway restart never loses a command. A stored command leaves the store when the device
 * acknowledged it, when delivery failed definitively, or when its ttl passed (408), the failure response
 * being durably in the spool first. A crash between a delivery and its removal from the store delivers it
 * again after the restart: at-least-once. Commands of one device go out one at a time, in arrival order.
 *
 * <p><b>Memory.</b> A pending command costs its {@link PendingCommand} head in memory; its payload stays in
 * the store's file until the command is handed to a device, and at most {@link #IN_FLIGHT_BYTES} of payloads
 * (or one, if larger) are loaded for delivery at a time, whatever the number of devices. So the heap the
 * router needs does not grow with payload sizes, and {@code maxPendingBytes} bounds disk, not heap.
 *
 * <p>Responses are sent only for failures and only where someone can correlate them (a correlation id is
 * present); a successful one-way command produces no response. Device responses do not pass through here:
 * the built-in route takes {@code command/{tenant}/{device}/res/…} to {@code fog.command_response.{tenant}}.
 *
 * <p><b>Threads.</b> Thread-safe. All state is owned by one router thread; public methods post work to
 * it. {@link #submit} blocks its caller for the durable write (the consumer thread). Lifecycle:
 * {@link #start()} once after construction (recovers pending commands), {@link #close()} once.
 */
public final class CommandRouter implements CommandInbox, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommandRouter.class);
    /** Payload bytes loaded from the store for deliveries under way, at most (one larger command still goes). */
    static final long IN_FLIGHT_BYTES = 8L << 20;

    private final RouterOptions options;
    private final List<CommandTransport> transports;
    private final Spool responses;
    private final CommandResponses responseFactory;
    private final CommandMetrics metrics;
    private final PendingCommandStore store;
    private final ScheduledExecutorService thread;

    // Owned by the router thread.
    private final Map<DeviceId, ArrayDeque<PendingCommand>> queues = new HashMap<>();
    private final Map<DeviceId, PendingCommand> inFlight = new HashMap<>();
    /** Payload bytes of the commands in {@link #inFlight}. */
    private long loadedBytes;
    /** An attempt waited for {@link #loadedBytes} to fall: try every device again when it does. */
    private boolean starved;

    private final Map<String, Long> leases = new HashMap<>();
    private final Set<String> finishing = new HashSet<>();
    // Written on the router thread, read by submit() to know whether a device polls right now.
    private final Map<DeviceId, ArrayDeque<Waiter>> waiters = new ConcurrentHashMap<>();

    private record Waiter(CompletableFuture<Optional<Command>> future, ScheduledFuture<?> timeout) {}

    /** Told when a command leaves the router for good: (command id, "delivered" or "failed {status}: {reason}"). */
    private volatile BiConsumer<String, String> settled = (id, outcome) -> {};

    /**
     * @param transports     push transports, tried in order
     * @param responses      where failure responses go (the gateway's spool)
     * @param registryOrNull where {@code fogbridge.command.*} meters go; null for none
     * @throws IOException the pending store cannot be opened
     */
    public CommandRouter(
            RouterOptions options, List<CommandTransport> transports, Spool responses, MeterRegistry registryOrNull)
            throws IOException {
        this.options = options;
        this.transports = List.copyOf(transports);
        this.responses = responses;
        this.responseFactory = new CommandResponses(options.gatewayId());
        this.metrics = new CommandMetrics(registryOrNull);
        this.store = PendingCommandStore.open(options.storeDir());
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "fogbridge-command-router");
            t.setDaemon(true);
            return t;
        });
        metrics.pendingGauges(store::size, store::bytes);
    }

    /** Loads the commands a previous run left pending and starts delivering and expiring. */
    public void start() {
        for (CommandTransport transport : transports) {
            transport.onReachable((tenant, device) -> post(() -> attempt(key(tenant, device))));
        }
        List<PendingCommand> recovered = store.pending();
        post(() -> recovered.forEach(this::enqueue));
        long interval = options.retryInterval().toMillis();
        thread.scheduleWithFixedDelay(() -> guarded(this::sweep), interval, interval, TimeUnit.MILLISECONDS);
        if (!recovered.isEmpty()) {
            log.info("{} pending commands recovered", recovered.size());
        }
    }

    /**
     * Settles a valid command (see the class comment). Blocks for the durable write.
     *
     * @return completes when the record's offset may be committed; exceptionally when the command could be
     *     neither stored nor answered (disk or spool failure): then the offset must not be committed
     */
    public CompletableFuture<Void> submit(Command command) {
        long now = options.clock().millis();
        if (store.contains(command.id())) {
            return CompletableFuture.completedFuture(null); // consumed again after a failed offset commit
        }
        PendingCommand pending = PendingCommand.of(command);
        if (!known(command.tenant(), command.device())) {
            if (options.unknownDevices() == RouterOptions.UnknownDevices.IGNORE) {
                metrics.ignored();
                return CompletableFuture.completedFuture(null);
            }
            metrics.received();
            return fail(pending, 404, "device " + command.device() + " is unknown to gateway " + options.gatewayId());
        }
        metrics.received();
        if (command.expiredAt(now)) {
            metrics.expired();
            return fail(pending, 408, "ttl expired before the gateway received the command");
        }
        try {
            Refusal refusal = refusal(command);
            if (refusal != null) {
                return fail(pending, refusal.status(), refusal.reason());
            }
            store.add(command);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e); // the disk may heal: the consumer reads it again
        } catch (RuntimeException e) {
            // Retrying cannot help, and a record the consumer reads again forever stalls every command behind it.
            log.error("command {} cannot be stored; answering 500 and going on", command, e);
            return fail(pending, 500, "gateway " + options.gatewayId() + " cannot store the command: " + e);
        }
        post(() -> {
            enqueue(pending);
            attempt(key(command));
        });
        return CompletableFuture.completedFuture(null);
    }

    private record Refusal(int status, String reason) {}

    /** Why the command may not wait here (a bound would be passed), or null if it may. */
    private Refusal refusal(Command command) {
        if (command.payload().length > options.maxPayload()) {
            return new Refusal(
                    413,
                    "payload of " + command.payload().length + " bytes is larger than gateway " + options.gatewayId()
                            + " takes (commands.maxPayload = " + options.maxPayload() + " bytes)");
        }
        if (store.size() >= options.maxPending()) {
            return new Refusal(
                    503,
                    "too many pending commands on gateway " + options.gatewayId() + " (commands.maxPending = "
                            + options.maxPending() + ")");
        }
        long size = PendingCommandStore.sizeOf(command);
        long held = store.bytes();
        if (held + size > options.maxPendingBytes()) {
            return new Refusal(
                    413,
                    "pending commands on gateway " + options.gatewayId() + " take " + held + " bytes; this one ("
                            + size + " bytes) would pass commands.maxPendingBytes = " + options.maxPendingBytes()
                            + " bytes");
        }
        return null;
    }

    /**
     * Answers a malformed command record with status 400. Completes when the response is durable.
     *
     * @param device        the record key, or null when it had none
     * @param correlationId the correlation id, if one could be read
     */
    public CompletableFuture<Void> rejectMalformed(String tenant, String device, String correlationId, String reason) {
        metrics.failed(400);
        Envelope response = responseFactory.failure(
                tenant, device, correlationId, 400, reason, options.clock().millis());
        return responses.append(response).thenApply(sequence -> null);
    }

    /** Counts a command the consumer skipped because it is not for this gateway. */
    public void ignored() {
        metrics.ignored();
    }

    /** Commands currently pending (stored, not yet settled). */
    public int pendingCount() {
        return store.size();
    }

    /**
     * Hears each command leave the router for good, on the router's thread: {@code (command id, outcome)} with the
     * outcome {@code delivered} or {@code failed <status>: <reason>}. The listener must return at once and not throw.
     * One listener; a second call replaces the first.
     */
    public void onSettled(BiConsumer<String, String> listener) {
        this.settled = listener;
    }

    /** A pending command as an operator sees it: everything but the payload. Immutable. */
    public record Waiting(
            String id,
            String tenant,
            String device,
            String name,
            String correlationId,
            long createdAt,
            long deadline,
            int payloadBytes) {}

    /** The commands pending for one device, oldest first; reads the store's index, not its file. */
    public List<Waiting> pending(String tenant, String device) {
        return store.pending().stream()
                .filter(c -> c.tenant().equals(tenant) && c.device().equals(device))
                .sorted(Comparator.comparingLong(PendingCommand::createdAt))
                .map(c -> new Waiting(
                        c.id(),
                        c.tenant(),
                        c.device(),
                        c.name(),
                        c.correlationId(),
                        c.createdAt(),
                        c.deadline(),
                        c.payloadLength()))
                .toList();
    }

    /** Bytes the pending commands take in the store (what {@code maxPendingBytes} bounds). */
    public long pendingBytes() {
        return store.bytes();
    }

    @Override
    public CompletableFuture<Optional<Command>> awaitCommand(String tenant, String device, Duration ttd) {
        CompletableFuture<Optional<Command>> future = new CompletableFuture<>();
        DeviceId key = key(tenant, device);
        post(() -> {
            ScheduledFuture<?> timeout = thread.schedule(
                    () -> future.complete(Optional.empty()), Math.max(0, ttd.toMillis()), TimeUnit.MILLISECONDS);
            waiters.computeIfAbsent(key, k -> new ArrayDeque<>()).add(new Waiter(future, timeout));
            attempt(key);
        });
        future.whenComplete((command, error) -> post(() -> dropWaiter(key, future)));
        return future;
    }

    @Override
    public void delivered(Command command) {
        PendingCommand pending = PendingCommand.of(command);
        post(() -> {
            if (leases.remove(command.id()) != null) {
                onResult(pending, DeliveryResult.DELIVERED);
            }
        });
    }

    @Override
    public void notDelivered(Command command) {
        PendingCommand pending = PendingCommand.of(command);
        post(() -> {
            if (leases.remove(command.id()) != null) {
                onResult(pending, DeliveryResult.NOT_CONNECTED);
            }
        });
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
        store.close();
    }

    // ---- router thread ----

    private void enqueue(PendingCommand command) {
        ArrayDeque<PendingCommand> queue = queues.computeIfAbsent(key(command), k -> new ArrayDeque<>());
        if (queue.stream().noneMatch(c -> c.id().equals(command.id()))) {
            queue.add(command);
        }
    }

    /**
     * Hands the device's oldest pending command to whichever way reaches the device now, if any, loading its
     * payload from the store only then, and only while {@link #IN_FLIGHT_BYTES} allow.
     */
    private void attempt(DeviceId key) {
        ArrayDeque<PendingCommand> queue = queues.get(key);
        if (queue == null || queue.isEmpty() || inFlight.containsKey(key)) {
            return;
        }
        PendingCommand pending = queue.peekFirst();
        if (finishing.contains(pending.id())) {
            return;
        }
        if (pending.expiredAt(options.clock().millis())) {
            expire(pending);
            return;
        }
        CommandTransport transport = transports.stream()
                .filter(t -> t.serves(pending.tenant(), pending.device()))
                .findFirst()
                .orElse(null);
        ArrayDeque<Waiter> polling = waiters.get(key);
        if (transport == null && (polling == null || polling.isEmpty())) {
            return; // not reachable: the payload stays on disk
        }
        if (loadedBytes > 0 && loadedBytes + pending.payloadLength() > IN_FLIGHT_BYTES) {
            starved = true; // tried again when a delivery under way ends
            return;
        }
        Command command = load(pending);
        if (command == null) {
            return;
        }
        if (transport != null) {
            take(key, pending);
            transport
                    .deliver(command)
                    .exceptionally(e -> new DeliveryResult.Failed(503, String.valueOf(e)))
                    .thenAccept(result -> post(() -> onResult(pending, result)));
            return;
        }
        while (!polling.isEmpty()) {
            Waiter waiter = polling.pollFirst();
            waiter.timeout().cancel(false);
            if (waiter.future().complete(Optional.of(command))) {
                take(key, pending);
                leases.put(
                        command.id(), options.clock().millis() + options.lease().toMillis());
                return;
            }
        }
    }

    /** The command with its payload, or null: gone meanwhile, or unreadable (then answered 500 and dropped). */
    private Command load(PendingCommand pending) {
        try {
            return store.load(pending.id());
        } catch (IOException e) {
            log.error("command {} cannot be read back from the pending store; answering 500", pending, e);
            finishing.add(pending.id());
            fail(pending, 500, "gateway " + options.gatewayId() + " lost the command's payload: " + e.getMessage());
            return null;
        }
    }

    private void take(DeviceId key, PendingCommand command) {
        inFlight.put(key, command);
        loadedBytes += command.payloadLength();
    }

    /** Ends the device's delivery under way if it is this command's; wakes attempts that waited for bytes. */
    private void release(DeviceId key, String commandId) {
        PendingCommand current = inFlight.get(key);
        if (current == null || !current.id().equals(commandId)) {
            return;
        }
        inFlight.remove(key);
        loadedBytes -= current.payloadLength();
        if (starved) {
            starved = false;
            post(() -> List.copyOf(queues.keySet()).forEach(this::attempt));
        }
    }

    private void onResult(PendingCommand command, DeliveryResult result) {
        DeviceId key = key(command);
        release(key, command.id());
        switch (result) {
            case DeliveryResult.Delivered d -> {
                metrics.delivered();
                settled.accept(command.id(), "delivered");
                finish(command);
                attempt(key);
            }
            case DeliveryResult.NotConnected n ->
                log.debug("{}: device not reachable, command stays pending", Untrusted.composite(command));
            case DeliveryResult.Failed failed -> {
                finishing.add(command.id());
                fail(command, failed.status(), failed.reason()).whenComplete((v, e) -> post(() -> attempt(key)));
            }
        }
    }

    private void expire(PendingCommand command) {
        finishing.add(command.id());
        metrics.expired();
        fail(command, 408, "ttl expired before the device could be reached");
    }

    /**
     * Answers a failure (only where a correlation id lets someone correlate it), then forgets the command
     * once the response is durable. For a stored command the caller (on the router thread) has marked it
     * {@code finishing}, so nothing hands it out meanwhile; the store removal is posted to the router thread.
     */
    private CompletableFuture<Void> fail(PendingCommand command, int status, String reason) {
        metrics.failed(status);
        settled.accept(command.id(), "failed " + status + ": " + reason);
        log.info("command {} failed with {}: {}", Untrusted.composite(command), status, Untrusted.of(reason));
        boolean stored = store.contains(command.id());
        CompletableFuture<Void> answered = command.correlationId() == null
                ? CompletableFuture.completedFuture(null)
                : responses
                        .append(responseFactory.failure(
                                command.tenant(),
                                command.device(),
                                command.correlationId(),
                                status,
                                reason,
                                options.clock().millis()))
                        .thenApply(sequence -> null);
        if (!stored) {
            return answered;
        }
        return answered.whenComplete((v, error) -> post(() -> {
            finishing.remove(command.id());
            if (error == null) {
                finish(command);
            } else {
                log.warn(
                        "failure response for {} not stored ({}); will try again",
                        Untrusted.composite(command),
                        error.toString());
            }
        }));
    }

    /** Removes a settled command from the queue and, durably, from the store. */
    private void finish(PendingCommand command) {
        ArrayDeque<PendingCommand> queue = queues.get(key(command));
        if (queue != null) {
            queue.removeIf(c -> c.id().equals(command.id()));
            if (queue.isEmpty()) {
                queues.remove(key(command));
            }
        }
        try {
            store.done(command.id());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record command " + command.id() + " as done", e);
        }
    }

    private void sweep() {
        long now = options.clock().millis();
        for (Iterator<Map.Entry<String, Long>> it = leases.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> lease = it.next();
            if (lease.getValue() < now) {
                it.remove();
                inFlight.entrySet().stream()
                        .filter(e -> e.getValue().id().equals(lease.getKey()))
                        .map(Map.Entry::getKey)
                        .findFirst()
                        .ifPresent(key -> release(key, lease.getKey()));
            }
        }
        List<PendingCommand> expired = new ArrayList<>();
        for (ArrayDeque<PendingCommand> queue : queues.values()) {
            for (PendingCommand command : queue) {
                if (command.expiredAt(now) && !finishing.contains(command.id()) && !inFlight.containsValue(command)) {
                    expired.add(command);
                }
            }
        }
        expired.forEach(this::expire);
        List.copyOf(queues.keySet()).forEach(this::attempt);
    }

    private void dropWaiter(DeviceId key, CompletableFuture<Optional<Command>> future) {
        ArrayDeque<Waiter> polling = waiters.get(key);
        if (polling == null) {
            return;
        }
        polling.removeIf(w -> {
            if (w.future() == future) {
                w.timeout().cancel(false);
                return true;
            }
            return false;
        });
        if (polling.isEmpty()) {
            waiters.remove(key);
        }
    }

    private boolean known(String tenant, String device) {
        if (options.registered().test(tenant, device) || waiters.containsKey(key(tenant, device))) {
            return true;
        }
        for (CommandTransport transport : transports) {
            if (transport.serves(tenant, device)) {
                return true;
            }
        }
        return false;
    }

    private void post(Runnable task) {
        try {
            thread.execute(() -> guarded(task));
        } catch (RejectedExecutionException e) {
            log.debug("command router closed; dropping a task");
        }
    }

    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("command router task failed", e);
        }
    }

    private static DeviceId key(Command command) {
        return key(command.tenant(), command.device());
    }

    private static DeviceId key(PendingCommand command) {
        return key(command.tenant(), command.device());
    }

    private static DeviceId key(String tenant, String device) {
        return new DeviceId(tenant, device);
    }
}
