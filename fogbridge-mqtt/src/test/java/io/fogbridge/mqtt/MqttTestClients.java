package io.fogbridge.mqtt;

import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Real HiveMQ MQTT clients for tests, connected to 127.0.0.1. */
final class MqttTestClients {

    private MqttTestClients() {}

    /** A connected MQTT 5 client; {@code disconnects} receives the cause of every disconnect. */
    static Mqtt5AsyncClient mqtt5(String id, int port, CompletableFuture<Throwable> disconnects) throws Exception {
        Mqtt5AsyncClient client = Mqtt5Client.builder()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(port)
                .addDisconnectedListener(ctx -> completeWith(disconnects, ctx))
                .buildAsync();
        client.connect().get(15, TimeUnit.SECONDS);
        return client;
    }

    static Mqtt5AsyncClient mqtt5(String id, int port) throws Exception {
        return mqtt5(id, port, new CompletableFuture<>());
    }

    static Mqtt3AsyncClient mqtt3(String id, int port, CompletableFuture<Throwable> disconnects) throws Exception {
        Mqtt3AsyncClient client = Mqtt3Client.builder()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(port)
                .addDisconnectedListener(ctx -> completeWith(disconnects, ctx))
                .buildAsync();
        client.connect().get(15, TimeUnit.SECONDS);
        return client;
    }

    /** The PUBACK of a QoS 1 publish, whether the client reported an error code as a result or as an exception. */
    static Mqtt5PubAck pubAckOf(CompletableFuture<Mqtt5PublishResult> publish) throws Exception {
        try {
            Mqtt5PublishResult result = publish.get(15, TimeUnit.SECONDS);
            if (result.getError().isPresent() && result.getError().get() instanceof Mqtt5PubAckException e) {
                return e.getMqttMessage();
            }
            return ((Mqtt5PublishResult.Mqtt5Qos1Result) result).getPubAck();
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof Mqtt5PubAckException pubAck) {
                return pubAck.getMqttMessage();
            }
            throw e;
        }
    }

    private static void completeWith(CompletableFuture<Throwable> disconnects, MqttClientDisconnectedContext ctx) {
        disconnects.complete(ctx.getCause());
    }
}
