package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.fogbridge.gateway.cli.Main;
import io.fogbridge.gateway.fault.Readyz;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.testkit.KcatConsumer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A poison record: one PUBLISH routed to a Kafka topic that does not exist, with topic auto-creation off. On the code
 * before the parking area the forwarder retried it forever and no record of any tenant reached Kafka again. Now:
 * other tenants' records keep arriving, the record is parked (shown by {@code /readyz} as a warning and by
 * {@code spool inspect}), and once the topic exists {@code spool replay-parked} delivers it exactly once.
 */
class PoisonTopicIT {
    private static final String CONFIG = """
            gateway: {id: poison-it, dataDir: "${dataDir}"}
            mqtt: {listeners: [{host: 127.0.0.1, port: ${mqttPort}}]}
            kafka: {bootstrapServers: "${kafka}", properties: {max.block.ms: "3000"}}
            spool: {fsync: group}
            http: {host: 127.0.0.1, port: 0}
            routes:
              - {name: factory, from: "factory/+site/+device/#", to: "fog.telemetry.{site}", key: "{device}"}
            """;

    @TempDir
    Path dir;

    @Test
    void aRecordForAMissingTopicIsParkedOthersFlowAndReplayDeliversItOnce() throws Exception {
        KafkaBroker kafka = KafkaBroker.builder(dir.resolve("kafka"))
                .brokerProperty("auto.create.topics.enable", "false")
                .start();
        try (GatewayFixture fixture = GatewayFixture.on(dir, kafka)) {
            kafka.createTopic("fog.telemetry.plant-1", 1);
            kafka.createTopic("fog.telemetry.acme", 1);
            Gateway gateway = fixture.startGateway("poison-it", CONFIG);
            Mqtt5BlockingClient plc = client(gateway, "plc-1");
            Mqtt5BlockingClient device = client(gateway, "dev-1");
            for (int i = 0; i < 5; i++) {
                publish(plc, "factory/plant-1/d1/temp", "before-" + i);
            }
            publish(plc, "factory/nosuch/d1/temp", "poison");
            for (int i = 0; i < 5; i++) {
                publish(plc, "factory/plant-1/d1/temp", "after-" + i);
                publish(device, "telemetry/acme/dev-1", "acme-" + i);
            }

            // other tenants keep flowing (the poison costs the producer's metadata wait, max.block.ms, once)
            await("plant-1 and acme records reach Kafka past the poison record")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        assertThat(values("fog.telemetry.plant-1", kafka)).hasSize(10);
                        assertThat(values("fog.telemetry.acme", kafka)).hasSize(5);
                    });
            assertThat(values("fog.telemetry.plant-1", kafka))
                    .endsWith("after-0", "after-1", "after-2", "after-3", "after-4");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> gateway.spool().parked().records() == 1);

            Readyz readyz = Readyz.fetch(gateway.httpPort());
            assertThat(readyz.ready())
                    .as("parked records are a warning: %s", readyz.body())
                    .isTrue();
            assertThat(readyz.line("parked"))
                    .startsWith("[WARN] parked: 1 records parked (fog.telemetry.nosuch: 1,")
                    .contains("does not exist in Kafka");
            assertThat(readyz.line("kafka")).startsWith("[ok]");

            // the forwarder still delivers new records for the good topics
            publish(plc, "factory/plant-1/d1/temp", "later");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> values("fog.telemetry.plant-1", kafka).size() == 11);
            plc.disconnect();
            device.disconnect();

            Path spool = dir.resolve("poison-it").resolve("spool");
            String inspect = cli("spool", "inspect", spool.toString());
            assertThat(inspect).contains("parked: 1 records", "fog.telemetry.nosuch  1 records");

            kafka.createTopic("fog.telemetry.nosuch", 1);
            gateway.close();
            String replay = cli("spool", "replay-parked", spool.toString());
            assertThat(replay).contains("replayed 1 of 1");
            assertThat(cli("spool", "replay-parked", spool.toString())).contains("no parked records");

            Gateway again = fixture.startGateway("poison-it", CONFIG);
            await("the replayed record reaches the new topic")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !values("fog.telemetry.nosuch", kafka).isEmpty());
            Thread.sleep(2000); // a second copy would arrive within this
            assertThat(values("fog.telemetry.nosuch", kafka)).containsExactly("poison");
            assertThat(again.spool().parked().records()).isZero();
            assertThat(values("fog.telemetry.plant-1", kafka)).hasSize(11);
        }
    }

    private static List<String> values(String topic, KafkaBroker kafka) {
        try {
            return KcatConsumer.readAll(kafka.bootstrapServers(), topic, Duration.ofSeconds(10)).stream()
                    .map(KcatConsumer.Record::valueAsString)
                    .toList();
        } catch (IllegalStateException e) {
            return List.of(); // not there yet
        }
    }

    private static String cli(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Main.commandLine().execute(args);
        } finally {
            System.setOut(original);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        return text;
    }

    private static Mqtt5BlockingClient client(Gateway gateway, String id) {
        Mqtt5BlockingClient client = MqttClient.builder()
                .useMqttVersion5()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(gateway.mqttPorts().get(0))
                .buildBlocking();
        client.connect();
        return client;
    }

    private static void publish(Mqtt5BlockingClient client, String topic, String value) {
        client.publishWith()
                .topic(topic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(value.getBytes(StandardCharsets.UTF_8))
                .send();
    }
}
