package io.fogbridge.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.Headers;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Topics;
import io.fogbridge.certs.CertificateFactory.Issued;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemServiceOperationResult;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint's connection life: open a session, create the subscription and every monitored item, deliver each
 * publish as one record, and on any loss throw the client away and build it all again, with back-off and jitter.
 *
 * <p><b>Why a fresh client.</b> Milo's client reconnects a lost session on its own, but after a server restart the
 * server no longer knows the subscription: the transfer fails ({@code Bad_SubscriptionIdInvalid}) and, unless the
 * subscription is created again, nothing flows while the session looks healthy. Its session reconnect also waits
 * seconds between attempts. So every sign of loss (the session goes inactive, a transfer fails, the subscription's
 * watchdog elapses, the server says the subscription is gone) ends this client, and the loop here makes a new session,
 * subscription and items on its own schedule ({@code reconnectDelay} doubling to {@code reconnectMax}). Data lost
 * while the server was down is data the server never sent; republishing what a live server still queues across a
 * short network cut is not used yet.
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
 * subscription stands, {@code {"state":"lost","reason":...}} when it ends or the first attempt fails, and
 * {@code {"state":"resubscribed",...}} when a new session and subscription stand again after a loss; repeated failed
 * attempts publish nothing more until the endpoint is back.
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
    private CompletableFuture<String> loss; // guarded by lock; completes with the reason the client is done
    private boolean everConnected;
    private String lastState = "";

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
            if (loss != null) {
                loss.complete("closed");
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
            CompletableFuture<String> lost = new CompletableFuture<>();
            OpcUaClient opened = null;
            try {
                opened = connect(lost);
                subscribe(opened, lost);
                failedAttempts = 0;
                attention = null;
                connected = true;
                lastData = System.nanoTime();
                runtime.metrics().connect(true);
                if (everConnected) {
                    runtime.metrics().reconnected();
                }
                log.info(
                        "opcua {} {} {}",
                        endpoint.id(),
                        everConnected ? "resubscribed to" : "subscribed to",
                        endpoint.url());
                status(everConnected ? "resubscribed" : "connected", null);
                everConnected = true;
                writes.attach(opened);
                String reason = lost.get();
                writes.detach();
                if (closed) {
                    break;
                }
                connected = false;
                runtime.metrics().lost();
                log.warn("opcua {} ({}) lost: {}", endpoint.id(), endpoint.url(), reason);
                status("lost", reason);
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

    private OpcUaClient connect(CompletableFuture<String> lost) throws Exception {
        long timeout = runtime.settings().requestTimeout().toMillis();
        URI url = URI.create(endpoint.url());
        IdentityProvider identity = identity();
        OpcUaClient created = OpcUaClient.create(
                endpoint.url(),
                endpoints -> endpoints.stream()
                        .filter(this::matches)
                        .findFirst()
                        // servers often announce a host name of their own; the configured address is the one that works
                        .map(e -> EndpointUtil.updateUrl(e, url.getHost(), url.getPort() == -1 ? 4840 : url.getPort())),
                transport -> transport.setConnectTimeout(uint(timeout)),
                config -> config.setApplicationName(LocalizedText.english("Fogbridge gateway"))
                        .setApplicationUri(runtime.identity().applicationUri())
                        .setCertificate(runtime.identity().certificate())
                        .setCertificateChain(
                                new X509Certificate[] {runtime.identity().certificate()})
                        .setKeyPair(runtime.identity().keyPair())
                        .setCertificateValidator(trust)
                        .setProductUri("urn:fogbridge")
                        .setRequestTimeout(uint(timeout))
                        .setIdentityProvider(identity));
        synchronized (lock) {
            client = created;
            loss = lost;
        }
        if (closed) {
            lost.complete("closed");
        }
        created.addSessionActivityListener(new SessionActivityListener() {
            @Override
            public void onSessionInactive(UaSession session) {
                lost.complete("session closed (server stopped or connection cut)");
            }
        });
        created.connectAsync().get(timeout, TimeUnit.MILLISECONDS);
        return created;
    }

    private boolean matches(EndpointDescription description) {
        return description.getSecurityPolicyUri().equals(policy().getUri())
                && description.getSecurityMode() == MessageSecurityMode.valueOf(endpoint.securityMode());
    }

    private SecurityPolicy policy() {
        return switch (endpoint.securityPolicy()) {
            case "Basic256Sha256" -> SecurityPolicy.Basic256Sha256;
            case "Aes128_Sha256_RsaOaep" -> SecurityPolicy.Aes128_Sha256_RsaOaep;
            case "Aes256_Sha256_RsaPss" -> SecurityPolicy.Aes256_Sha256_RsaPss;
            default -> SecurityPolicy.None;
        };
    }

    private IdentityProvider identity() throws IOException {
        if (endpoint.auth() == OpcUaEndpoint.Auth.USERNAME) {
            String password = Files.readString(endpoint.passwordFile(), StandardCharsets.UTF_8)
                    .strip();
            if (endpoint.securityPolicy().equals("None")) {
                // Milo's default checks nothing here; on a None endpoint nothing else is checked either (warned at
                // start), and asking for trust there would only make username login on a closed network fail
                return new UsernameProvider(endpoint.username(), password);
            }
            // the password is encrypted for the server's certificate: only for one the operator trusts
            return new UsernameProvider(endpoint.username(), password, trust);
        }
        if (endpoint.auth() == OpcUaEndpoint.Auth.CERTIFICATE) {
            Issued user = Issued.readPem(endpoint.userCertificateFile(), endpoint.userKeyFile());
            return new X509IdentityProvider(user.certificate(), user.key());
        }
        return new AnonymousProvider();
    }

    private void subscribe(OpcUaClient on, CompletableFuture<String> lost) throws Exception {
        OpcUaSubscription subscription =
                new OpcUaSubscription(on, (double) endpoint.publishingInterval().toMillis());
        subscription.setSubscriptionListener(new OpcUaSubscription.SubscriptionListener() {
            @Override
            public void onDataReceived(OpcUaSubscription s, List<OpcUaMonitoredItem> items, List<DataValue> values) {
                onData(items, values);
            }

            @Override
            public void onKeepAliveReceived(OpcUaSubscription s) {
                lastData = System.nanoTime();
            }

            @Override
            public void onWatchdogTimerElapsed(OpcUaSubscription s) {
                runtime.metrics().keepAliveFailure();
                lost.complete("neither data nor keep-alive within the subscription's keep-alive time");
            }

            @Override
            public void onTransferFailed(OpcUaSubscription s, StatusCode status) {
                lost.complete("subscription transfer failed: " + PublishRecord.quality(status));
            }

            @Override
            public void onStatusChanged(OpcUaSubscription s, StatusCode status) {
                if (status.isBad()) {
                    lost.complete("subscription ended by the server: " + PublishRecord.quality(status));
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

    /** One publish response: one record of the items that changed. */
    private void onData(List<OpcUaMonitoredItem> items, List<DataValue> values) {
        lastData = System.nanoTime();
        runtime.metrics().notifications(values.size());
        PublishRecord record = new PublishRecord();
        for (int i = 0; i < items.size(); i++) {
            record.add((String) items.get(i).getUserObject().orElse("?"), values.get(i));
        }
        long received = runtime.clock().millis();
        publish(
                        Topics.deviceTelemetryTopic(endpoint.tenant(), endpoint.id()),
                        record.encode(received),
                        record.ts(received))
                .whenComplete((outcome, failure) -> {
                    if (failure != null) {
                        runtime.metrics().record("rejected");
                        log.warn("opcua {}: record not taken", endpoint.id(), failure);
                    } else if (outcome instanceof Outcome.Rejected rejected) {
                        // a subscription cannot be asked again: the server's queue is the only buffer before here
                        runtime.metrics().record(rejected.retriable() ? "retried" : "rejected");
                        log.warn(
                                "opcua {}: record refused: {} {}", endpoint.id(), rejected.status(), rejected.reason());
                    } else {
                        runtime.metrics().record(outcome instanceof Outcome.Local ? "local" : "accepted");
                    }
                });
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
            loss = null;
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

    private static String describe(Throwable e) {
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
