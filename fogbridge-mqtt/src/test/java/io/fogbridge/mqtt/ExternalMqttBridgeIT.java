package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.testkit.MosquittoBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge against a real mosquitto: what reaches the uplink, when the broker hears an acknowledgement. */
class ExternalMqttBridgeIT {

    private static final Outcome ACCEPTED = new Outcome.Accepted(Lane.BULK, 1);

    @TempDir
    Path dir;

    MosquittoBroker mosquitto;
    Mqtt5AsyncClient device;

    @BeforeEach
    void startMosquitto() throws Exception {
        mosquitto = MosquittoBroker.start(dir);
    }

    @AfterEach
    void stopMosquitto() throws Exception {
        if (device != null) {
            device.disconnect();
        }
        mosquitto.close();
    }

    @Test
    void messagesFromMosquittoPubAndTheHiveMqClientReachTheUplink() throws Exception {
        ControllableUplink uplink = new ControllableUplink().answerWith(ACCEPTED);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ExternalMqttBridge bridge =
                new ExternalMqttBridge(options("edge-1").build(), registry)) {
            bridge.start(uplink);
            assertThat(bridge.ready()).isTrue();
            assertThat(registry.get("fogbridge.mqtt.external.connected").gauge().value())
                    .isEqualTo(1.0);

            mosquittoPub("telemetry/acme/lathe-1", "from-mosquitto-pub");
            InboundMessage fromPub = uplink.next().message();
            assertThat(fromPub.topic()).isEqualTo("telemetry/acme/lathe-1");
            assertThat(text(fromPub)).isEqualTo("from-mosquitto-pub");
            assertThat(fromPub.qos()).isEqualTo(QoS.AT_LEAST_ONCE);
            assertThat(fromPub.sender().clientId()).isEqualTo("fogbridge-edge-1");

            device = MqttTestClients.mqtt5("tank-sensor", mosquitto.port());
            device.publishWith()
                    .topic("local/not-routed")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload("stays".getBytes(StandardCharsets.UTF_8))
                    .send()
                    .get(10, TimeUnit.SECONDS);
            device.publishWith()
                    .topic("event/acme/tank-1")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .contentType("application/json")
                    .payload("{\"level\":3}".getBytes(StandardCharsets.UTF_8))
                    .send()
                    .get(10, TimeUnit.SECONDS);
            InboundMessage fromClient = uplink.next().message();
            assertThat(fromClient.topic())
                    .as("only subscribed filters are taken")
                    .isEqualTo("event/acme/tank-1");
            assertThat(fromClient.contentType()).isEqualTo("application/json");
            assertThat(registry.counter("fogbridge.mqtt.received", "qos", "1").count())
                    .isEqualTo(2.0);
        }
    }

    @Test
    void unacknowledgedMessageIsRedeliveredToTheNextRunAndAcknowledgedOneIsNot() throws Exception {
        ControllableUplink firstRun = new ControllableUplink().hold();
        ExternalMqttBridge first = new ExternalMqttBridge(options("edge-2").build(), null);
        first.start(firstRun);
        mosquittoPub("event/acme/valve-1", "m1");
        ControllableUplink.Call pending = firstRun.next();
        assertThat(text(pending.message())).isEqualTo("m1");
        first.close(); // the spool never answered: no acknowledgement went to the broker

        ControllableUplink secondRun = new ControllableUplink().answerWith(ACCEPTED);
        try (ExternalMqttBridge second =
                new ExternalMqttBridge(options("edge-2").build(), null)) {
            second.start(secondRun);
            assertThat(text(secondRun.next().message()))
                    .as("redelivered from the session")
                    .isEqualTo("m1");
            pending.future().complete(ACCEPTED); // too late for the closed run: must not matter
        }

        // The second run acknowledged m1: a third run sees only new traffic.
        ControllableUplink thirdRun = new ControllableUplink().answerWith(ACCEPTED);
        try (ExternalMqttBridge third = new ExternalMqttBridge(options("edge-2").build(), null)) {
            third.start(thirdRun);
            mosquittoPub("event/acme/valve-1", "m2");
            assertThat(text(thirdRun.next().message())).isEqualTo("m2");
            assertThat(thirdRun.poll(300)).isNull();
        }
    }

    @Test
    void permanentRejectionIsAcknowledgedAndRetriableOneIsRetriedUntilAccepted() throws Exception {
        AtomicInteger fullAnswers = new AtomicInteger();
        ControllableUplink uplink = new ControllableUplink().answering(message -> switch (text(message)) {
            case "bad" -> new Outcome.Rejected(400, "not json", false);
            case "busy" -> fullAnswers.getAndIncrement() < 2 ? new Outcome.Rejected(503, "spool full", true) : ACCEPTED;
            default -> ACCEPTED;
        });
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ExternalMqttBridge bridge =
                new ExternalMqttBridge(options("edge-3").build(), registry)) {
            bridge.start(uplink);
            mosquittoPub("event/acme/a", "bad");
            assertThat(text(uplink.next().message())).isEqualTo("bad");
            mosquittoPub("event/acme/a", "busy");
            for (int attempt = 0; attempt < 3; attempt++) {
                assertThat(text(uplink.next().message()))
                        .as("attempt " + attempt)
                        .isEqualTo("busy");
            }
            assertThat(uplink.poll(300))
                    .as("accepted at the third attempt, then left alone")
                    .isNull();
            assertThat(registry.counter("fogbridge.mqtt.rejected", "reason", "invalid")
                            .count())
                    .isEqualTo(1.0);
            assertThat(registry.counter("fogbridge.mqtt.rejected", "reason", "unavailable")
                            .count())
                    .isEqualTo(1.0);
        }
        // Both were acknowledged in the end: a restart gets nothing redelivered.
        ControllableUplink next = new ControllableUplink().answerWith(ACCEPTED);
        try (ExternalMqttBridge bridge =
                new ExternalMqttBridge(options("edge-3").build(), null)) {
            bridge.start(next);
            mosquittoPub("event/acme/a", "marker");
            assertThat(text(next.next().message())).isEqualTo("marker");
        }
    }

    @Test
    void reconnectsAndResubscribesAfterTheBrokerWasKilled() throws Exception {
        ControllableUplink uplink = new ControllableUplink().answerWith(ACCEPTED);
        try (ExternalMqttBridge bridge =
                new ExternalMqttBridge(options("edge-4").build(), null)) {
            bridge.start(uplink);

            mosquitto.kill();
            await().atMost(Duration.ofSeconds(10)).until(() -> !bridge.ready());
            Thread.sleep(2000); // a few seconds of outage: several reconnect attempts fail
            mosquitto.start(); // no persistence: our session and subscriptions are gone

            await().atMost(Duration.ofSeconds(20)).until(bridge::ready);
            mosquittoPub("telemetry/acme/after-outage", "back");
            assertThat(text(uplink.next().message())).isEqualTo("back");
        }
        // The MQTT client keeps its I/O thread while the persistent session could still be resumed; it must not
        // keep a JVM alive (the default client threads would, see ExternalMqttBridge).
        assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(t -> t.getName().startsWith("fogbridge-mqtt-bridge"))
                .allMatch(Thread::isDaemon);
    }

    private ExternalBrokerOptions.Builder options(String gatewayId) {
        return ExternalBrokerOptions.builder(URI.create(mosquitto.uri()), gatewayId)
                .filters(List.of("telemetry/#", "event/#"))
                .sharedGroup("fogbridge")
                .reconnectMaxDelay(Duration.ofSeconds(1))
                .retryMaxDelay(Duration.ofMillis(200))
                .startTimeout(Duration.ofSeconds(15));
    }

    private void mosquittoPub(String topic, String message) throws Exception {
        MosquittoPub.publish(mosquitto, List.of(), topic, message);
    }

    private static String text(InboundMessage message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }
}
