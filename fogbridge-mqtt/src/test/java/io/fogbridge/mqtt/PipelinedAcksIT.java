package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
