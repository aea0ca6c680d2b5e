package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import io.fogbridge.gateway.fault.GatewayYaml;
import io.fogbridge.gateway.fault.Readyz;
import io.fogbridge.gateway.fault.TelemetryTopic;
import io.fogbridge.gateway.fault.TelemetryTopic.Delivered;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.testkit.ReadOnlyMount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, defect 11: the data dir's filesystem turned read-only (an SD card after I/O errors) while records waited
 * for Kafka. A real tmpfs, remounted read-only (root; skipped elsewhere, fails in CI), a real Kafka and the whole
 * gateway: the restart must come up, forward the backlog already on disk, refuse new QoS 1 data with a clear reason,
 * and say so in {@code /readyz}.
 */
class ReadOnlyDataDirIT {

    private static final String TOPIC = "fog.telemetry.t1";
    private static final int BACKLOG = 20;

    @TempDir
    Path dir;

    @Test
    void aGatewayOnAReadOnlyDataDirStartsForwardsItsBacklogAndRefusesNewData() throws Exception {
        try (ReadOnlyMount mount = ReadOnlyMount.create(dir, 64);
                GatewayFixture fixture = GatewayFixture.start(dir)) {
            KafkaBroker kafka = fixture.kafka();
            kafka.createTopic(TOPIC, 1);
            String yaml = GatewayYaml.of("readonly-it", mount.dir().resolve("data"), 0, 0, kafka.bootstrapServers());

            kafka.stop(); // the records stay in the spool
            try (Gateway gateway = fixture.startGateway("readonly-it", yaml)) {
                Mqtt5BlockingClient device = client(gateway.mqttPorts().get(0), "dev-1");
                for (int i = 0; i < BACKLOG; i++) {
                    publish(device, "backlog-" + i);
                }
                device.disconnect();
                assertThat(gateway.spool().stats().records()).isEqualTo(BACKLOG);
            }
            mount.makeReadOnly();
            kafka.restart();
            Set<Path> scratchBefore = readOnlyScratchDirs();
            Set<Path> scratch = new HashSet<>();

            try (Gateway gateway = fixture.startGateway("readonly-it", yaml);
                    TelemetryTopic topic = new TelemetryTopic(kafka.bootstrapServers(), TOPIC)) {
                assertThat(gateway.spool().readOnly()).isTrue();
                List<Delivered> delivered = new ArrayList<>();
                await("the backlog on the read-only disk reaches Kafka")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ZERO)
                        .until(() -> {
                            delivered.addAll(topic.poll());
                            return delivered.size() >= BACKLOG;
                        });
                assertThat(delivered)
                        .extracting(d -> new String(d.value(), StandardCharsets.UTF_8))
                        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, BACKLOG)
                                .mapToObj(i -> "backlog-" + i)
                                .toList());

                Mqtt5BlockingClient device = client(gateway.mqttPorts().get(0), "dev-2");
                assertThatThrownBy(() -> publish(device, "new"))
                        .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(
                                        e.getMqttMessage().getReasonString().map(Object::toString))
                                .hasValueSatisfying(reason -> assertThat(reason).contains("data dir is read-only")));
                device.disconnect();

                Readyz readyz = Readyz.fetch(gateway.httpPort());
                assertThat(readyz.line("spool")).as(readyz.body()).contains("read-only data dir");
                // this gateway's: other builds on the box may make and delete such directories meanwhile
                Set<Path> ours = new HashSet<>(readOnlyScratchDirs());
                ours.removeAll(scratchBefore);
                assertThat(ours).as("the broker's scratch dir while running").isNotEmpty();
                scratch.addAll(ours);
            }
            assertThat(scratch)
                    .as("scratch dirs left after the gateway stopped")
                    .noneMatch(Files::exists);
        }
    }

    /** The temporary directories read-only gateways put the broker's files in ({@code SpoolStage.workDir}). */
    private static Set<Path> readOnlyScratchDirs() throws IOException {
        try (Stream<Path> paths = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return paths.filter(p -> p.getFileName().toString().startsWith("fogbridge-readonly-"))
                    .collect(Collectors.toSet());
        }
    }

    private static void publish(Mqtt5BlockingClient device, String payload) {
        device.publishWith()
                .topic("telemetry/t1/"
                        + device.getConfig()
                                .getClientIdentifier()
                                .map(Object::toString)
                                .orElseThrow())
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
    }

    private static Mqtt5BlockingClient client(int port, String id) {
        Mqtt5BlockingClient client = MqttClient.builder()
                .useMqttVersion5()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(port)
                .buildBlocking();
        client.connect();
        return client;
    }
}
