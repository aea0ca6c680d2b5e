package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.fogbridge.api.Command;
import io.fogbridge.api.CommandTransport;
import io.fogbridge.api.DeliveryResult;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.testkit.MosquittoBroker;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands through a real mosquitto: what the broker's PUBACK makes of a delivery. */
class BrokerCommandTransportIT {

    @TempDir
    Path dir;

    MosquittoBroker mosquitto;
    ExternalMqttBridge bridge;

    @BeforeEach
    void start() throws Exception {
        mosquitto = MosquittoBroker.start(dir);
        bridge = new ExternalMqttBridge(
                ExternalBrokerOptions.builder(URI.create(mosquitto.uri()), "edge-cmd")
                        .filters(List.of("telemetry/#"))
                        .reconnectMaxDelay(Duration.ofSeconds(1))
                        .ackTimeout(Duration.ofSeconds(2))
                        .build(),
                null);
        bridge.start(new ControllableUplink().answerWith(new Outcome.Accepted(Lane.BULK, 1)));
        assertThat(bridge.ready()).isTrue();
    }

    @AfterEach
    void stop() {
        bridge.close();
        mosquitto.close();
    }

    @Test
    void noSubscriberLeavesTheCommandPendingAndTheDeviceToPollingForAWhile() throws Exception {
        CommandTransport transport = bridge.commandTransport();
        assertThat(transport.serves("acme", "valve-9")).isTrue();
        assertThat(transport.deliver(command("valve-9", "c0")).get(10, TimeUnit.SECONDS))
                .as("MQTT 5 PUBACK 0x10: no matching subscribers")
                .isEqualTo(DeliveryResult.NOT_CONNECTED);
        assertThat(transport.serves("acme", "valve-9")).isFalse();
        assertThat(transport.serves("acme", "valve-1")).isTrue();
    }

    @Test
    void subscribedDeviceGetsTheCommandAndTheBrokersPubackCountsAsDelivered() throws Exception {
        CompletableFuture<Mqtt5Publish> received = new CompletableFuture<>();
        Mqtt5AsyncClient device = MqttTestClients.mqtt5("valve-1", mosquitto.port());
        device.subscribeWith()
                .topicFilter("command/acme/valve-1/req/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(received::complete)
                .send()
                .get(10, TimeUnit.SECONDS);

        DeliveryResult result =
                bridge.commandTransport().deliver(command("valve-1", "c1")).get(10, TimeUnit.SECONDS);

        assertThat(result).isEqualTo(DeliveryResult.DELIVERED);
        Mqtt5Publish publish = received.get(10, TimeUnit.SECONDS);
        assertThat(publish.getTopic().toString()).isEqualTo("command/acme/valve-1/req/c1/setValve");
        assertThat(new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8))
                .isEqualTo("open");
        assertThat(publish.getContentType().map(Object::toString)).contains("text/plain");
        device.disconnect();
    }

    @Test
    void withoutTheBrokerTheCommandStaysPending() throws Exception {
        mosquitto.kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> !bridge.ready());
        assertThat(bridge.commandTransport().serves("acme", "valve-1")).isFalse();
        assertThat(bridge.commandTransport().deliver(command("valve-1", "c2")).get(10, TimeUnit.SECONDS))
                .isEqualTo(DeliveryResult.NOT_CONNECTED);
    }

    private static Command command(String device, String correlationId) {
        long now = System.currentTimeMillis();
        return new Command(
                "id-" + correlationId,
                "acme",
                device,
                "setValve",
                correlationId,
                true,
                "open".getBytes(StandardCharsets.UTF_8),
                "text/plain",
                now,
                now + 60_000);
    }
}
