package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.MosquittoBroker;
import io.fogbridge.testkit.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External-broker mode: devices publish to a real mosquitto with {@code mosquitto_pub}; the
 * gateway bridges the routed topics into Kafka, acknowledging to mosquitto only after the durable
 * append. Also across a mosquitto crash.
 */
class ExternalBrokerIT {

    @TempDir
    Path dir;

    @Test
    void routedTopicsOfAnExternalBrokerReachKafkaAcrossABrokerCrash() throws Exception {
        Path mosquittoPub = TestEnv.peer("mosquitto_pub");
        TestEnv.peer("kcat");
        try (GatewayFixture fixture = GatewayFixture.start(dir);
                MosquittoBroker mosquitto = MosquittoBroker.start(dir.resolve("mosquitto"))) {
            KafkaBroker kafka = fixture.kafka();
            String yaml = """
                    gateway: {id: edge-ext, dataDir: "${dataDir}"}
                    mqtt: {external: {uri: "%s"}}
                    kafka: {bootstrapServers: "${kafka}"}
                    http: {host: 127.0.0.1, port: 0}
                    routes:
                      - {name: tanks, from: "site/+site/tank/+device/level", to: "fog.telemetry.{site}", key: "{device}"}
                    """.formatted(mosquitto.uri());
            try (Gateway gateway = fixture.startGateway("edge-ext", yaml)) {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> gateway.mqtt().ready());

                publish(mosquittoPub, mosquitto.port(), "site/north/tank/tank-1/level", "first", 20);
                publish(mosquittoPub, mosquitto.port(), "telemetry/water/pump-2", "pump", 5);
                publish(mosquittoPub, mosquitto.port(), "site/north/tank/tank-1/debug", "local", 3);

                mosquitto.kill();
                mosquitto.start();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> gateway.mqtt().ready());
                publish(mosquittoPub, mosquitto.port(), "site/north/tank/tank-1/level", "second", 20);

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                                KcatConsumer.readAll(kafka.bootstrapServers(), "fog.telemetry.north"))
                        .hasSize(40));
                List<String> values = KcatConsumer.readAll(kafka.bootstrapServers(), "fog.telemetry.north").stream()
                        .map(KcatConsumer.Record::valueAsString)
                        .toList();
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    expected.add("first-" + i);
                }
                for (int i = 0; i < 20; i++) {
                    expected.add("second-" + i);
                }
                assertThat(values).containsExactlyElementsOf(expected);
                assertThat(KcatConsumer.readAll(kafka.bootstrapServers(), "fog.telemetry.water"))
                        .extracting(KcatConsumer.Record::key)
                        .containsOnly("pump-2")
                        .hasSize(5);
                assertThat(kafka.admin().listTopics().names().get()).noneMatch(t -> t.contains("debug"));
            }
        }
    }

    private void publish(Path mosquittoPub, int port, String topic, String prefix, int count) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(prefix + "-" + i);
        }
        Path file = Files.write(dir.resolve("lines-" + System.nanoTime()), lines);
        Process pub = new ProcessBuilder(
                        mosquittoPub.toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(port),
                        "-q",
                        "1",
                        "-t",
                        topic,
                        "-l")
                .redirectInput(file.toFile())
                .redirectErrorStream(true)
                .start();
        PeerProcess.awaitSuccess(pub, Duration.ofSeconds(30));
    }
}
