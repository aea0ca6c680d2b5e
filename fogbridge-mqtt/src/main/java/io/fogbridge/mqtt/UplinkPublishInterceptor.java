package io.fogbridge.mqtt;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.PublishPacket;
import com.hivemq.extension.sdk.api.parameter.ClientBasedInput;
import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.log.Untrusted;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every device PUBLISH on the embedded broker to the {@link Uplink} and answers the device by the outcome.
 *
 * <p><b>Guarantee.</b> QoS 1 (and 2, served as at-least-once): the PUBLISH is parked with
 * {@link PublishInboundOutput#async} and HiveMQ sends the PUBACK only when {@link Async#resume()} is called, which
 * happens when the uplink's future completed. Accepted or Local: the publish goes on to local subscribers too and the
 * PUBACK is a success. Rejected: local delivery is prevented and the PUBACK carries the {@link RejectionReply} code
 * (HiveMQ disconnects a 3.1.1 client instead). If the uplink has not answered within {@code ackTimeout}, HiveMQ
 * answers 0x83 itself; a record that lands in the spool after that is a duplicate once the device retransmits.
 * QoS 0 is handed over without waiting: at most once never delays the sender.
 *
 * <p><b>Through the device relay</b> (decision 0001, {@code devices.pipelinedAcks}): HiveMQ does not intercept a
 * connection the {@link DeviceRelay} registered ({@link #takeOverFromBroker}). The relay reads that connection's
 * PUBLISHes itself and asks {@link #onRelayedPublish}, which makes the same checks, refusals and counts and starts
 * the append; the relay holds the answer until it is durable ({@link PipelinedAcks}), many per connection at once.
 *
 * <p><b>Threads.</b> Runs on HiveMQ's small extension executor (2 threads): it never blocks. HiveMQ handles one
 * intercepted publish per client at a time, so per-connection ordering is kept.
 */
final class UplinkPublishInterceptor implements PublishInboundInterceptor {

    private static final Logger log = LoggerFactory.getLogger(UplinkPublishInterceptor.class);
    // Reason codes on the wire (MQTT 5 §2.4), for the relay, which writes its answers itself.
    private static final int NOT_AUTHORIZED = 0x87;
    private static final int TOPIC_NAME_INVALID = 0x90;
    private static final int PACKET_TOO_LARGE = 0x95;

    private final Uplink uplink;
    private final int maxPayloadBytes;
    private final Duration ackTimeout;
    private final Clock clock;
    private final SenderResolver senders;
    private final TopicAcl acl;
    private final MqttMetrics metrics;
    private final BrokerBacklog backlog;
    private final RelayedConnections relayed;
    /** QoS 0 senders cut off in the current overload, so each is disconnected once (at most one per connection). */
    private final Set<String> cutOff = ConcurrentHashMap.newKeySet();
    /**
     * Disconnects a client with a reason code: 0x95, or 0x87 and 0x90 where a QoS 0 publish has no PUBACK to carry the
     * refusal. Given as a function so the interceptor stays testable.
     */
    private final Disconnect disconnect;

    /** Closes a client's connection with a DISCONNECT carrying {@code code} and {@code reason}. */
    @FunctionalInterface
    interface Disconnect {
        void disconnect(String clientId, DisconnectReasonCode code, String reason);
    }

    UplinkPublishInterceptor(
            Uplink uplink,
            int maxPayloadBytes,
            Duration ackTimeout,
            Clock clock,
            SenderResolver senders,
            TopicAcl acl,
            MqttMetrics metrics,
            BrokerBacklog backlog,
            RelayedConnections relayed,
            Disconnect disconnect) {
        this.relayed = relayed;
        this.uplink = uplink;
        this.maxPayloadBytes = maxPayloadBytes;
        this.ackTimeout = ackTimeout;
        this.clock = clock;
        this.senders = senders;
        this.acl = acl;
        this.metrics = metrics;
        this.backlog = backlog;
        this.disconnect = disconnect;
    }

    @Override
    public void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
        long arrivalTime = clock.millis();
        PublishPacket packet = input.getPublishPacket();
        ByteBuffer payload = packet.getPayload().orElse(ByteBuffer.allocate(0));
        if (payload.remaining() > maxPayloadBytes) {
            refuseTooLarge(input, output, payload.remaining());
            return;
        }
        if (ConnectionPrincipal.pending(input)) {
            dropPending(input, output);
            return;
        }
        String denial = acl.publishDenial(ConnectionPrincipal.of(input), packet.getTopic());
        if (denial != null) {
            refuseNotAuthorized(input, output, denial);
            return;
        }
        DeviceRef sender = senders.senderOf(input);
        String invalid = sender.authenticated() ? null : AnonymousIds.topicProblem(packet.getTopic());
        if (invalid != null) {
            refuseInvalidTopic(input, output, invalid);
            return;
        }
        QoS qos = QoS.ofMqtt(packet.getQos().getQosNumber());
        if (qos == QoS.AT_MOST_ONCE && shed(input, output, payload.remaining())) {
            return;
        }
        InboundMessage message = new InboundMessage(
                packet.getTopic(),
                bytesOf(payload),
                qos,
                sender,
                packet.getContentType().orElse(null),
                arrivalTime);
        metrics.received(qos);
        if (qos == QoS.AT_MOST_ONCE) {
            accept(message).whenComplete(this::countAtMostOnce);
            return;
        }
        Async<PublishInboundOutput> async = output.async(
                ackTimeout,
                TimeoutFallback.FAILURE,
                AckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR,
                "not confirmed durable within " + ackTimeout.toMillis() + " ms");
        accept(message).whenComplete((outcome, failure) -> answer(async, outcome, failure));
    }

    /**
     * What the device relay does with a PUBLISH it read itself ({@link #onRelayedPublish}).
     */
    sealed interface RelayVerdict {
        /**
         * Handed to the uplink: relay it on to local subscribers; QoS 1 and 2 are answered once {@code durable}
         * completes (a later refusal fails it with {@link HeldAcks.Refused}). QoS 0: {@code durable} is null.
         */
        record Appended(CompletableFuture<Outcome> durable) implements RelayVerdict {}

        /**
         * Neither handed to the uplink nor relayed. {@code disconnect} ≠ 0: the connection is closed with that code
         * (an MQTT 3 client without it). Otherwise QoS 1 and 2 are answered {@code ack} in their place (0 = success;
         * an MQTT 3 client, which cannot hear a refusal, is disconnected instead), and QoS 0 is dropped.
         */
        record Answered(int ack, int disconnect, String reason) implements RelayVerdict {}
    }

    /**
     * Relay mode's own PUBLISH path (decision 0001): the same checks, refusals and counts as {@link #onInboundPublish},
     * for a PUBLISH the {@link DeviceRelay} read from the wire of a connection whose publishes HiveMQ does not
     * intercept ({@link #takeOverFromBroker}). Runs on the relay's event loop: never blocks.
     *
     * @param sender  who the connection authenticated as ({@link RelayedConnections.Identity})
     * @param mqtt5   whether the connection speaks MQTT 5
     * @param publish the PUBLISH as read from the wire
     */
    RelayVerdict onRelayedPublish(RelayedConnections.Identity sender, boolean mqtt5, RelayedPublish publish) {
        long arrivalTime = clock.millis();
        int size = publish.payload().length;
        if (size > maxPayloadBytes) {
            metrics.rejected(MqttMetrics.TOO_LARGE);
            return new RelayVerdict.Answered(0, PACKET_TOO_LARGE, tooLarge(size));
        }
        if (sender.pending()) {
            metrics.pendingDropped();
            int ack = mqtt5 && publish.qos() > 0 ? NOT_AUTHORIZED : 0;
            return new RelayVerdict.Answered(ack, 0, "pending approval");
        }
        String clientId = sender.device().clientId();
        String denial = acl.publishDenial(sender.principal(), publish.topic());
        if (denial != null) {
            logNotAuthorized(clientId, denial);
            metrics.rejected(MqttMetrics.NOT_AUTHORIZED);
            return refusal(publish, NOT_AUTHORIZED, "not authorized");
        }
        String invalid = sender.device().authenticated() ? null : AnonymousIds.topicProblem(publish.topic());
        if (invalid != null) {
            logInvalidTopic(clientId, publish.topic(), invalid);
            metrics.rejected(MqttMetrics.INVALID_ID);
            return refusal(publish, TOPIC_NAME_INVALID, invalid);
        }
        QoS qos = QoS.ofMqtt(publish.qos());
        InboundMessage message = new InboundMessage(
                publish.topic(), publish.payload(), qos, sender.device(), publish.contentType(), arrivalTime);
        metrics.received(qos);
        if (qos == QoS.AT_MOST_ONCE) {
            accept(message).whenComplete(this::countAtMostOnce);
            return new RelayVerdict.Appended(null);
        }
        CompletableFuture<Outcome> append = accept(message);
        if (append.isDone()) { // a refusal known at once: nothing reaches local subscribers, as without the relay
            Outcome outcome = null;
            Throwable failure = null;
            try {
                outcome = append.join();
            } catch (RuntimeException e) {
                failure = e.getCause() != null ? e.getCause() : e;
            }
            try {
                durableOrRefused(outcome, failure);
            } catch (HeldAcks.Refused refused) {
                return new RelayVerdict.Answered(refused.reasonCode, 0, refused.getMessage());
            }
            return new RelayVerdict.Appended(append);
        }
        return new RelayVerdict.Appended(append.handle(this::durableOrRefused));
    }

    /** A refusal by the checks: QoS 0 has no PUBACK to carry it, so the connection is closed with the code. */
    private static RelayVerdict refusal(RelayedPublish publish, int code, String reason) {
        return publish.qos() == 0
                ? new RelayVerdict.Answered(0, code, reason)
                : new RelayVerdict.Answered(code, 0, reason);
    }

    /**
     * Relay mode: HiveMQ is not to intercept this connection's publishes, because the relay hands them to the
     * uplink itself ({@link #onRelayedPublish}). Called by the client initializer once the connection is
     * authenticated: a connection the relay registered gets its identity recorded there, and true is returned, so the
     * initializer does not add this interceptor; any other connection gets false.
     */
    boolean takeOverFromBroker(ClientBasedInput connection) {
        RelayedConnections.Registration relay = relayed.of(connection.getConnectionInformation());
        if (relay == null) {
            return false;
        }
        relay.identify(new RelayedConnections.Identity(
                senders.senderOf(connection),
                ConnectionPrincipal.of(connection),
                ConnectionPrincipal.pending(connection)));
        return true;
    }

    /**
     * A QoS 0 publish while the broker's queue of publishes is over its bound ({@link BrokerBacklog}) is dropped and
     * counted ({@code overload}), and its sender is disconnected with 0x96 (message rate too high): MQTT has no other
     * way to slow a QoS 0 sender, and HiveMQ keeps reading (and queueing) as long as the connection is open. QoS 1
     * publishes are not shed here: the sender's in-flight window already bounds them, and the spool's append budget
     * refuses them as retriable when it is full.
     */
    private boolean shed(PublishInboundInput input, PublishInboundOutput output, int payloadBytes) {
        if (!backlog.overBound(payloadBytes)) {
            if (!cutOff.isEmpty() && backlog.drained(payloadBytes)) {
                cutOff.clear();
            }
            return false;
        }
        output.preventPublishDelivery();
        metrics.rejected(MqttMetrics.OVERLOAD);
        String clientId = input.getClientInformation().getClientId();
        if (cutOff.add(clientId)) {
            log.warn(
                    "client {} publishes QoS 0 faster than the gateway takes it ({} publishes queued in the broker):"
                            + " disconnected with 0x96, its queued QoS 0 publishes dropped",
                    Untrusted.of(clientId),
                    backlog.queued());
            disconnect.disconnect(
                    clientId,
                    DisconnectReasonCode.MESSAGE_RATE_TOO_HIGH,
                    "QoS 0 publishes faster than the gateway takes them");
        }
        return true;
    }

    private CompletableFuture<Outcome> accept(InboundMessage message) {
        try {
            return uplink.accept(message);
        } catch (RuntimeException e) { // the uplink broke its contract; answer the device, keep the broker up
            return CompletableFuture.failedFuture(e);
        }
    }

    private void answer(Async<PublishInboundOutput> async, Outcome outcome, Throwable failure) {
        if (async.getStatus() != Async.Status.RUNNING) {
            // HiveMQ already answered with the timeout fallback; the device will retransmit.
            metrics.rejected(MqttMetrics.TIMEOUT);
            return;
        }
        decide(async.getOutput(), outcome, failure);
        async.resume();
    }

    /** Tells HiveMQ how to answer a PUBLISH whose uplink future completed. */
    private void decide(PublishInboundOutput output, Outcome outcome, Throwable failure) {
        if (failure == null && outcome == null) { // a broken contract must never read as "durable"
            failure = new IllegalStateException("uplink completed with no outcome");
        }
        if (failure != null) {
            log.warn("uplink failed on an MQTT publish; answering the device with an error", failure);
            refuse(output, RejectionReply.failure(), "internal error");
        } else if (outcome instanceof Outcome.Rejected rejected) {
            refuse(output, RejectionReply.of(rejected), rejected.reason());
        }
    }

    private Outcome durableOrRefused(Outcome outcome, Throwable failure) {
        if (failure == null && outcome == null) {
            failure = new IllegalStateException("uplink completed with no outcome");
        }
        if (failure != null) {
            log.warn("uplink failed on an MQTT publish; answering the device with an error", failure);
            metrics.rejected(MqttMetrics.ERROR);
            throw new HeldAcks.Refused(RejectionReply.failure().wireCode(), "internal error");
        }
        if (outcome instanceof Outcome.Rejected rejected) {
            RejectionReply reply = RejectionReply.of(rejected);
            metrics.rejected(reply.metricReason());
            throw new HeldAcks.Refused(reply.wireCode(), rejected.reason());
        }
        return outcome;
    }

    private void refuse(PublishInboundOutput output, RejectionReply reply, String reason) {
        output.preventPublishDelivery(reply.code(), reason == null ? reply.metricReason() : reason);
        metrics.rejected(reply.metricReason());
    }

    private void countAtMostOnce(Outcome outcome, Throwable failure) {
        // No one to answer at QoS 0; the message has already gone on to local subscribers.
        if (failure != null) {
            log.warn("uplink failed on a QoS 0 MQTT publish; it is lost", failure);
            metrics.rejected(MqttMetrics.ERROR);
        } else if (outcome instanceof Outcome.Rejected rejected) {
            metrics.rejected(RejectionReply.of(rejected).metricReason());
        }
    }

    private void refuseTooLarge(PublishInboundInput input, PublishInboundOutput output, int size) {
        String reason = tooLarge(size);
        if (input.getPublishPacket().getQos().getQosNumber() == 0) {
            output.preventPublishDelivery();
        } else {
            output.preventPublishDelivery(AckReasonCode.QUOTA_EXCEEDED, reason);
        }
        // Counted by the lifecycle listener when the 0x95 disconnect happens, like oversize packets HiveMQ refuses.
        disconnect.disconnect(
                input.getClientInformation().getClientId(), DisconnectReasonCode.PACKET_TOO_LARGE, reason);
    }

    /**
     * Topic ACL violation: nothing reaches the uplink or local subscribers. QoS 1: PUBACK 0x87 (HiveMQ disconnects a
     * 3.1.1 client, which has no way to hear it). QoS 0: disconnect with 0x87. Other clients are not affected.
     */
    /**
     * A device held pending approval: nothing it sends leaves the edge, not even to local subscribers. MQTT 5 hears
     * why (0x87 "pending approval"); an MQTT 3.1.1 client, which HiveMQ would disconnect for any refusal, gets its
     * PUBACK, so it does not reconnect in a loop: onboarding drops its data knowingly and counts it.
     */
    private void dropPending(PublishInboundInput input, PublishInboundOutput output) {
        metrics.pendingDropped();
        boolean v5 = input.getConnectionInformation().getMqttVersion()
                == com.hivemq.extension.sdk.api.packets.general.MqttVersion.V_5;
        if (v5 && input.getPublishPacket().getQos().getQosNumber() > 0) {
            output.preventPublishDelivery(AckReasonCode.NOT_AUTHORIZED, "pending approval");
        } else {
            output.preventPublishDelivery();
        }
    }

    private void refuseNotAuthorized(PublishInboundInput input, PublishInboundOutput output, String denial) {
        String clientId = input.getClientInformation().getClientId();
        logNotAuthorized(clientId, denial);
        metrics.rejected(MqttMetrics.NOT_AUTHORIZED);
        if (input.getPublishPacket().getQos().getQosNumber() == 0) {
            output.preventPublishDelivery();
            disconnect.disconnect(clientId, DisconnectReasonCode.NOT_AUTHORIZED, "not authorized");
        } else {
            output.preventPublishDelivery(AckReasonCode.NOT_AUTHORIZED, "not authorized");
        }
    }

    /**
     * An anonymous client named a tenant or device that no registered device could have ({@link AnonymousIds}):
     * QoS 1 gets PUBACK 0x90 (topic name invalid) with the rule, QoS 0 a disconnect with 0x90; counted as
     * {@code invalid-id}. Nothing reaches the uplink or local subscribers.
     */
    private void refuseInvalidTopic(PublishInboundInput input, PublishInboundOutput output, String problem) {
        String clientId = input.getClientInformation().getClientId();
        logInvalidTopic(clientId, input.getPublishPacket().getTopic(), problem);
        metrics.rejected(MqttMetrics.INVALID_ID);
        if (input.getPublishPacket().getQos().getQosNumber() == 0) {
            output.preventPublishDelivery();
            disconnect.disconnect(clientId, DisconnectReasonCode.TOPIC_NAME_INVALID, problem);
        } else {
            output.preventPublishDelivery(AckReasonCode.TOPIC_NAME_INVALID, problem);
        }
    }

    private String tooLarge(int size) {
        return "payload of " + size + " bytes exceeds devices.maxPayload (" + maxPayloadBytes + " bytes)";
    }

    private static void logNotAuthorized(String clientId, String denial) {
        log.warn("client {}: {}; refused (not authorized)", Untrusted.of(clientId), Untrusted.of(denial));
    }

    private static void logInvalidTopic(String clientId, String topic, String problem) {
        log.warn("anonymous client {} refused on topic {}: {}", Untrusted.of(clientId), Untrusted.of(topic), problem);
    }

    private static byte[] bytesOf(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        return bytes;
    }
}
