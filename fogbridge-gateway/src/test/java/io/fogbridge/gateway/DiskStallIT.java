package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.fogbridge.gateway.fault.GatewayYaml;
import io.fogbridge.gateway.fault.OpsMetrics;
import io.fogbridge.gateway.fault.Readyz;
import io.fogbridge.gateway.fault.TelemetryTopic;
import io.fogbridge.gateway.fault.TelemetryTopic.Delivered;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.testkit.FreezableMount;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that hangs instead of failing: the gateway's data dir is a real ext4 filesystem (a loop device), frozen with
 * {@code fsfreeze} while a device publishes, so the spool's writer waits in the kernel inside a write. Before, {@code
 * /readyz} and {@code /metrics} waited with it (they read the spool's state under the lock the writer holds), so the
 * node's probes timed out with no reason given. Now: the device gets no acknowledgement while the disk hangs (nothing
 * is acknowledged that is not on disk), {@code /readyz} answers with a warning that names the stall and then fails,
 * {@code /metrics} shows how long it has lasted, and once the disk is back the record is acknowledged and reaches
 * Kafka with the others, each once.
 */
class DiskStallIT {
    private static final String TOPIC = "fog.telemetry.t1";
    private static final Pattern DISK_WAIT =
            Pattern.compile("(?m)^fogbridge_spool_disk_wait_seconds(?:\\{[^}]*})? (\\S+)$");

    @TempDir
    Path dir;

    @Test
    void aHungDiskHoldsTheAcknowledgementWhileReadyzAndMetricsAnswerAndLosesNothing() throws Exception {
        try (FreezableMount disk = FreezableMount.create(dir, 64);
                GatewayFixture fixture = GatewayFixture.start(dir)) {
            KafkaBroker kafka = fixture.kafka();
            kafka.createTopic(TOPIC, 1);
            // past the stall: by default a device gets 0x83 after 10 s, then resends, and Kafka may see both copies
            String yaml = GatewayYaml.of("stall-it", disk.dir().resolve("data"), 0, 0, kafka.bootstrapServers())
                    + "devices: {ackTimeout: 120s}\n";
            try (Gateway gateway = fixture.startGateway("stall-it", yaml);
                    TelemetryTopic topic = new TelemetryTopic(kafka.bootstrapServers(), TOPIC)) {
                Mqtt5AsyncClient device = client(gateway.mqttPorts().get(0));
                publish(device, "before").get(30, TimeUnit.SECONDS);

                CompletableFuture<Mqtt5PublishResult> during;
                try {
                    disk.freeze(Duration.ofSeconds(120));
                    during = publish(device, "during");
                    await("/readyz warns of the hung disk, and answers")
                            .atMost(Duration.ofSeconds(60))
                            .untilAsserted(() -> assertThat(
                                            Readyz.fetch(gateway.httpPort()).line("spool"))
                                    .startsWith("[WARN] spool: a disk write or fsync has not returned for"));
                    assertThat(diskWaitSeconds(gateway.httpPort())).isGreaterThanOrEqualTo(1.0);
                    assertThat(during)
                            .as("no acknowledgement while the disk hangs")
                            .isNotDone();

                    await("/readyz fails once the disk has hung for 10 s")
                            .atMost(Duration.ofSeconds(60))
                            .untilAsserted(() -> {
                                Readyz readyz = Readyz.fetch(gateway.httpPort());
                                assertThat(readyz.status()).as(readyz.body()).isEqualTo(503);
                                assertThat(readyz.line("spool"))
                                        .startsWith("[FAIL] spool: a disk write or fsync has not returned for")
                                        .contains("appends wait for it");
                            });
                    assertThat(diskWaitSeconds(gateway.httpPort())).isGreaterThanOrEqualTo(10.0);
                    assertThat(during)
                            .as("no acknowledgement while the disk hangs")
                            .isNotDone();
                } finally {
                    disk.thaw();
                }

                assertThat(during.get(30, TimeUnit.SECONDS).getError()).isEmpty();
                publish(device, "after").get(30, TimeUnit.SECONDS);
                await("/readyz is ready again").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    Readyz readyz = Readyz.fetch(gateway.httpPort());
                    assertThat(readyz.ready()).as(readyz.body()).isTrue();
                    assertThat(readyz.line("spool")).startsWith("[ok]");
                });
                // an fsync may be running at the scrape: milliseconds, not the stall
                assertThat(diskWaitSeconds(gateway.httpPort())).isLessThan(1.0);

                await("every record reaches Kafka")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> topic.poll().size() >= 3);
                List<Delivered> delivered = topic.readToEnd(Duration.ofSeconds(10));
                assertThat(delivered)
                        .extracting(d -> new String(d.value(), StandardCharsets.UTF_8))
                        .containsExactly("before", "during", "after");
                device.disconnect().get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static double diskWaitSeconds(int httpPort) throws Exception {
        String metrics = OpsMetrics.fetch(httpPort);
        Matcher m = DISK_WAIT.matcher(metrics);
        assertThat(m.find()).as("fogbridge_spool_disk_wait_seconds in /metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static CompletableFuture<Mqtt5PublishResult> publish(Mqtt5AsyncClient device, String payload) {
        return device.publishWith()
                .topic("telemetry/t1/dev-1")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
    }

    private static Mqtt5AsyncClient client(int port) throws Exception {
        Mqtt5AsyncClient client = MqttClient.builder()
                .useMqttVersion5()
                .identifier("dev-1")
                .serverHost("127.0.0.1")
                .serverPort(port)
                .buildAsync();
        client.connect().get(30, TimeUnit.SECONDS);
        return client;
    }
}
