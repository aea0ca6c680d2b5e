package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.fogbridge.gateway.Gateway;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.operator.crd.CommandsSpec;
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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract between the two halves: the gateway.yaml the operator renders for a Gateway resource runs the real
 * gateway, a device's data reaches Kafka through the route the resource declares, and a command produced to the
 * resource's tenant's command topic reaches the device and its answer comes back to Kafka. The config is rendered under a
 * temporary root instead of the pod's {@code /} (the only difference from the ConfigMap), and the ops port is moved
 * off 8080 through the environment, as a {@code FOGBRIDGE_} variable could in the pod.
 */
class RenderedGatewayIT {

    @TempDir
    Path root;

    @Test
    void aDevicesReadingReachesKafkaAndACommandComesBackThroughTheRenderedConfig() throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start(root.resolve("kafka"), 0)) {
            int mqttPort = TestEnv.freePort();
            io.fogbridge.operator.crd.Gateway resource = Gateways.lathe("plant-1", "lathe");
            resource.getSpec().kafka.bootstrap = kafka.bootstrapServers();
            ListenerSpec listener = new ListenerSpec();
            listener.port = mqttPort;
            listener.anonymous = true;
            resource.getSpec().listeners = List.of(listener);
            resource.getSpec().commands = new CommandsSpec();
            resource.getSpec().commands.tenants = List.of("acme");

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

                // A command: the device takes its command topic (the SUBACK comes after the gateway has noted the
                // route), the cloud produces one, the device answers on its response topic.
                try (Mqtt5BlockingClient.Mqtt5Publishes commands = device.publishes(MqttGlobalPublishFilter.ALL)) {
                    device.subscribeWith()
                            .topicFilter("command/acme/lathe-7/req/#")
                            .qos(MqttQos.AT_LEAST_ONCE)
                            .send();
                    produceCommand(kafka, "lathe-7", "{\"speed\":900}", "setSpeed", "c-rendered");
                    Mqtt5Publish command = commands.receive(30, TimeUnit.SECONDS)
                            .orElseThrow(() -> new AssertionError("no command reached the device in 30 s"));
                    assertThat(command.getTopic().toString()).isEqualTo("command/acme/lathe-7/req/c-rendered/setSpeed");
                    assertThat(new String(command.getPayloadAsBytes(), StandardCharsets.UTF_8))
                            .isEqualTo("{\"speed\":900}");
                    device.publishWith()
                            .topic("command/acme/lathe-7/res/c-rendered/200")
                            .qos(MqttQos.AT_LEAST_ONCE)
                            .payload("{\"speed\":\"set\"}".getBytes(StandardCharsets.UTF_8))
                            .send();
                }
                device.disconnect();

                ConsumerRecord<String, byte[]> response = firstRecord(kafka, "fog.command_response.acme");
                assertThat(response.key()).isEqualTo("lathe-7");
                assertThat(header(response, "correlation-id")).isEqualTo("c-rendered");
                assertThat(header(response, "status")).isEqualTo("200");
                assertThat(header(response, "delivery-failure")).isNull();
                assertThat(new String(response.value(), StandardCharsets.UTF_8)).isEqualTo("{\"speed\":\"set\"}");

                ConsumerRecord<String, byte[]> record = firstRecord(kafka, "fog.telemetry.plant-1");
                assertThat(record.key()).isEqualTo("lathe-7");
                assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"rpm\":1200}");
                assertThat(header(record, "gateway_id")).isEqualTo("plant-1.lathe");
                assertThat(header(record, "site")).isEqualTo("plant-1");
                assertThat(header(record, "line")).isEqualTo("lathe");
            }
        }
    }

    /** A command as the cloud sends one (the headers of ARCHITECTURE.md's command contract). */
    private static void produceCommand(KafkaBroker kafka, String device, String payload, String subject, String id)
            throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record =
                    new ProducerRecord<>("fog.command.acme", device, payload.getBytes(StandardCharsets.UTF_8));
            Map.of("subject", subject, "correlation-id", id, "response-required", "true", "ttl", "30000")
                    .forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get(30, TimeUnit.SECONDS);
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
