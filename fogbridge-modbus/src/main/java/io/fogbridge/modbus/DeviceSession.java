package io.fogbridge.modbus;

import io.fogbridge.api.Command;
import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's connection life: connect, poll its groups, run write commands, and on any loss close, report and
 * reconnect with back-off and jitter.
 *
 * <p><b>One request at a time.</b> Requests (the groups' reads and the commands' writes) wait in one queue and go to
 * the device one after the other: many PLCs and serial gateways serve one request at a time anyway, and a device
 * that is slow only slows its own queue. Each device has its own connection, so a dead or slow device never delays
 * another.
 *
 * <p><b>Threads.</b> Every field is confined to the gateway's scheduler thread (the "loop"): callbacks from the
 * Modbus client hop onto it before touching state. Work on the loop is short (decode a few registers, build a
 * record); I/O is asynchronous. {@link #close()} may be called from any thread.
 *
 * <p><b>Status.</b> {@code event/{tenant}/{device}/status} gets {@code {"state":"connected",...}} when a connection
 * opens and {@code {"state":"lost","reason":...}} when it ends or the first attempt fails; repeated failed attempts
 * publish nothing more until the device is back.
 */
final class DeviceSession {

    private static final Logger log = LoggerFactory.getLogger(DeviceSession.class);

    private final ModbusDevice device;
    private final ModbusRuntime runtime;
    private final List<GroupPoll> groups = new ArrayList<>();
    private final WriteCommands writes;
    private final ArrayDeque<Pending<?>> queue = new ArrayDeque<>();
    private final DeviceRef sender;
    private final Map<String, String> headers;

    private volatile boolean closed;
    private volatile ModbusLink link; // the open connection, or null
    private ModbusLink connecting;
    private Pending<?> inFlight;
    private int failedAttempts;
    private String lastState = "";
    private ScheduledFuture<?> reconnect;
    private CompletableFuture<Optional<Command>> commandWait;

    private record Pending<T>(Function<ModbusLink, CompletionStage<T>> op, CompletableFuture<T> result) {}

    DeviceSession(ModbusDevice device, ModbusRuntime runtime) {
        this.device = device;
        this.runtime = runtime;
        this.sender = new DeviceRef(device.tenant(), device.id(), device.source());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(io.fogbridge.api.Headers.SOURCE, device.source());
        headers.putAll(device.labels());
        this.headers = Map.copyOf(headers);
        ReadPlanner planner = new ReadPlanner(runtime.settings().maxGap());
        for (PollGroup group : device.pollGroups()) {
            groups.add(new GroupPoll(this, group, planner.plan(device.readTags(group.name()))));
        }
        this.writes = new WriteCommands(this);
    }

    ModbusDevice device() {
        return device;
    }

    ModbusRuntime runtime() {
        return runtime;
    }

    boolean connected() {
        return link != null;
    }

    void start() {
        onLoop(() -> {
            connect();
            long now = runtime.clock().millis();
            groups.forEach(g -> g.start(now));
        });
    }

    void close() {
        closed = true;
        groups.forEach(GroupPoll::stop);
        ScheduledFuture<?> timer = reconnect;
        if (timer != null) {
            timer.cancel(false);
        }
        CompletableFuture<Optional<Command>> wait = commandWait;
        if (wait != null) {
            wait.cancel(false);
        }
        ModbusLink open = link;
        if (open != null) {
            open.close();
        }
        ModbusLink pending = connecting;
        if (pending != null) {
            pending.close();
        }
    }

    /** Runs {@code task} on the loop; after close (the scheduler may be shut down) it is dropped. */
    void onLoop(Runnable task) {
        if (closed) {
            return;
        }
        try {
            runtime.scheduler().execute(() -> {
                if (!closed) {
                    task.run();
                }
            });
        } catch (RejectedExecutionException e) {
            // the gateway is shutting down; nothing left to do
        }
    }

    ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        try {
            return runtime.scheduler().schedule(() -> onLoop(task), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /**
     * Queues a request; on the loop only. The future completes on the loop, with the answer or a {@link
     * ModbusFailure}.
     */
    <T> CompletableFuture<T> submit(Function<ModbusLink, CompletionStage<T>> op) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (link == null) {
            result.completeExceptionally(ModbusFailure.disconnected("not connected"));
            return result;
        }
        queue.add(new Pending<>(op, result));
        pump();
        return result;
    }

    private void pump() {
        if (inFlight != null || link == null || queue.isEmpty()) {
            return;
        }
        Pending<?> next = queue.poll();
        inFlight = next;
        run(next, link);
    }

    private <T> void run(Pending<T> request, ModbusLink on) {
        CompletionStage<T> stage;
        try {
            stage = request.op().apply(on);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((value, failure) -> onLoop(() -> {
            if (inFlight != request) {
                return; // the connection it went out on was lost; its caller was told already
            }
            inFlight = null;
            if (failure == null) {
                request.result().complete(value);
            } else {
                ModbusFailure why = ModbusFailure.of(failure);
                request.result().completeExceptionally(why);
                if (why.kind() == ModbusFailure.Kind.TIMEOUT) {
                    lost(on, "no answer within " + device.timeout().toMillis() + " ms");
                } else if (why.kind() == ModbusFailure.Kind.MALFORMED) {
                    runtime.metrics().malformed();
                    lost(on, "malformed answer: " + why.getMessage());
                } else if (why.kind() == ModbusFailure.Kind.DISCONNECTED) {
                    lost(on, why.getMessage());
                }
            }
            pump();
        }));
    }

    private void connect() {
        ModbusLink attempt = new ModbusLink(device);
        connecting = attempt;
        attempt.connect()
                .whenComplete((ok, failure) -> onLoop(() -> {
                    if (connecting != attempt) {
                        attempt.close();
                        return;
                    }
                    connecting = null;
                    if (failure != null) {
                        attempt.close();
                        runtime.metrics().connect(false);
                        String reason =
                                "connect failed: " + ModbusFailure.of(failure).getMessage();
                        if (failedAttempts == 0) {
                            log.warn("modbus {} ({}): {}", device.id(), device.source(), reason);
                        }
                        status("lost", reason);
                        scheduleReconnect();
                        return;
                    }
                    connected(attempt);
                }));
        if (closed) {
            attempt.close();
        }
    }

    private void connected(ModbusLink opened) {
        link = opened;
        failedAttempts = 0;
        runtime.metrics().connect(true);
        log.info("modbus {} connected to {}", device.id(), device.source());
        status("connected", null);
        opened.lost().thenAccept(loss -> {
            if (loss.malformed()) {
                runtime.metrics().malformed();
            }
            onLoop(() -> lost(opened, loss.reason()));
        });
        awaitCommand();
        pump();
    }

    /** The connection {@code which} ended; stale reports (an older connection) are ignored. */
    private void lost(ModbusLink which, String reason) {
        if (link != which) {
            return;
        }
        link = null;
        which.close();
        runtime.metrics().lost();
        log.warn("modbus {} ({}) lost: {}", device.id(), device.source(), reason);
        status("lost", reason);
        ModbusFailure gone = ModbusFailure.disconnected("connection lost: " + reason);
        Pending<?> current = inFlight;
        inFlight = null;
        if (current != null) {
            current.result().completeExceptionally(gone);
        }
        while (!queue.isEmpty()) {
            queue.poll().result().completeExceptionally(gone);
        }
        if (commandWait != null) {
            commandWait.cancel(false);
            commandWait = null;
        }
        scheduleReconnect();
    }

    /** Doubling from {@code reconnectDelay} to {@code reconnectMax}, each wait ±25 %. */
    private void scheduleReconnect() {
        long base = runtime.settings().reconnectDelay().toMillis();
        long max = runtime.settings().reconnectMax().toMillis();
        long delay = Math.min(max, base << Math.min(failedAttempts, 20));
        delay = (long) (delay * (0.75 + 0.5 * ThreadLocalRandom.current().nextDouble()));
        failedAttempts++;
        reconnect = schedule(this::connect, delay);
    }

    private void status(String state, String reason) {
        if (state.equals(lastState)) {
            return;
        }
        lastState = state;
        String json = "{\"state\":\"" + state + "\",\"ts\":" + runtime.clock().millis() + ",\"source\":\""
                + device.source() + "\""
                + (reason == null ? "" : ",\"reason\":" + JsonText.quote(reason))
                + "}";
        publish(
                Topics.deviceEventTopic(device.tenant(), device.id()) + "/status",
                json.getBytes(StandardCharsets.UTF_8),
                runtime.clock().millis());
    }

    /** Sends one message of this device through the pipeline, with its {@code source} and labels. */
    CompletableFuture<Outcome> publish(String topic, byte[] payload, long time) {
        InboundMessage message = new InboundMessage(
                topic, payload, QoS.AT_LEAST_ONCE, sender, PollRecord.CONTENT_TYPE, time, false, headers);
        try {
            return runtime.uplink().accept(message).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void awaitCommand() {
        if (runtime.commands() == null || link == null || commandWait != null) {
            return;
        }
        CompletableFuture<Optional<Command>> wait =
                runtime.commands().awaitCommand(device.tenant(), device.id(), runtime.maxTtd());
        commandWait = wait;
        wait.whenComplete((command, failure) -> onLoop(() -> {
            if (commandWait != wait) {
                if (command != null) {
                    command.ifPresent(c -> runtime.commands().notDelivered(c)); // lost meanwhile: pending again
                }
                return;
            }
            commandWait = null;
            if (failure != null) {
                if (!(failure instanceof CancellationException)) {
                    log.warn("modbus {}: waiting for commands failed", device.id(), failure);
                    schedule(this::awaitCommand, 1000);
                }
                return;
            }
            if (command.isEmpty()) {
                awaitCommand();
                return;
            }
            writes.execute(command.get()).whenComplete((v, e) -> awaitCommand());
        }));
    }
}
