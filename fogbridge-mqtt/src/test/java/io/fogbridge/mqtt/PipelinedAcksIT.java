package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Decision 0001 with real clients: through the device relay, many QoS 1 PUBLISHes of one connection wait for the
 * uplink (the spool's durable append) at once, and none is acknowledged before its append completed, in the order
 * they were sent.
 */
class PipelinedAcksIT {

    private static final int IN_FLIGHT = 32;

    @TempDir
    static Path workDir;

    static final ControllableUplink uplink = new ControllableUplink();
    static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    static EmbeddedMqttBroker broker;
    static int port;

    @BeforeAll
    static void startBroker() throws Exception {
        EmbeddedBrokerOptions options = EmbeddedBrokerOptions.builder(workDir)
                .listener("127.0.0.1", 0)
                .ackTimeout(Duration.ofSeconds(30))
                .pipelinedAcks(true)
                .build();
        broker = new EmbeddedMqttBroker(options, registry, java.time.Clock.systemUTC(), SenderResolver.ANONYMOUS);
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
        uplink.hold();
    }

    @Test
    void thirtyTwoInFlightWaitTogetherAndAreAcknowledgedInOrderOnlyWhenDurable() throws Exception {
        try (RawMqtt5Device device = new RawMqtt5Device(port, "plc-bridge")) {
            for (int id = 1; id <= IN_FLIGHT; id++) {
                device.publishQos1(id, "telemetry/acme/line-" + id, "m" + id);
            }

            // All of them reach the uplink while none is durable: the broker no longer takes one at a time.
            List<ControllableUplink.Call> calls = new ArrayList<>();
            for (int i = 0; i < IN_FLIGHT; i++) {
                calls.add(uplink.next());
            }
            assertThat(calls)
                    .extracting(c -> new String(c.message().payload(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(
                            range(IN_FLIGHT).stream().map(i -> "m" + (i + 1)).toList());
            assertThat(device.quietFor(300))
                    .as("no PUBACK before any append is durable")
                    .isTrue();

            // Every append but the first completes: still nothing, the first holds the rest back.
            for (int i = IN_FLIGHT - 1; i >= 1; i--) {
                calls.get(i).future().complete(new Outcome.Accepted(Lane.BULK, i));
            }
            assertThat(device.quietFor(300))
                    .as("no PUBACK while the first append is not durable")
                    .isTrue();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(heldNow())
                    .as("the broker's 32 PUBACKs held in the relay")
                    .isEqualTo(IN_FLIGHT));
            long holdsBefore =
                    registry.get("fogbridge.mqtt.relay.ack.hold").timer().count();

            calls.get(0).future().complete(new Outcome.Accepted(Lane.BULK, 0));
            List<Integer> acknowledged = new ArrayList<>();
            for (int i = 0; i < IN_FLIGHT; i++) {
                RawMqtt5Device.Packet puback = device.read();
                assertThat(puback.type()).as("PUBACK").isEqualTo(4);
                assertThat(puback.reasonCode())
                        .as("reason code of PUBACK %d", puback.packetId())
                        .isLessThan(0x80);
                acknowledged.add(puback.packetId());
            }
            assertThat(acknowledged)
                    .as("PUBACKs on the wire, in the order of the PUBLISHes")
                    .containsExactlyElementsOf(
                            range(IN_FLIGHT).stream().map(i -> i + 1).toList());
            assertThat(heldNow()).isZero();
            var hold = registry.get("fogbridge.mqtt.relay.ack.hold").timer();
            assertThat(hold.count() - holdsBefore).isEqualTo(IN_FLIGHT);
            assertThat(hold.max(TimeUnit.MILLISECONDS))
                    .as("held at least the 600 ms of quiet above")
                    .isGreaterThanOrEqualTo(600);
            assertThat(registry.get("fogbridge.mqtt.relay.connections")
                            .counter()
                            .count())
                    .isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void anAppendThatFailsOrIsRefusedLaterIsAnsweredWithItsCodeInItsPlace() throws Exception {
        try (RawMqtt5Device device = new RawMqtt5Device(port, "historian")) {
            for (int id = 1; id <= 4; id++) {
                device.publishQos1(id, "telemetry/acme/tag-" + id, "v" + id);
            }
            List<ControllableUplink.Call> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(uplink.next());
            }
            calls.get(3).future().complete(new Outcome.Accepted(Lane.BULK, 3));
            calls.get(2).future().complete(new Outcome.Rejected(507, "spool full", true));
            calls.get(1).future().completeExceptionally(new java.io.IOException("disk gone"));
            calls.get(0).future().complete(new Outcome.Accepted(Lane.BULK, 0));

            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                RawMqtt5Device.Packet puback = device.read();
                answers.add(puback.packetId() + ":"
                        + (puback.reasonCode() < 0x80 ? "ok" : "0x" + Integer.toHexString(puback.reasonCode())));
            }
            assertThat(answers).containsExactly("1:ok", "2:0x80", "3:0x97", "4:ok");
            assertThat(registry.counter("fogbridge.mqtt.rejected", "reason", "unavailable")
                            .count())
                    .isPositive();
            assertThat(registry.counter("fogbridge.mqtt.relay.acks.failed", "code", "0x80")
                            .count())
                    .isPositive();
            assertThat(registry.counter("fogbridge.mqtt.relay.acks.failed", "code", "0x97")
                            .count())
                    .isPositive();
        }
    }

    @Test
    void anMqtt311DeviceWhoseAppendFailsIsDisconnectedWithoutAnAcknowledgement() throws Exception {
        CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
        Mqtt3AsyncClient device = MqttTestClients.mqtt3("old-plc", port, disconnected);
        var publish = device.publishWith()
                .topic("telemetry/acme/old-plc")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload("x".getBytes(StandardCharsets.UTF_8))
                .send();
        uplink.next().future().completeExceptionally(new java.io.IOException("disk gone"));
        assertThat(disconnected.get(15, TimeUnit.SECONDS)).isNotNull();
        Thread.sleep(200);
        assertThat(publish.isDone() && !publish.isCompletedExceptionally())
                .as("a 3.1.1 PUBACK for a failed append")
                .isFalse();
    }

    @Test
    void aDeviceThatOnlyPublishesStaysConnectedPastItsKeepAlive() throws Exception {
        uplink.answerWith(new Outcome.Accepted(Lane.BULK, 1));
        // Keep alive 1 s: the broker closes a connection it hears nothing from for 1.5 s. With no local subscriber it
        // gets none of these PUBLISHes; the relay's own PINGREQs keep the connection open.
        try (RawMqtt5Device device = new RawMqtt5Device(port, "meter-1", 1)) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            int id = 0;
            while (System.nanoTime() < end) {
                device.publishQos1(++id, "telemetry/acme/meter-1", "kwh" + id);
                RawMqtt5Device.Packet answer = device.read();
                assertThat(answer.type())
                        .as("PUBACK, not a PINGRESP meant for the relay")
                        .isEqualTo(4);
                assertThat(answer.packetId()).isEqualTo(id);
                assertThat(answer.reasonCode()).isLessThan(0x80);
                Thread.sleep(200);
            }
            assertThat(id).isGreaterThan(10);
        }
    }

    @Test
    void aTopicAliasSetWhileNoOneSubscribedReachesALaterSubscriberUnderItsName() throws Exception {
        uplink.answerWith(new Outcome.Accepted(Lane.BULK, 1));
        try (RawMqtt5Device device = new RawMqtt5Device(port, "aliaser")) {
            device.publishQos1(1, "telemetry/acme/boiler", 1, "before");
            assertThat(device.read().packetId()).isEqualTo(1);

            Mqtt5AsyncClient local = MqttTestClients.mqtt5("local-dashboard", port);
            BlockingQueue<Mqtt5Publish> seen = new LinkedBlockingQueue<>();
            local.subscribeWith()
                    .topicFilter("telemetry/acme/#")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .callback(seen::add)
                    .send()
                    .get(5, TimeUnit.SECONDS);

            device.publishQos1(2, "", 1, "after");
            assertThat(device.read().packetId()).isEqualTo(2);
            Mqtt5Publish received = seen.poll(10, TimeUnit.SECONDS);
            assertThat(received).as("the subscriber got the aliased PUBLISH").isNotNull();
            assertThat(received.getTopic().toString()).isEqualTo("telemetry/acme/boiler");
            assertThat(new String(received.getPayloadAsBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("after");
            assertThat(seen.poll(300, TimeUnit.MILLISECONDS))
                    .as("the PUBLISH sent before anyone subscribed")
                    .isNull();
            List<String> topics = new ArrayList<>();
            for (ControllableUplink.Call call; (call = uplink.poll(200)) != null; ) {
                topics.add(call.message().topic());
            }
            assertThat(topics).containsExactly("telemetry/acme/boiler", "telemetry/acme/boiler");
            local.disconnect().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPublishReadBeforeTheBrokerAnsweredASubscribeToItReachesThatSubscriber() throws Exception {
        uplink.answerWith(new Outcome.Accepted(Lane.BULK, 1));
        try (RawMqtt5Device device = new RawMqtt5Device(port, "echo")) {
            // Paho's test_subscribe_options in one connection: the relay reads the PUBLISH in the same read as the
            // SUBSCRIBE, before the broker's topic tree can know of it.
            device.subscribeThenPublishQos1(1, "telemetry/acme/echo", 2, "telemetry/acme/echo", "to myself");
            List<Integer> types = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                types.add(device.read().type());
            }
            assertThat(types).as("SUBACK, PUBACK and the PUBLISH back").containsExactlyInAnyOrder(9, 4, 3);
            assertThat(uplink.next().message().topic()).isEqualTo("telemetry/acme/echo");
        }
    }

    @Test
    void aPublishSentRightAfterAnotherDevicesSubscribeReachesThatSubscriber() throws Exception {
        uplink.answerWith(new Outcome.Accepted(Lane.BULK, 1));
        // Paho's test_subscribe_options across two connections: B subscribes, A publishes without waiting for B's
        // SUBACK. The broker takes a subscription in more slowly than it routes a relayed PUBLISH: without the relay's
        // wait for the SUBACK about one round in thirty lost its PUBLISH here (2026-12-05).
        // A subscriber of its own each round: one client id reused would add the broker's session takeover to the race.
        // A loop starved for milliseconds (a loaded CI box) can still make a round miss: one miss in 100 is let pass.
        List<Integer> lost = new ArrayList<>();
        try (RawMqtt5Device publisher = new RawMqtt5Device(port, "race-a")) {
            for (int round = 1; round <= 100; round++) {
                String topic = "telemetry/acme/race-" + round;
                try (RawMqtt5Device subscriber = new RawMqtt5Device(port, "race-b-" + round)) {
                    subscriber.subscribe(1, topic);
                    Thread.sleep(2); // the relay reads the SUBSCRIBE first; the broker has not taken it in yet
                    publisher.publishQos1(round, topic, "round " + round);
                    List<Integer> types =
                            new ArrayList<>(List.of(subscriber.read().type()));
                    RawMqtt5Device.Packet more = subscriber.readWithin(3_000);
                    if (more != null) {
                        types.add(more.type());
                    }
                    if (!types.containsAll(List.of(9, 3))) {
                        lost.add(round);
                    }
                    assertThat(publisher.read().packetId()).isEqualTo(round);
                }
            }
        }
        assertThat(lost).as("rounds whose subscriber missed the PUBLISH").hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void aLocalSubscriberGetsAPublishOnlyOnceItIsDurable() throws Exception {
        try (RawMqtt5Device subscriber = new RawMqtt5Device(port, "local-historian");
                RawMqtt5Device publisher = new RawMqtt5Device(port, "durable-publisher")) {
            subscriber.subscribe(1, "telemetry/acme/durable");
            assertThat(subscriber.read().type()).isEqualTo(9);

            publisher.publishQos1(1, "telemetry/acme/durable", "once durable");
            ControllableUplink.Call call = uplink.next();
            assertThat(subscriber.quietFor(300))
                    .as("nothing for the local subscriber while the append is open")
                    .isTrue();

            call.future().complete(new Outcome.Accepted(Lane.BULK, 1));
            RawMqtt5Device.Packet delivered = subscriber.read();
            assertThat(delivered.type()).isEqualTo(3);
            assertThat(new String(delivered.body(), StandardCharsets.UTF_8)).endsWith("once durable");
            assertThat(publisher.read().packetId()).isEqualTo(1);
        }
    }

    @Test
    void aSubscribeReadJustAfterAnotherDevicesPublishStillGetsIt() throws Exception {
        uplink.answerWith(new Outcome.Accepted(Lane.BULK, 1));
        // What the relay's event loops make of Paho's test_subscribe_options: B's SUBSCRIBE went out 0.1 ms before A's
        // PUBLISH, but the loop serving A read first (seen in a packet capture, session 14). Here A's PUBLISH goes out
        // first on purpose, the SUBSCRIBE within 0.3 ms: the relay decides where a PUBLISH goes only ROUTE_AFTER after
        // reading it, so the SUBSCRIBE is in by then. Without that every round lost its PUBLISH. A loop that starts
        // reading later than ROUTE_AFTER (a starved CPU) may still lose one: the bound is a time, not a promise.
        int counted = 0;
        List<Integer> lost = new ArrayList<>();
        try (RawMqtt5Device publisher = new RawMqtt5Device(port, "late-a")) {
            for (int round = 1; round <= 30; round++) {
                String topic = "telemetry/acme/late-" + round;
                try (RawMqtt5Device subscriber = new RawMqtt5Device(port, "late-b-" + round)) {
                    long start = System.nanoTime();
                    publisher.publishQos1(round, topic, "round " + round);
                    subscriber.subscribe(1, topic);
                    boolean close = System.nanoTime() - start < TimeUnit.MICROSECONDS.toNanos(300);
                    List<Integer> types =
                            new ArrayList<>(List.of(subscriber.read().type()));
                    RawMqtt5Device.Packet more = subscriber.readWithin(close ? 2_000 : 200);
                    if (more != null) {
                        types.add(more.type());
                    }
                    if (close) { // a thread preempted between the two writes makes the round say nothing
                        counted++;
                        if (!types.containsAll(List.of(9, 3))) {
                            lost.add(round);
                        }
                    }
                    assertThat(publisher.read().packetId()).isEqualTo(round);
                }
            }
        }
        assertThat(counted).as("rounds with both packets sent within 0.3 ms").isGreaterThanOrEqualTo(10);
        assertThat(lost)
                .as("rounds of %d whose subscriber missed the PUBLISH", counted)
                .hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void anMqtt5DeviceOverTheReceiveMaximumIsDisconnected0x93BeforeItHearsOfTheRest() throws Exception {
        int sent = RelayedConnection.MAX_HELD + 1;
        double before = rejected("receive-maximum");
        try (RawMqtt5Device device = new RawMqtt5Device(port, "flooder")) {
            for (int id = 1; id <= sent; id++) {
                device.publishQos1(id, "telemetry/acme/flood", "f" + id);
            }
            List<ControllableUplink.Call> calls = uplink.pollAll(sent, 1_000);
            assertThat(calls).as("appended up to the receive maximum").hasSize(RelayedConnection.MAX_HELD);

            // As the broker answers (MQTT 5 §3.3.4), and before any PUBACK: Paho's test_flow_control2 reads
            // the DISCONNECT first, and fails if it must answer a PUBREC on a connection already closed.
            RawMqtt5Device.Packet disconnect = device.read();
            assertThat(disconnect.type()).isEqualTo(14);
            assertThat(disconnect.body()[0] & 0xff).isEqualTo(0x93);
            calls.forEach(c -> c.future().complete(new Outcome.Accepted(Lane.BULK, 1)));
            try {
                assertThat(device.readWithin(500))
                        .as("nothing after the DISCONNECT")
                        .isNull();
            } catch (java.io.EOFException | java.net.SocketException closed) {
                // the relay closed the connection: nothing came after the DISCONNECT
            }
        }
        assertThat(rejected("receive-maximum") - before).isEqualTo(1);
    }

    @Test
    void anMqtt311DeviceOverTheLimitIsPausedAndReadOnOnceAnswersGoOut() throws Exception {
        // MQTT 3.1.1 has no receive maximum to enforce: the relay stops reading the device at 64 unanswered
        // PUBLISHes, leaves the rest in the socket and its own queue, and reads on once half of them are answered.
        int sent = RelayedConnection.MAX_HELD + 10;
        try (RawMqtt5Device device = new RawMqtt5Device(port, "flooder-311", 60, 4)) {
            for (int id = 1; id <= sent; id++) {
                device.publishQos1(id, "telemetry/acme/flood311", "f" + id);
            }
            List<ControllableUplink.Call> calls = uplink.pollAll(sent, 1_000);
            assertThat(calls).as("appended up to the limit, then paused").hasSize(RelayedConnection.MAX_HELD);
            assertThat(device.readWithin(300))
                    .as("no answer, and no DISCONNECT, while paused")
                    .isNull();

            calls.forEach(c -> c.future().complete(new Outcome.Accepted(Lane.BULK, 1)));
            List<ControllableUplink.Call> rest = uplink.pollAll(sent - RelayedConnection.MAX_HELD, 5_000);
            assertThat(rest).as("read on once answered").hasSize(sent - RelayedConnection.MAX_HELD);
            rest.forEach(c -> c.future().complete(new Outcome.Accepted(Lane.BULK, 1)));

            List<Integer> acked = new ArrayList<>();
            for (int i = 0; i < sent; i++) {
                RawMqtt5Device.Packet answer = device.read();
                assertThat(answer.type()).as("PUBACK").isEqualTo(4);
                acked.add(answer.packetId());
            }
            assertThat(acked)
                    .as("every PUBLISH answered, in order")
                    .isEqualTo(range(sent).stream().map(i -> i + 1).toList());
        }
    }

    private static double rejected(String reason) {
        var counter =
                registry.find("fogbridge.mqtt.rejected").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static double heldNow() {
        return registry.get("fogbridge.mqtt.relay.acks.held").gauge().value();
    }

    private static List<Integer> range(int count) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(i);
        }
        return list;
    }
}
