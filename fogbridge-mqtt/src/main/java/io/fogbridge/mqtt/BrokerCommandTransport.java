package io.fogbridge.mqtt;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.fogbridge.api.Command;
import io.fogbridge.api.CommandTransport;
import io.fogbridge.api.DeliveryResult;
import io.fogbridge.api.DeviceId;
import io.fogbridge.api.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Delivers commands through the external broker: a QoS 1 PUBLISH on
 * {@code command/{tenant}/{device}/req/{request-id}/{name}} from the bridge's own connection, counted
 * {@link DeliveryResult.Delivered} when <b>the broker</b> acknowledges it (PUBACK success).
 *
 * <p><b>Weaker than the embedded broker.</b> There the device's own PUBACK completes the delivery. Here the gateway
 * sees only the broker's: the broker has routed the command to the sessions subscribed to it, and a device that is
 * offline with a persistent session gets it from the broker's queue when it comes back, if that queue keeps it (see
 * docs/external-broker.md). Once the broker acknowledged, the gateway does not send the command again.
 *
 * <p><b>Who is reachable.</b> The gateway cannot see the broker's subscriptions, so every device is taken to be
 * reachable while the bridge is connected, except one the broker answered "no matching subscribers" (MQTT 5 PUBACK
 * 0x10) within {@code unreachableFor}: that command stays pending ({@link DeliveryResult.NotConnected}), and for that
 * time the router may hand it to a polling protocol (HTTP, CoAP) instead.
 *
 * <p><b>Failures.</b> No broker connection, or no PUBACK within {@code ackTimeout}: NotConnected, sent again later.
 * An error PUBACK (such as 0x87 when the broker's ACL does not let the gateway publish there): Failed 503 with the
 * reason code, so the cloud hears about a misconfigured broker instead of waiting for the ttl.
 *
 * <p>Thread-safe; never blocks.
 */
final class BrokerCommandTransport implements CommandTransport {

    private final Supplier<Mqtt5AsyncClient> client;
    private final BooleanSupplier connected;
    private final Duration ackTimeout;
    private final Duration unreachableFor;
    private final Clock clock;
    private final Map<DeviceId, Long> unsubscribedUntil = new ConcurrentHashMap<>();

    BrokerCommandTransport(
            Supplier<Mqtt5AsyncClient> client,
            BooleanSupplier connected,
            Duration ackTimeout,
            Duration unreachableFor,
            Clock clock) {
        this.client = client;
        this.connected = connected;
        this.ackTimeout = ackTimeout;
        this.unreachableFor = unreachableFor;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "mqtt-external";
    }

    @Override
    public boolean serves(String tenant, String device) {
        Long until = unsubscribedUntil.get(new DeviceId(tenant, device));
        return connected.getAsBoolean() && (until == null || clock.millis() >= until);
    }

    @Override
    public CompletableFuture<DeliveryResult> deliver(Command command) {
        Mqtt5AsyncClient mqtt = client.get();
        if (mqtt == null || !connected.getAsBoolean()) {
            // The client would hold the PUBLISH until it reconnects; the router keeps the command pending instead.
            return CompletableFuture.completedFuture(DeliveryResult.NOT_CONNECTED);
        }
        DeviceId device = new DeviceId(command.tenant(), command.device());
        Mqtt5PublishBuilder.Send.Complete<CompletableFuture<Mqtt5PublishResult>> publish = mqtt.publishWith()
                .topic(Topics.deviceCommandRequestTopic(
                        command.tenant(), command.device(), command.requestId(), command.name()))
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(command.payload());
        if (command.contentType() != null) {
            publish = publish.contentType(command.contentType());
        }
        CompletableFuture<Mqtt5PublishResult> sent;
        try {
            sent = publish.send();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new DeliveryResult.Failed(503, "MQTT publish failed: " + e));
        }
        return sent.handle((result, failure) -> outcome(device, result, failure))
                .completeOnTimeout(DeliveryResult.NOT_CONNECTED, ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private DeliveryResult outcome(DeviceId device, Mqtt5PublishResult result, Throwable failure) {
        if (failure != null) {
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            return cause instanceof Mqtt5PubAckException refused
                    ? new DeliveryResult.Failed(503, "the broker refused the command: " + refused.getMqttMessage())
                    : DeliveryResult.NOT_CONNECTED; // the connection dropped before the PUBACK
        }
        if (result.getError().isPresent()) {
            return new DeliveryResult.Failed(
                    503, "the broker refused the command: " + result.getError().get());
        }
        boolean noSubscriber = result instanceof Mqtt5PublishResult.Mqtt5Qos1Result qos1
                && qos1.getPubAck().getReasonCode() == Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS;
        if (noSubscriber) {
            unsubscribedUntil.put(device, clock.millis() + unreachableFor.toMillis());
            return DeliveryResult.NOT_CONNECTED;
        }
        unsubscribedUntil.remove(device);
        return DeliveryResult.DELIVERED;
    }
}
