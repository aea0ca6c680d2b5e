package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.testkit.TestEnv;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker with real MQTT clients: when devices are acknowledged, what they hear on refusal. */
class EmbeddedMqttBrokerIT {

    private static final int MAX_PAYLOAD = 1024;
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    @TempDir
    static Path workDir;

    static final ControllableUplink uplink = new ControllableUplink();
    static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    static EmbeddedMqttBroker broker;
    static int port;

    @BeforeAll
    static void startBroker(TestInfo test) throws Exception {
        startBroker(
                ThroughDeviceRelay.class.isAssignableFrom(test.getTestClass().orElseThrow()));
    }

    /** Starts the broker; {@code pipelinedAcks}: devices connect through the relay ({@link EmbeddedMqttBrokerRelayIT}). */
    static void startBroker(boolean pipelinedAcks) throws Exception {
        registry.clear(); // the relay variant runs in the same JVM and shares these statics
        EmbeddedBrokerOptions options = EmbeddedBrokerOptions.builder(workDir)
                .listener("127.0.0.1", 0)
                .maxPayloadBytes(MAX_PAYLOAD)
                .ackTimeout(Duration.ofSeconds(3))
                .pipelinedAcks(pipelinedAcks)
                .build();
        broker = new EmbeddedMqttBroker(options, registry, Clock.fixed(NOW, ZoneOffset.UTC), SenderResolver.ANONYMOUS);
        broker.start(uplink);
        port = broker.port();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void reset() {
        uplink.clear();
        uplink.answerWith(new Outcome.Accepted(Lane.BULK, 7));
    }

    @Test
    void pubackWaitsUntilTheUplinkFutureCompletes() throws Exception {
        assertThat(broker.ready()).isTrue();
        uplink.hold();
        Mqtt5AsyncClient device = MqttTestClients.mqtt5("lathe-1", port);
        CompletableFuture<Mqtt5PublishResult> publish = device.publishWith()
                .topic("telemetry/acme/lathe-1")
                .qos(MqttQos.AT_LEAST_ONCE)
                .contentType("application/json")
                .payload("{\"t\":21.5}".getBytes(StandardCharsets.UTF_8))
                .send();

        ControllableUplink.Call call = uplink.next();
        InboundMessage message = call.message();
        assertThat(message.topic()).isEqualTo("telemetry/acme/lathe-1");
        assertThat(new String(message.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"t\":21.5}");
        assertThat(message.qos()).isEqualTo(QoS.AT_LEAST_ONCE);
        assertThat(message.contentType()).isEqualTo("application/json");
        assertThat(message.arrivalTime()).isEqualTo(NOW.toEpochMilli());
        assertThat(message.sender().clientId()).isEqualTo("lathe-1");
        assertThat(message.sender().authenticated()).isFalse();

        // The spool has not answered: the device must not have its PUBACK, however long we look.
        Thread.sleep(300);
        assertThat(publish).isNotDone();

        call.future().complete(new Outcome.Accepted(Lane.BULK, 42));
        assertThat(MqttTestClients.pubAckOf(publish).getReasonCode().isError()).isFalse();
        assertThat(registry.counter("fogbridge.mqtt.received", "qos", "1").count())
                .isPositive();
        device.disconnect().get(5, TimeUnit.SECONDS);
    }

    @Test
    void rejectionGivesAnMqtt5ClientTheMatchingReasonCode() throws Exception {
        Mqtt5AsyncClient device = MqttTestClients.mqtt5("tank-1", port);

        uplink.answerWith(new Outcome.Rejected(403, "topic not allowed for this device", false));
        Mqtt5PubAck forbidden = MqttTestClients.pubAckOf(publishQos1(device, "event/acme/tank-1", "x"));
        assertThat(forbidden.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
        assertThat(forbidden.getReasonString().map(Object::toString)).hasValue("topic not allowed for this device");

        uplink.answerWith(new Outcome.Rejected(503, "spool full", true));
        Mqtt5PubAck full = MqttTestClients.pubAckOf(publishQos1(device, "event/acme/tank-1", "y"));
        assertThat(full.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);

        // The connection survives a refusal: the next publish is accepted.
        uplink.answerWith(new Outcome.Accepted(Lane.PRIORITY, 3));
        Mqtt5PubAck ok = MqttTestClients.pubAckOf(publishQos1(device, "event/acme/tank-1", "z"));
        assertThat(ok.getReasonCode().isError()).isFalse();

        assertThat(registry.counter("fogbridge.mqtt.rejected", "reason", "not-authorized")
                        .count())
                .isPositive();
        assertThat(registry.counter("fogbridge.mqtt.rejected", "reason", "unavailable")
                        .count())
                .isPositive();
        device.disconnect().get(5, TimeUnit.SECONDS);
    }

    @Test
    void rejectionDisconnectsAnMqtt311Client() throws Exception {
        CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
        Mqtt3AsyncClient device = MqttTestClients.mqtt3("old-plc", port, disconnected);
        uplink.answerWith(new Outcome.Rejected(503, "spool full", true));

        device.publishWith()
                .topic("telemetry/acme/old-plc")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(new byte[] {1})
                .send();

        assertThat(disconnected.get(15, TimeUnit.SECONDS)).isNotNull();
        assertThat(uplink.next().message().topic()).isEqualTo("telemetry/acme/old-plc");
    }

    @Test
    void qos0IsNotDelayedAndStillReachesLocalSubscribers() throws Exception {
        uplink.hold();
        BlockingQueue<Mqtt5Publish> local = subscribe("local-dashboard", "factory/#");
        Mqtt5AsyncClient device = MqttTestClients.mqtt5("sensor-q0", port);

        device.publishWith()
                .topic("factory/hall-1/temp")
                .qos(MqttQos.AT_MOST_ONCE)
                .payload("20".getBytes(StandardCharsets.UTF_8))
                .send()
                .get(15, TimeUnit.SECONDS);

        ControllableUplink.Call call = uplink.next();
        assertThat(call.message().qos()).isEqualTo(QoS.AT_MOST_ONCE);
        // Delivered locally while the uplink's future is still open: QoS 0 never waits for the spool.
        Mqtt5Publish received = local.poll(15, TimeUnit.SECONDS);
        assertThat(received).isNotNull();
        assertThat(call.future()).isNotDone();
        assertThat(received.getTopic().toString()).isEqualTo("factory/hall-1/temp");
        call.future().complete(Outcome.LOCAL);
        device.disconnect().get(5, TimeUnit.SECONDS);
    }

    @Test
    void localSubscribersGetAcceptedAndLocalMessagesButNotRejectedOnes() throws Exception {
        BlockingQueue<Mqtt5Publish> local = subscribe("local-hmi", "plant/#");
        Mqtt5AsyncClient device = MqttTestClients.mqtt5("plc-7", port);

        uplink.answerWith(new Outcome.Accepted(Lane.BULK, 1));
        MqttTestClients.pubAckOf(publishQos1(device, "plant/a", "accepted"));
        uplink.answerWith(Outcome.LOCAL);
        MqttTestClients.pubAckOf(publishQos1(device, "plant/b", "local"));
        uplink.answerWith(new Outcome.Rejected(403, "no", false));
        MqttTestClients.pubAckOf(publishQos1(device, "plant/c", "rejected"));
        uplink.answerWith(Outcome.LOCAL);
        MqttTestClients.pubAckOf(publishQos1(device, "plant/d", "after"));

        assertThat(payloadOf(local.poll(15, TimeUnit.SECONDS))).isEqualTo("accepted");
        assertThat(payloadOf(local.poll(15, TimeUnit.SECONDS))).isEqualTo("local");
        // The rejected one never reaches the bus; the next one does.
        assertThat(payloadOf(local.poll(15, TimeUnit.SECONDS))).isEqualTo("after");
        device.disconnect().get(5, TimeUnit.SECONDS);
    }

    @Test
    void oversizedPayloadDisconnectsWith0x95WhileOthersKeepPublishing() throws Exception {
        CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
        Mqtt5AsyncClient big = MqttTestClients.mqtt5("big-sender", port, disconnected);
        Mqtt5AsyncClient other = MqttTestClients.mqtt5("steady-sender", port);
        double tooLargeBefore = registry.counter("fogbridge.mqtt.rejected", "reason", "too-large")
                .count();

        publishQos1(big, "telemetry/acme/big", "x".repeat(MAX_PAYLOAD + 1));

        Throwable cause = disconnected.get(15, TimeUnit.SECONDS);
        assertThat(cause).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode())
                .isEqualTo(Mqtt5DisconnectReasonCode.PACKET_TOO_LARGE);
        Mqtt5PubAck ok = MqttTestClients.pubAckOf(publishQos1(other, "telemetry/acme/steady", "x".repeat(MAX_PAYLOAD)));
        assertThat(ok.getReasonCode().isError()).isFalse();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.counter("fogbridge.mqtt.rejected", "reason", "too-large")
                                .count()
                        > tooLargeBefore);
        other.disconnect().get(5, TimeUnit.SECONDS);
    }

    @Test
    void payloadOverTheLimitDisconnectsAnMqtt311Client() throws Exception {
        CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
        Mqtt3AsyncClient big = MqttTestClients.mqtt3("big-311-payload", port, disconnected);
        // Within max-packet-size, over mqtt.maxPayload: refused by our interceptor, not by HiveMQ's decoder.
        big.publishWith()
                .topic("telemetry/acme/big-311")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(new byte[MAX_PAYLOAD + 1])
                .send();
        assertThat(disconnected.get(15, TimeUnit.SECONDS)).isNotNull();
        assertThat(uplink.poll(200)).isNull();
    }

    @Test
    void packetOverTheBrokerLimitDisconnectsAnMqtt311Client() throws Exception {
        CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
        Mqtt3AsyncClient big = MqttTestClients.mqtt3("big-311", port, disconnected);
        // Over max-packet-size itself (payload limit + header room): HiveMQ's decoder refuses it, the interceptor never
        // sees it.
        big.publishWith()
                .topic("telemetry/acme/big-311")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(new byte[MAX_PAYLOAD + BrokerWorkDir.HEADER_ROOM + 1])
                .send();
        assertThat(disconnected.get(15, TimeUnit.SECONDS)).isNotNull();
        assertThat(uplink.poll(200)).isNull();
    }

    @Test
    void unansweredPublishTimesOutWithImplementationSpecificError() throws Exception {
        uplink.hold();
        Mqtt5AsyncClient device = MqttTestClients.mqtt5("slow-spool", port);
        CompletableFuture<Mqtt5PublishResult> publish = publishQos1(device, "event/acme/slow", "late");
        ControllableUplink.Call call = uplink.next();

        Mqtt5PubAck ack = MqttTestClients.pubAckOf(publish);
        assertThat(ack.getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
        call.future().complete(new Outcome.Accepted(Lane.PRIORITY, 9)); // too late: counted, not acknowledged twice
        assertThat(registry.counter("fogbridge.mqtt.rejected", "reason", "timeout")
                        .count())
                .isPositive();
        device.disconnect().get(5, TimeUnit.SECONDS);
    }

    @Test
    void mosquittoPubIsAcknowledgedOnlyAfterTheUplinkAnswers() throws Exception {
        String mosquittoPub = TestEnv.peer("mosquitto_pub").toString();
        uplink.hold();
        Process pub = new ProcessBuilder(
                        mosquittoPub,
                        "-h",
                        "127.0.0.1",
                        "-p",
                        String.valueOf(port),
                        "-q",
                        "1",
                        "-i",
                        "mosquitto-device",
                        "-t",
                        "telemetry/acme/m1",
                        "-m",
                        "from-mosquitto")
                .redirectErrorStream(true)
                .start();
        try {
            ControllableUplink.Call call = uplink.next();
            assertThat(new String(call.message().payload(), StandardCharsets.UTF_8))
                    .isEqualTo("from-mosquitto");
            assertThat(call.message().sender().clientId()).isEqualTo("mosquitto-device");
            // mosquitto_pub -q 1 exits only after its PUBACK.
            assertThat(pub.waitFor(300, TimeUnit.MILLISECONDS)).isFalse();
            call.future().complete(new Outcome.Accepted(Lane.BULK, 5));
            assertThat(pub.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(pub.exitValue())
                    .as(new String(pub.getInputStream().readAllBytes()))
                    .isZero();
        } finally {
            pub.destroyForcibly();
        }
    }

    @Test
    void connectionsGaugeCountsEachClientOnceAndDropsWhenItDisconnects(@TempDir Path ownDir) throws Exception {
        // Its own broker: the shared one still holds clients of other tests (subscribers, clients it disconnected
        // itself), so only on a fresh broker is the exact count known.
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        EmbeddedMqttBroker own = new EmbeddedMqttBroker(
                EmbeddedBrokerOptions.builder(ownDir).listener("127.0.0.1", 0).build(), meters);
        own.start(new ControllableUplink());
        try {
            Gauge connections = meters.get("fogbridge.mqtt.connections").gauge();
            assertThat(connections.value()).as("connections before any client").isZero();
            List<Mqtt5AsyncClient> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(MqttTestClients.mqtt5("gauge-client-" + i, own.port()));
            }
            assertConnectionsBecome(connections, 3);

            clients.getFirst().disconnect().get(5, TimeUnit.SECONDS);
            assertConnectionsBecome(connections, 2);

            for (Mqtt5AsyncClient client : clients.subList(1, clients.size())) {
                client.disconnect().get(5, TimeUnit.SECONDS);
            }
            assertConnectionsBecome(connections, 0);
        } finally {
            own.close();
        }
    }

    /** Waits for the gauge to reach {@code expected}, then checks it stays there (a late double count would not). */
    private static void assertConnectionsBecome(Gauge connections, int expected) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(connections.value())
                .as("fogbridge.mqtt.connections")
                .isEqualTo(expected));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(
                        connections.value())
                .as("fogbridge.mqtt.connections")
                .isEqualTo(expected));
    }

    private static CompletableFuture<Mqtt5PublishResult> publishQos1(
            Mqtt5AsyncClient client, String topic, String payload) {
        return client.publishWith()
                .topic(topic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
    }

    private static BlockingQueue<Mqtt5Publish> subscribe(String id, String filter) throws Exception {
        BlockingQueue<Mqtt5Publish> received = new LinkedBlockingQueue<>();
        Mqtt5AsyncClient subscriber = MqttTestClients.mqtt5(id, port);
        subscriber.publishes(MqttGlobalPublishFilter.ALL, received::add);
        subscriber
                .subscribeWith()
                .topicFilter(filter)
                .qos(MqttQos.AT_LEAST_ONCE)
                .send()
                .get(15, TimeUnit.SECONDS);
        return received;
    }

    private static String payloadOf(Mqtt5Publish publish) {
        assertThat(publish).as("a message on the local bus").isNotNull();
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }
}
