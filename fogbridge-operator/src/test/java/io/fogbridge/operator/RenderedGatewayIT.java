package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.fogbridge.gateway.Gateway;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.operator.crd.ListenerSpec;
import io.fogbridge.operator.model.GatewayConfigRenderer;
import io.fogbridge.operator.model.PodPaths;
import io.fogbridge.operator.model.RenderedConfig;
import io.fogbridge.testkit.TestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract between the two halves: the gateway.yaml the operator renders for a Gateway resource runs the real
 * gateway, and a device's data reaches Kafka through the route the resource declares. The config is rendered under a
 * temporary root instead of the pod's {@code /} (the only difference from the ConfigMap), and the ops port is moved
 * off 8080 through the environment, as a {@code FOGBRIDGE_} variable could in the pod.
 */
class RenderedGatewayIT {

    @TempDir
    Path root;

    @Test
    void aDevicesReadingReachesKafkaThroughTheRenderedConfig() throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start(root.resolve("kafka"), 0)) {
            int mqttPort = TestEnv.freePort();
            io.fogbridge.operator.crd.Gateway resource = Gateways.lathe("plant-1", "lathe");
            resource.getSpec().kafka.bootstrap = kafka.bootstrapServers();
            ListenerSpec listener = new ListenerSpec();
            listener.port = mqttPort;
            listener.anonymous = true;
            resource.getSpec().listeners = List.of(listener);

            PodPaths paths = new PodPaths(root);
            RenderedConfig rendered = new GatewayConfigRenderer(paths).render(resource);
            Path file = paths.configDir().resolve(PodPaths.CONFIG_FILE);
            Files.createDirectories(file.getParent());
            Files.writeString(file, rendered.yaml());

            try (Gateway gateway = Gateway.start(ConfigLoader.load(file, Map.of("FOGBRIDGE_HTTP_PORT", "0")))) {
                Mqtt5BlockingClient device = MqttClient.builder()
                        .useMqttVersion5()
                        .identifier("lathe-7")
                        .serverHost("127.0.0.1")
                        .serverPort(gateway.mqttPorts().get(0))
                        .buildBlocking();
                device.connect();
                device.publishWith()
                        .topic("factory/plant-1/lathe/lathe-7/spindle")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload("{\"rpm\":1200}".getBytes(StandardCharsets.UTF_8))
                        .send();
                device.disconnect();

                ConsumerRecord<String, byte[]> record = firstRecord(kafka, "fog.telemetry.plant-1");
                assertThat(record.key()).isEqualTo("lathe-7");
                assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"rpm\":1200}");
                assertThat(header(record, "gateway_id")).isEqualTo("plant-1.lathe");
                assertThat(header(record, "site")).isEqualTo("plant-1");
                assertThat(header(record, "line")).isEqualTo("lathe");
            }
        }
    }

    private static ConsumerRecord<String, byte[]> firstRecord(KafkaBroker kafka, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "rendered-it");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        assertThat(records).as("records in " + topic).isNotEmpty();
        return records.getFirst();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
