package io.fogbridge.mqtt;

import com.hivemq.extension.sdk.api.interceptor.puback.PubackInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.puback.parameter.PubackInboundInput;
import com.hivemq.extension.sdk.api.interceptor.puback.parameter.PubackInboundOutput;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishOutboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishOutboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishOutboundOutput;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.packets.general.UserProperty;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import com.hivemq.extension.sdk.api.services.builder.PublishBuilder;
import com.hivemq.extension.sdk.api.services.publish.PublishToClientResult;
import io.fogbridge.api.Command;
import io.fogbridge.api.CommandTransport;
import io.fogbridge.api.DeliveryResult;
import io.fogbridge.api.DeviceId;
import io.fogbridge.api.Topics;
import io.fogbridge.api.log.Untrusted;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers commands to devices on the embedded broker: a QoS 1 PUBLISH on
 * {@code command/{tenant}/{device}/req/{request-id}/{name}} sent only to the client that subscribed to the
 * device's command topic, completing {@link DeliveryResult.Delivered} when that client sent its PUBACK.
 *
 * <p><b>Who is reachable.</b> The transport keeps an index device → client, fed by the broker: a successful
 * subscription to a {@code command/…/req/…} filter (the device's own, one it acts for through {@code via}, or,
 * for anonymous local services, any), and for a client that connects with a persistent session, the
 * subscriptions the broker kept for it. A disconnect removes the client. A device that subscribed with the
 * short form {@code command///req/#} gets the command on the short-form topic
 * {@code command///req/{request-id}/{name}}, exactly what it subscribed to.
 *
 * <p><b>Acknowledgement.</b> The PUBLISH carries a user property {@value #COMMAND_ID} that the outbound
 * interceptor removes before the packet leaves, remembering (client, packet id) → command; the PUBACK with
 * that packet id completes the delivery. Without a PUBACK within {@code ackTimeout} the result is
 * {@link DeliveryResult.NotConnected}: the command stays pending and is sent again later (at-least-once; the
 * broker may also resend its own copy to a persistent session).
 *
 * <p>Thread-safe. Interceptor callbacks run on HiveMQ's extension threads and only touch concurrent maps.
 */
public final class MqttCommandTransport implements CommandTransport {

    private static final Logger log = LoggerFactory.getLogger(MqttCommandTransport.class);
    static final String COMMAND_ID = "fogbridge-command-id";
    private static final long REACHABLE_DELAY_MS = 200;

    /** The topic levels a client subscribed with (empty levels = the short form) and its client id. */
    private record Route(String clientId, String tenantLevel, String deviceLevel) {}

    private final Duration ackTimeout;
    private final Map<DeviceId, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<DeliveryResult>> awaitingPublish = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<DeliveryResult>> awaitingAck = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, String> reachable = (tenant, device) -> {};
    private volatile boolean open = true;

    MqttCommandTransport(Duration ackTimeout) {
        this.ackTimeout = ackTimeout;
    }

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public boolean serves(String tenant, String device) {
        return open && routes.containsKey(new DeviceId(tenant, device));
    }

    @Override
    public void onReachable(BiConsumer<String, String> listener) {
        reachable = listener;
    }

    @Override
    public CompletableFuture<DeliveryResult> deliver(Command command) {
        Route route = routes.get(new DeviceId(command.tenant(), command.device()));
        if (!open || route == null) {
            return CompletableFuture.completedFuture(DeliveryResult.NOT_CONNECTED);
        }
        String topic = Topics.deviceCommandRequestTopic(
                route.tenantLevel(), route.deviceLevel(), command.requestId(), command.name());
        PublishBuilder publish = Builders.publish()
                .topic(topic)
                .qos(Qos.AT_LEAST_ONCE)
                .payload(ByteBuffer.wrap(command.payload()))
                .userProperty(COMMAND_ID, command.id());
        if (command.contentType() != null) {
            publish.contentType(command.contentType());
        }
        CompletableFuture<DeliveryResult> result = new CompletableFuture<>();
        awaitingPublish.put(route.clientId() + "\n" + command.id(), result);
        try {
            Services.publishService()
                    .publishToClient(publish.build(), route.clientId())
                    .whenComplete((status, e) -> {
                        // NOT_SUBSCRIBED just after the SUBSCRIBE was authorized (not yet in the topic tree) or
                        // after an UNSUBSCRIBE (not tracked): the command stays pending; the router tries again.
                        if (e != null || status != PublishToClientResult.SUCCESSFUL) {
                            result.complete(DeliveryResult.NOT_CONNECTED);
                        }
                    });
        } catch (RuntimeException e) {
            result.complete(new DeliveryResult.Failed(503, "MQTT publish failed: " + e));
        }
        return result.completeOnTimeout(DeliveryResult.NOT_CONNECTED, ackTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> awaitingPublish.remove(route.clientId() + "\n" + command.id()));
    }

    /** A client subscribed successfully to {@code filter}; {@code principal} is null for an anonymous client. */
    void subscribed(String clientId, ConnectionPrincipal principal, String filter) {
        String[] levels = filter.split("/", -1);
        if (!Topics.isDeviceCommandRequest(levels)) {
            return;
        }
        if (!(levels[4].equals("#")
                || levels.length == 6 && levels[4].equals("+") && (levels[5].equals("+") || levels[5].equals("#")))) {
            return; // a filter for one request id or name cannot take every command
        }
        String tenant = levels[1].isEmpty() && principal != null ? principal.tenant() : levels[1];
        String device = levels[2].isEmpty() && principal != null ? principal.device() : levels[2];
        if (tenant.isEmpty()
                || device.isEmpty()
                || tenant.equals("+")
                || tenant.equals("#")
                || device.equals("+")
                || device.equals("#")) {
            return;
        }
        routes.put(new DeviceId(tenant, device), new Route(clientId, levels[1], levels[2]));
        log.debug(
                "client {} takes commands of {}/{} on {}",
                Untrusted.of(clientId),
                Untrusted.of(tenant),
                Untrusted.of(device),
                Untrusted.of(filter));
        // The SUBSCRIBE is authorized, not yet in the topic tree: tell the router a moment later.
        CompletableFuture.delayedExecutor(REACHABLE_DELAY_MS, TimeUnit.MILLISECONDS)
                .execute(() -> reachable.accept(tenant, device));
    }

    /** A client connected: a persistent session brings its subscriptions back without a SUBSCRIBE. */
    void connected(String clientId, ConnectionPrincipal principal) {
        Services.subscriptionStore().getSubscriptions(clientId).whenComplete((subscriptions, e) -> {
            if (subscriptions != null) {
                subscriptions.forEach(s -> subscribed(clientId, principal, s.getTopicFilter()));
            }
        });
    }

    void disconnected(String clientId) {
        routes.values().removeIf(route -> route.clientId().equals(clientId));
        String prefix = clientId + "\n";
        awaitingAck.forEach((k, future) -> {
            if (k.startsWith(prefix)) {
                future.complete(DeliveryResult.NOT_CONNECTED);
            }
        });
    }

    void close() {
        open = false;
        awaitingPublish.values().forEach(f -> f.complete(DeliveryResult.NOT_CONNECTED));
    }

    /** Takes our marker off an outgoing command PUBLISH and remembers its packet id. */
    final PublishOutboundInterceptor outbound = (PublishOutboundInput input, PublishOutboundOutput output) -> {
        List<UserProperty> marks = output.getPublishPacket().getUserProperties().removeName(COMMAND_ID);
        if (marks.isEmpty()) {
            return;
        }
        String clientId = input.getClientInformation().getClientId();
        CompletableFuture<DeliveryResult> result =
                awaitingPublish.get(clientId + "\n" + marks.getFirst().getValue());
        if (result != null) {
            String ackKey = clientId + "\n" + input.getPublishPacket().getPacketId();
            awaitingAck.put(ackKey, result);
            result.whenComplete((r, e) -> awaitingAck.remove(ackKey, result));
        }
    };

    /** Completes the delivery the PUBACK answers. */
    final PubackInboundInterceptor pubackInbound = (PubackInboundInput input, PubackInboundOutput output) -> {
        String ackKey = input.getClientInformation().getClientId() + "\n"
                + input.getPubackPacket().getPacketIdentifier();
        CompletableFuture<DeliveryResult> result = awaitingAck.remove(ackKey);
        if (result != null) {
            AckReasonCode code = input.getPubackPacket().getReasonCode();
            result.complete(
                    code == AckReasonCode.SUCCESS || code == AckReasonCode.NO_MATCHING_SUBSCRIBERS
                            ? DeliveryResult.DELIVERED
                            : new DeliveryResult.Failed(503, "device refused the command, PUBACK reason " + code));
        }
    };
}
