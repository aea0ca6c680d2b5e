package io.fogbridge.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.Headers;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemServiceOperationResult;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint's connection life: open a session, create the subscription and every monitored item, deliver each
 * publish as one record (or more, when an item's queue delivers several values of it), and on a loss let the session
 * resume, or throw the client away and build it all again, with back-off and jitter.
 *
 * <p><b>Resume first.</b> When the connection goes (a network cut), the server keeps the session and the subscription
 * for a while, with the notifications it could not send and its retransmission queue of those sent but not
 * acknowledged. Milo's client then reactivates the same session on a new connection (or transfers the subscription
 * to a new session), and its publishing manager sees the gap in the notification sequence numbers and asks the server
 * to republish what is missing. The endpoint gives it {@code resumeWindow} to do that: {@code lost}, then
 * {@code resumed}, and the values changed during the cut arrive late but arrive (as many per item as the item's
 * {@code queueSize} keeps).
 *
 * <p><b>Otherwise a fresh client.</b> After a server restart the server no longer knows the session or the
 * subscription: the transfer fails ({@code Bad_SubscriptionIdInvalid}) and, unless the subscription is created again,
 * nothing flows while the session looks healthy; Milo's reconnect also waits seconds between attempts. So when the
 * window passes, or the server says the session or subscription is gone (a failed transfer, a bad subscription
 * status), or the subscription's watchdog elapses on an active session, this client is thrown away and the loop makes
 * a new session, subscription and items on its own schedule ({@code reconnectDelay} doubling to
 * {@code reconnectMax}): {@code resubscribed}. Data lost while the server was down is data the server never sent.
 *
 * <p><b>Security.</b> The client carries the gateway's {@link ApplicationIdentity}; a server certificate is checked by
 * the endpoint's {@link ServerTrust}. A connect refused for an untrusted certificate says which file to trust, in
 * the log (once per file), the {@code lost} status event and {@link #attention()} ({@code /readyz}).
 *
 * <p><b>Commands.</b> While subscribed, the endpoint takes its {@code write} commands ({@link WriteCommands}).
 *
 * <p><b>Liveness.</b> Data notifications and keep-alives both reset the subscription's watchdog: a busy subscription
 * is never declared dead for lack of keep-alives, and a quiet one is only after its keep-alive count passes.
 *
 * <p><b>Threads.</b> One platform thread per endpoint runs the connect loop and blocks in Milo's synchronous calls (a
 * virtual thread would pin its carrier in Milo's synchronized blocks; endpoints are tens, not thousands);
 * Milo's delivery thread calls {@link #onData} (one publish at a time, per subscription). {@link #close()} may be
 * called from any thread.
 *
 * <p><b>Status.</b> {@code event/{tenant}/{device}/status} gets {@code {"state":"connected",...}} when the first
 * subscription stands, {@code {"state":"lost","reason":...}} when the connection goes or the first attempt fails,
 * {@code {"state":"resumed",...}} when the same subscription goes on after a loss, and
 * {@code {"state":"resubscribed",...}} when a new session and subscription stand again after a loss; repeated failed
 * attempts publish nothing more until the endpoint is back. Beside those link states, {@code
 * {"state":"value-too-large","item":...,"limit":...,"reason":...}} says once per item and subscription that a value
 * is over the record limit and sent as null ({@link PublishRecord}); consumers of the link state ignore it.
 */
final class EndpointSession {

    private static final Logger log = LoggerFactory.getLogger(EndpointSession.class);

    private final OpcUaEndpoint endpoint;
    private final OpcUaRuntime runtime;
    private final DeviceRef sender;
    private final Map<String, String> headers;
    private final Object lock = new Object();

    private volatile boolean closed;
    private volatile boolean connected;
    private volatile String attention; // how to trust the server's certificate, while it is refused for it
    private final ServerTrust trust;
    private final WriteCommands writes;
    private volatile long lastData = System.nanoTime();
    private Thread loop;
    private OpcUaClient client; // guarded by lock
    private SessionWatch watch; // guarded by lock; the current client's
    private boolean everConnected;
    private String lastState = "";
    // items said too large on this subscription: added by Milo's delivery thread, cleared by the loop at subscribe
    private final Set<String> reportedTooLarge = ConcurrentHashMap.newKeySet();
    private final ReplayedValues replayed = new ReplayedValues();

    EndpointSession(OpcUaEndpoint endpoint, OpcUaRuntime runtime) {
        this.endpoint = endpoint;
        this.runtime = runtime;
        this.sender = new DeviceRef(endpoint.tenant(), endpoint.id(), endpoint.source());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Headers.SOURCE, endpoint.source());
        headers.putAll(endpoint.labels());
        this.headers = Map.copyOf(headers);
        this.trust = new ServerTrust(runtime.pki());
        this.writes = new WriteCommands(endpoint, runtime, this);
        runtime.metrics().lastData(endpoint.id(), () -> (System.nanoTime() - lastData) / 1e9);
    }

    boolean connected() {
        return connected;
    }

    /** While the server is refused for an untrusted certificate: which endpoint, and how to trust it. */
    Optional<String> attention() {
        String note = attention;
        return note == null ? Optional.empty() : Optional.of("opcua " + endpoint.id() + ": " + note);
    }

    void start() {
        loop = Thread.ofPlatform().daemon().name("opcua-" + endpoint.id()).start(this::run);
    }

    void close() {
        closed = true;
        synchronized (lock) {
            if (watch != null) {
                watch.gone("closed");
            }
        }
        Thread thread = loop;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(runtime.settings().requestTimeout().toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        int failedAttempts = 0;
        while (!closed) {
            SessionWatch watching = new SessionWatch();
            OpcUaClient opened = null;
            try {
                opened = connect(watching);
                subscribe(opened, watching);
                failedAttempts = 0;
                attention = null;
                up(everConnected ? "resubscribed" : "connected", opened);
                if (everConnected) {
                    runtime.metrics().reconnected();
                }
                everConnected = true;
                String reason = follow(watching, opened);
                if (closed) {
                    break;
                }
                down(reason);
            } catch (InterruptedException e) {
                break;
            } catch (Exception e) {
                if (closed) {
                    break;
                }
                runtime.metrics().connect(false);
                String reason = "connect failed: " + describe(e);
                Optional<Path> rejected = trust.rejected();
                if (rejected.isPresent()) {
                    reason = ServerTrust.advice(rejected.get());
                    if (!reason.equals(attention)) {
                        log.warn("opcua {} ({}): {}", endpoint.id(), endpoint.url(), reason);
                    }
                    attention = reason;
                } else if (failedAttempts == 0) {
                    log.warn("opcua {} ({}): {}", endpoint.id(), endpoint.url(), reason);
                }
                status("lost", reason);
                failedAttempts++;
            } finally {
                writes.detach();
                dispose(opened);
            }
            if (!sleep(backoff(failedAttempts))) {
                break;
            }
        }
        connected = false;
    }

    /** The subscription stands on {@code on}: data flows, commands are taken. */
    private void up(String state, OpcUaClient on) {
        connected = true;
        lastData = System.nanoTime();
        if (state.equals("resumed")) {
            runtime.metrics().resumed();
        } else {
            runtime.metrics().connect(true);
        }
        log.info("opcua {} {} {}", endpoint.id(), state, endpoint.url());
        status(state, null);
        writes.attach(on);
    }

    /** The connection is gone: commands wait in the inbox until the endpoint is back. */
    private void down(String reason) {
        if (!connected) { // said already, when the session was given its resume window
            log.info("opcua {}: {}; making a new session and subscription", endpoint.id(), reason);
            return;
        }
        connected = false;
        writes.detach();
        runtime.metrics().lost();
        log.warn("opcua {} ({}) lost: {}", endpoint.id(), endpoint.url(), reason);
        status("lost", reason);
    }

    /**
     * Follows the client until it is done, letting a lost session resume within {@code resumeWindow}; returns why it
     * is done.
     */
    private String follow(SessionWatch watching, OpcUaClient on) throws InterruptedException {
        long window = runtime.settings().resumeWindow().toMillis();
        while (true) {
            SessionWatch.Signal signal = watching.next();
            if (signal instanceof SessionWatch.Gone gone) {
                return gone.reason();
            }
            if (signal instanceof SessionWatch.Inactive inactive) {
                if (window == 0 || closed) {
                    return inactive.reason();
                }
                down(inactive.reason() + "; resuming the session for up to " + window + " ms");
                String gone = awaitResume(watching, window);
                if (gone != null) {
                    return gone;
                }
                up("resumed", on);
            }
        }
    }

    /**
     * Waits for the session to be active again; null when it is and the server did not say the subscription is gone
     * (its first publish, or a second without news), else why not.
     */
    private String awaitResume(SessionWatch watching, long window) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(window);
        long confirmBy = Long.MAX_VALUE; // once active: the first publish confirms; no news for a second, too
        while (true) {
            long now = System.nanoTime();
            if (now >= confirmBy) {
                return null;
            }
            if (now >= deadline && confirmBy == Long.MAX_VALUE) {
                return "the session did not come back within resumeWindow (" + window + " ms)";
            }
            long until = confirmBy == Long.MAX_VALUE ? deadline : confirmBy;
            SessionWatch.Signal signal = watching.next(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - now)));
            if (signal instanceof SessionWatch.Gone gone) {
                return gone.reason();
            } else if (signal instanceof SessionWatch.Active) {
                watching.awaitAlive();
                confirmBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            } else if (signal instanceof SessionWatch.Alive && confirmBy != Long.MAX_VALUE) {
                return null;
            } else if (signal instanceof SessionWatch.Inactive) {
                confirmBy = Long.MAX_VALUE;
            }
        }
    }

    private OpcUaClient connect(SessionWatch watching) throws Exception {
        long timeout = runtime.settings().requestTimeout().toMillis();
        OpcUaClient created = ClientFactory.create(
                endpoint, runtime.identity(), trust, runtime.settings().requestTimeout(), "Fogbridge gateway");
        synchronized (lock) {
            client = created;
            watch = watching;
        }
        if (closed) {
            watching.gone("closed");
        }
        created.addSessionActivityListener(new SessionActivityListener() {
            @Override
            public void onSessionActive(UaSession session) {
                watching.active();
            }

            @Override
            public void onSessionInactive(UaSession session) {
                replayed.lost(); // here, not in the connect loop: a quick reconnect may deliver before the loop wakes
                watching.inactive("session inactive (server stopped or connection cut)");
            }
        });
        created.connectAsync().get(timeout, TimeUnit.MILLISECONDS);
        return created;
    }

    private void subscribe(OpcUaClient on, SessionWatch watching) throws Exception {
        reportedTooLarge.clear();
        replayed.reset();
        OpcUaSubscription subscription =
                new OpcUaSubscription(on, (double) endpoint.publishingInterval().toMillis());
        subscription.setSubscriptionListener(new OpcUaSubscription.SubscriptionListener() {
            @Override
            public void onDataReceived(OpcUaSubscription s, List<OpcUaMonitoredItem> items, List<DataValue> values) {
                watching.alive();
                onData(items, values);
            }

            @Override
            public void onKeepAliveReceived(OpcUaSubscription s) {
                watching.alive();
                lastData = System.nanoTime();
            }

            @Override
            public void onWatchdogTimerElapsed(OpcUaSubscription s) {
                runtime.metrics().keepAliveFailure();
                if (watching.sessionActive()) { // while inactive, the resume window decides
                    watching.gone("neither data nor keep-alive within the subscription's keep-alive time");
                }
            }

            @Override
            public void onTransferFailed(OpcUaSubscription s, StatusCode status) {
                watching.gone("subscription transfer failed: " + PublishRecord.quality(status));
            }

            @Override
            public void onStatusChanged(OpcUaSubscription s, StatusCode status) {
                if (status.isBad()) {
                    watching.gone("subscription ended by the server: " + PublishRecord.quality(status));
                }
            }
        });
        subscription.create();
        for (OpcUaItem item : endpoint.items()) {
            OpcUaMonitoredItem monitored = OpcUaMonitoredItem.newDataItem(NodeId.parse(item.nodeId()));
            monitored.setUserObject(item.name());
            monitored.setSamplingInterval(item.samplingInterval());
            monitored.setQueueSize(uint(item.queueSize()));
            monitored.setDiscardOldest(true);
            if (item.deadband() != null) {
                monitored.setFilter(new DataChangeFilter(
                        DataChangeTrigger.StatusValue,
                        uint(item.deadband().kind().wire()),
                        item.deadband().value()));
            }
            subscription.addMonitoredItem(monitored);
        }
        List<MonitoredItemServiceOperationResult> results = subscription.createMonitoredItems();
        PublishRecord refused = new PublishRecord();
        for (MonitoredItemServiceOperationResult result : results) {
            StatusCode code = result.serviceResult().isGood()
                    ? result.operationResult().orElse(StatusCode.GOOD)
                    : result.serviceResult();
            if (code.isBad()) {
                String name = (String) result.monitoredItem().getUserObject().orElse("?");
                log.warn(
                        "opcua {}: item {} refused by the server: {}",
                        endpoint.id(),
                        name,
                        PublishRecord.quality(code));
                refused.add(name, new DataValue(code));
            }
        }
        if (!refused.isEmpty()) {
            // an unknown node id gets a record of its own, so the data says why the item never changes
            long now = runtime.clock().millis();
            publish(Topics.deviceTelemetryTopic(endpoint.tenant(), endpoint.id()), refused.encode(now), now);
        }
    }

    /**
     * One publish response: one record of the items that changed, in the server's order. An item the server queued
     * more than once ({@code queueSize} &gt; 1, or what piled up during a network cut) starts a new record at its
     * second value, so every value it sent reaches Kafka, in order.
     */
    private void onData(List<OpcUaMonitoredItem> items, List<DataValue> values) {
        lastData = System.nanoTime();
        runtime.metrics().notifications(values.size());
        PublishRecord record = new PublishRecord();
        for (int i = 0; i < items.size(); i++) {
            String name = (String) items.get(i).getUserObject().orElse("?");
            if (!replayed.fresh(name, values.get(i))) {
                runtime.metrics().replayed();
                continue;
            }
            if (record.has(name)) {
                deliver(record);
                record = new PublishRecord();
            }
            record.add(name, values.get(i));
        }
        if (!record.isEmpty()) {
            deliver(record);
        }
    }

    private void deliver(PublishRecord record) {
        long received = runtime.clock().millis();
        PublishRecord.Encoded encoded = record.encode(received, runtime.maxRecordBytes());
        if (!encoded.tooLarge().isEmpty()) {
            tooLarge(encoded.tooLarge());
        }
        if (encoded.payloads().size() > 1) {
            runtime.metrics().split();
        }
        for (byte[] payload : encoded.payloads()) {
            publish(Topics.deviceTelemetryTopic(endpoint.tenant(), endpoint.id()), payload, record.ts(received))
                    .whenComplete(this::recorded);
        }
    }

    /**
     * Values over the record limit: counted each time, and said once per item and subscription on the status topic
     * ({@code {"state":"value-too-large","item":...}}, which leaves the link state as it is) and in the log.
     */
    private void tooLarge(Map<String, Long> items) {
        runtime.metrics().tooLarge(items.size());
        items.forEach((item, size) -> {
            if (!reportedTooLarge.add(item)) {
                return;
            }
            String reason = "the value of item " + item + " exceeds the record limit of " + runtime.maxRecordBytes()
                    + " bytes (devices.maxPayload) as JSON (" + size + " bytes and more): sent as null with quality "
                    + PublishRecord.TOO_LARGE + " while it stays that large";
            log.warn("opcua {}: {}", endpoint.id(), reason);
            String json =
                    "{\"state\":\"value-too-large\",\"ts\":" + runtime.clock().millis() + ",\"source\":"
                            + quote(endpoint.source()) + ",\"item\":" + quote(item) + ",\"limit\":"
                            + runtime.maxRecordBytes() + ",\"reason\":" + quote(reason) + "}";
            publish(
                    Topics.deviceEventTopic(endpoint.tenant(), endpoint.id()) + "/status",
                    json.getBytes(StandardCharsets.UTF_8),
                    runtime.clock().millis());
        });
    }

    private void recorded(Outcome outcome, Throwable failure) {
        if (failure != null) {
            runtime.metrics().record("rejected");
            log.warn("opcua {}: record not taken", endpoint.id(), failure);
        } else if (outcome instanceof Outcome.Rejected rejected) {
            // a subscription cannot be asked again: the server's queue is the only buffer before here
            runtime.metrics().record(rejected.retriable() ? "retried" : "rejected");
            log.warn("opcua {}: record refused: {} {}", endpoint.id(), rejected.status(), rejected.reason());
        } else {
            runtime.metrics().record(outcome instanceof Outcome.Local ? "local" : "accepted");
        }
    }

    private void status(String state, String reason) {
        if (state.equals(lastState)) {
            return;
        }
        lastState = state;
        String json = "{\"state\":\"" + state + "\",\"ts\":" + runtime.clock().millis() + ",\"source\":"
                + quote(endpoint.source()) + (reason == null ? "" : ",\"reason\":" + quote(reason)) + "}";
        publish(
                Topics.deviceEventTopic(endpoint.tenant(), endpoint.id()) + "/status",
                json.getBytes(StandardCharsets.UTF_8),
                runtime.clock().millis());
    }

    /** Sends one message of this endpoint through the pipeline, with its {@code source} and labels. */
    CompletableFuture<Outcome> publish(String topic, byte[] payload, long time) {
        InboundMessage message = new InboundMessage(
                topic, payload, QoS.AT_LEAST_ONCE, sender, PublishRecord.CONTENT_TYPE, time, false, headers);
        try {
            return runtime.uplink().accept(message).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void dispose(OpcUaClient which) {
        OpcUaClient current;
        synchronized (lock) {
            current = client;
            client = null;
            watch = null;
        }
        OpcUaClient done = which != null ? which : current;
        if (done == null) {
            return;
        }
        try {
            // the server may be gone: do not wait long for a goodbye it cannot answer
            done.disconnectAsync().get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("opcua {}: disconnect: {}", endpoint.id(), e.toString());
        }
    }

    /** Doubling from {@code reconnectDelay} to {@code reconnectMax}, each wait ±25 %. */
    private long backoff(int failedAttempts) {
        long base = runtime.settings().reconnectDelay().toMillis();
        long max = runtime.settings().reconnectMax().toMillis();
        long delay = Math.min(max, base << Math.min(Math.max(failedAttempts - 1, 0), 20));
        return (long) (delay * (0.75 + 0.5 * ThreadLocalRandom.current().nextDouble()));
    }

    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** A connect failure in a line: the OPC UA status name and message, or the cause's message. */
    static String describe(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof ExecutionException || cause.getCause() instanceof UaException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof UaException ua) {
            return PublishRecord.quality(ua.getStatusCode()) + " (" + ua.getMessage() + ")";
        }
        if (cause instanceof TimeoutException) {
            return "no answer within " + Optional.ofNullable(cause.getMessage()).orElse("the request timeout");
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
