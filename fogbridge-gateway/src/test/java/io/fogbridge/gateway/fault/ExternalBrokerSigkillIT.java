package io.fogbridge.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.testkit.MosquittoBroker;
import io.fogbridge.testkit.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External-broker mode behind mosquitto with the queue settings of {@code deploy/mosquitto/mosquitto.conf}: the
 * gateway ({@code fogbridge run}, a child JVM) is SIGKILLed for 30 s while devices keep publishing 500 msg/s to
 * mosquitto. Every message mosquitto acknowledged to a device is in Kafka afterwards, and the broker reported no
 * drops (issue 19's first test; with mosquitto's default queue of 1000 the same run loses thousands).
 *
 * <p>Tagged {@code alone} (fogbridge-gateway/pom.xml): it needs the devices to reach 80 % of their 500 msg/s during
 * the outage, which beside another fault IT on the shared 2-core dev box at load average 40 they did not (10,257 of
 * the 12,000).
 */
@Tag("alone")
class ExternalBrokerSigkillIT {

    private static final int DEVICES = 5;
    private static final Duration PERIOD = Duration.ofMillis(10); // 5 devices x 100 msg/s
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void everythingTheBrokerAcknowledgedIsInKafkaAfterA30SecondSigkillOutage() throws Exception {
        Path shipped = Path.of("..", "deploy", "mosquitto", "mosquitto.conf");
        String queueSettings = Files.readAllLines(shipped).stream()
                .filter(line -> line.startsWith("max_queued_") || line.startsWith("sys_interval"))
                .reduce("", (text, line) -> text + line + "\n");
        assertThat(queueSettings).contains("max_queued_messages", "max_queued_bytes");
        try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), 0);
                MosquittoBroker mosquitto = MosquittoBroker.startWithConfig(
                        dir.resolve("mosquitto"),
                        port -> "listener " + port + " 127.0.0.1\nallow_anonymous true\n" + queueSettings)) {
            kafka.createTopic(UplinkRig.TOPIC, 3);
            int httpPort = TestEnv.freePort();
            Path config = dir.resolve("gateway.yaml");
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "gateway: {id: ext-sigkill, dataDir: \""
                                    + dir.resolve("gateway").toAbsolutePath() + "\"}",
                            "mqtt: {external: {uri: \"" + mosquitto.uri() + "\"}}",
                            "kafka: {bootstrapServers: \"" + kafka.bootstrapServers() + "\"}",
                            "spool: {maxBytes: 256MiB, fsync: group, whenFull: block, segmentBytes: 1MiB}",
                            "http: {host: 127.0.0.1, port: " + httpPort + "}",
                            ""));
            try (DeviceFleet fleet = new DeviceFleet("t1", DEVICES, mosquitto.port(), PERIOD)) {
                try (GatewayProcess gateway = GatewayProcess.start(config)) {
                    gateway.awaitReady(START_TIMEOUT);
                    fleet.start();
                    Thread.sleep(3000);
                    gateway.kill();
                }
                long ackedAtKill = fleet.acked();
                Thread.sleep(OUTAGE.toMillis());
                long ackedDuringOutage = fleet.acked() - ackedAtKill;
                assertThat(ackedDuringOutage)
                        .as("mosquitto kept acknowledging the devices while the gateway was down")
                        .isGreaterThan(OUTAGE.toSeconds() * 400);
                try (GatewayProcess gateway = GatewayProcess.start(config)) {
                    gateway.awaitReady(START_TIMEOUT);
                    Thread.sleep(2000);
                    fleet.stop();
                    Map<String, List<Long>> acked = fleet.ackedByDevice();
                    System.out.println("ExternalBrokerSigkillIT: " + fleet.summary() + "; " + ackedDuringOutage
                            + " acknowledged by mosquitto during the outage");
                    try (TelemetryTopic topic = new TelemetryTopic(kafka.bootstrapServers(), UplinkRig.TOPIC)) {
                        List<TelemetryTopic.Delivered> seen = new java.util.ArrayList<>();
                        await("every message mosquitto acknowledged is in Kafka")
                                .atMost(Duration.ofSeconds(120))
                                .pollInterval(Duration.ofMillis(200))
                                .until(() -> {
                                    seen.addAll(topic.poll());
                                    return DeliveryCheck.missing(acked, seen).isEmpty();
                                });
                    }
                    assertThat(Readyz.fetch(httpPort).line("mqtt-external"))
                            .as("no drops at the broker")
                            .doesNotContain("dropped");
                }
            }
        }
    }
}
