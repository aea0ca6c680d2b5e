package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.ListenerSpec;
import io.fogbridge.operator.model.DeviceSet;
import io.fogbridge.operator.model.GatewayConfigRenderer;
import io.fogbridge.operator.model.PodPaths;
import io.fogbridge.testkit.TestEnv;
import io.javaoperatorsdk.operator.Operator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Device resource's way to a running gateway: the operator (on fabric8's mock API server) renders the Gateway's
 * registry Secret; the test plays the kubelet, copying the Secret's registry into the file the real gateway watches
 * (an atomic rename, as the kubelet's symlink swap); a device then logs in with its password over MQTT and its reading
 * reaches Kafka. Deleting the Device re-renders the Secret without it, and the gateway's registry reload closes the
 * device's open connection.
 */
class DeviceRegistryIT {

    private static final String NS = "plant-1";

    @TempDir
    Path root;

    @Test
    void aCreatedDeviceConnectsAndItsDataReachesKafkaAndADeletedOneIsDisconnected() throws Exception {
        KubernetesMockServer server = OperatorFixture.mockServer();
        ScheduledExecutorService kubelet = Executors.newSingleThreadScheduledExecutor();
        try (KubernetesClient client = server.createClient();
                KafkaBroker kafka = KafkaBroker.start(root.resolve("kafka"), 0)) {
            Operator operator = OperatorFixture.startOperator(client);
            Gateway resource = Gateways.lathe(NS, "lathe");
            resource.getSpec().kafka.bootstrap = kafka.bootstrapServers();
            ListenerSpec listener = new ListenerSpec();
            listener.port = TestEnv.freePort();
            listener.anonymous = false;
            resource.getSpec().listeners = List.of(listener);
            client.resource(resource).create();

            PodPaths paths = new PodPaths(root);
            Path registry = paths.devicesDir().resolve(DeviceSet.REGISTRY_FILE);
            Files.createDirectories(registry.getParent());
            kubelet.scheduleWithFixedDelay(
                    () -> OperatorFixture.mirror(
                            client, NS, "lathe-devices", registry.getParent(), DeviceSet.REGISTRY_FILE),
                    0,
                    200,
                    TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(registry));

            // The same renderer as the operator's ConfigMap, under the test's root instead of the pod's /.
            Path config = paths.configDir().resolve(PodPaths.CONFIG_FILE);
            Files.createDirectories(config.getParent());
            Files.writeString(
                    config,
                    new GatewayConfigRenderer(paths)
                            .render(resource, DeviceSet.of(List.of()))
                            .yaml());
            try (io.fogbridge.gateway.Gateway gateway =
                    io.fogbridge.gateway.Gateway.start(ConfigLoader.load(config, Map.of("FOGBRIDGE_HTTP_PORT", "0")))) {
                int port = gateway.mqttPorts().get(0);
                assertThat(connects(port, "s3cret"))
                        .as("not yet a Device: refused")
                        .isFalse();

                client.resource(Devices.credentials(NS, "lathe-7", "s3cret")).create();
                client.resource(Devices.mqtt(NS, "lathe-7", "lathe")).create();
                Mqtt5BlockingClient device = await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(300))
                        .until(() -> connected(port, "s3cret"), c -> c != null);
                device.publishWith()
                        .topic("telemetry/acme/lathe-7")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload("{\"temperature\":28}".getBytes(StandardCharsets.UTF_8))
                        .send();
                ConsumerRecord<String, byte[]> record = firstRecord(kafka, "fog.telemetry.acme");
                assertThat(record.key()).isEqualTo("lathe-7");
                assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"temperature\":28}");

                client.resource(client.resources(Device.class)
                                .inNamespace(NS)
                                .withName("lathe-7")
                                .get())
                        .delete();
                await().atMost(Duration.ofSeconds(30))
                        .alias("the registry reload closes the revoked device's connection")
                        .until(() -> !device.getState().isConnected());
                assertThat(connects(port, "s3cret"))
                        .as("and it cannot log in again")
                        .isFalse();
            } finally {
                operator.stop();
            }
        } finally {
            kubelet.shutdownNow();
            server.destroy();
        }
    }

    private static boolean connects(int port, String password) {
        Mqtt5BlockingClient client = connected(port, password);
        if (client == null) {
            return false;
        }
        client.disconnect();
        return true;
    }

    private static Mqtt5BlockingClient connected(int port, String password) {
        Mqtt5BlockingClient client = MqttClient.builder()
                .useMqttVersion5()
                .identifier("lathe-7")
                .serverHost("127.0.0.1")
                .serverPort(port)
                .simpleAuth()
                .username("lathe-7@acme")
                .password(password.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .buildBlocking();
        try {
            client.connect();
            return client;
        } catch (RuntimeException refused) {
            return null;
        }
    }

    private static ConsumerRecord<String, byte[]> firstRecord(KafkaBroker kafka, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "device-registry-it");
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
}
