package io.fogbridge.mqtt;

import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.packets.connect.WillPublishPacket;
import com.hivemq.extension.sdk.api.parameter.ClientBasedInput;
import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Uplink;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards MQTT wills to the {@link Uplink}, marked as wills ({@link InboundMessage#will()}, header
 * {@code mqtt-will: true}). HiveMQ publishes a will itself, past every publish interceptor, so without this a
 * device's "I died" message reached local subscribers and never the cloud.
 *
 * <p>A will is armed at connection start (kept by a token in the connection's attribute store, so a client-id
 * takeover never mixes two connections' wills) and fired when the broker fires it: the connection was lost, the
 * broker disconnected the client, or the client sent DISCONNECT with reason 0x04; a normal DISCONNECT or a failed
 * authentication discards it. An MQTT 5 will delay (capped by the session expiry) is honoured, and a reconnect of the
 * same client id within it cancels the will, as the broker does. It then takes the path of any publish from that
 * connection: the topic ACL (checked again, {@link RegistryAuthenticator} refused a forbidden will at CONNECT
 * already), the payload limit, the sender's identity, routing and the spool. Nobody waits for an acknowledgement,
 * so a refusal is logged and counted as {@code fogbridge.mqtt.rejected}.
 *
 * <p>Memory: at most one armed will per open connection, bounded by the broker's packet size limit. Thread-safe;
 * called on HiveMQ's extension threads, never blocks.
 */
final class WillRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WillRelay.class);
    private static final String TOKEN = "fogbridge.will";

    private record ArmedWill(String topic, byte[] payload, QoS qos, String contentType, long delaySeconds) {}

    private final Uplink uplink;
    private final TopicAcl acl;
    private final SenderResolver senders;
    private final MqttMetrics metrics;
    private final int maxPayloadBytes;
    private final Clock clock;
    private final Map<String, ArmedWill> armed = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> delayed = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fogbridge-mqtt-wills");
        thread.setDaemon(true);
        return thread;
    });

    WillRelay(
            Uplink uplink,
            TopicAcl acl,
            SenderResolver senders,
            MqttMetrics metrics,
            int maxPayloadBytes,
            Clock clock) {
        this.uplink = uplink;
        this.acl = acl;
        this.senders = senders;
        this.metrics = metrics;
        this.maxPayloadBytes = maxPayloadBytes;
        this.clock = clock;
    }

    /** A connection started: keep its will, if it has one. */
    void connectionStarted(ConnectionStartInput input) {
        input.getConnectPacket().getWillPublish().ifPresent(will -> {
            String token = UUID.randomUUID().toString();
            long delay = Math.min(will.getWillDelay(), input.getConnectPacket().getSessionExpiryInterval());
            armed.put(token, armedWill(will, delay));
            input.getConnectionInformation().getConnectionAttributeStore().putAsString(TOKEN, token);
        });
    }

    /** The client id connected (again): a will still waiting out its delay is not sent, as the broker does. */
    void clientConnected(String clientId) {
        ScheduledFuture<?> pending = delayed.remove(clientId);
        if (pending != null) {
            pending.cancel(false);
        }
    }

    /** The connection ended and the broker publishes its will: forward it too (after the will delay). */
    void fire(ClientBasedInput connection) {
        ArmedWill will = disarm(connection);
        if (will == null) {
            return;
        }
        if (ConnectionPrincipal.pending(connection)) {
            metrics.pendingDropped(); // a device held pending approval sends nothing past the edge, its will neither
            return;
        }
        String clientId = connection.getClientInformation().getClientId();
        DeviceRef sender = senders.senderOf(connection);
        ConnectionPrincipal principal = ConnectionPrincipal.of(connection);
        if (will.delaySeconds() <= 0) {
            forward(clientId, principal, sender, will);
            return;
        }
        delayed.put(
                clientId,
                timer.schedule(
                        () -> {
                            delayed.remove(clientId);
                            forward(clientId, principal, sender, will);
                        },
                        will.delaySeconds(),
                        TimeUnit.SECONDS));
    }

    /** The connection ended without a will being published (normal DISCONNECT, failed authentication). */
    void discard(ClientBasedInput connection) {
        disarm(connection);
    }

    private ArmedWill disarm(ClientBasedInput connection) {
        return connection
                .getConnectionInformation()
                .getConnectionAttributeStore()
                .getAsString(TOKEN)
                .map(armed::remove)
                .orElse(null);
    }

    private void forward(String clientId, ConnectionPrincipal principal, DeviceRef sender, ArmedWill will) {
        if (will.payload().length > maxPayloadBytes) {
            log.warn(
                    "will of client {} not forwarded: {} bytes exceed devices.maxPayload",
                    clientId,
                    will.payload().length);
            metrics.rejected(MqttMetrics.TOO_LARGE);
            return;
        }
        String denial = acl.publishDenial(principal, will.topic());
        if (denial != null) {
            log.warn("will of client {} not forwarded: {}", clientId, denial);
            metrics.rejected(MqttMetrics.NOT_AUTHORIZED);
            return;
        }
        InboundMessage message = new InboundMessage(
                will.topic(), will.payload(), will.qos(), sender, will.contentType(), clock.millis(), true);
        metrics.received(will.qos());
        CompletableFuture<Outcome> outcome;
        try {
            outcome = uplink.accept(message);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        outcome.whenComplete((result, failure) -> {
            if (failure != null) {
                log.warn("will of client {} on {} could not be forwarded", clientId, will.topic(), failure);
                metrics.rejected(MqttMetrics.ERROR);
            } else if (result instanceof Outcome.Rejected rejected) {
                log.warn("will of client {} on {} refused: {}", clientId, will.topic(), rejected.reason());
                metrics.rejected(RejectionReply.of(rejected).metricReason());
            } else {
                log.debug("will of client {} on {} forwarded", clientId, will.topic());
            }
        });
    }

    private static ArmedWill armedWill(WillPublishPacket will, long delaySeconds) {
        ByteBuffer payload = will.getPayload().orElse(ByteBuffer.allocate(0));
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        return new ArmedWill(
                will.getTopic(),
                bytes,
                QoS.ofMqtt(will.getQos().getQosNumber()),
                will.getContentType().orElse(null),
                delaySeconds);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
