package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.fogbridge.gateway.Gateway;
import io.fogbridge.gateway.LiveConfig;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.operator.crd.ListenerSpec;
import io.fogbridge.operator.crd.SpoolSpec;
import io.fogbridge.operator.model.GatewayConfigRenderer;
import io.fogbridge.operator.model.PodPaths;
import io.fogbridge.operator.model.RenderedConfig;
import io.fogbridge.testkit.TestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A route changed in the Gateway resource reaches the running gateway without a restart: the operator renders the new
 * gateway.yaml, the file is replaced as the kubelet replaces a mounted ConfigMap (a new file moved over the old one),
 * and the gateway (started as {@code fogbridge run} starts it, with {@link LiveConfig}) routes the next reading of a
 * device that stayed connected to the new topic. A spool change that follows is refused as needing a restart and
 * leaves the routes as they are.
 */
class LiveReloadIT {

    @TempDir
    Path root;

    @Test
    void aChangedRouteAppliesWithinSecondsWhileTheDeviceStaysConnected() throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start(root.resolve("kafka"), 0)) {
            io.fogbridge.operator.crd.Gateway resource = Gateways.lathe("plant-1", "lathe");
            resource.getSpec().kafka.bootstrap = kafka.bootstrapServers();
            ListenerSpec listener = new ListenerSpec();
            listener.port = TestEnv.freePort();
            listener.anonymous = true;
            resource.getSpec().listeners = List.of(listener);
            PodPaths paths = new PodPaths(root);
            Path file = paths.configDir().resolve(PodPaths.CONFIG_FILE);
            Files.createDirectories(file.getParent());
            RenderedConfig first = write(resource, paths, file);

            Map<String, String> env = Map.of("FOGBRIDGE_HTTP_PORT", "0");
            LiveConfig live = LiveConfig.prepare(file, env);
            try (Gateway gateway = Gateway.start(ConfigLoader.load(file, env));
                    LiveConfig watching = live.start(gateway)) {
                AtomicInteger disconnects = new AtomicInteger();
                Mqtt5BlockingClient device = MqttClient.builder()
                        .useMqttVersion5()
                        .identifier("lathe-7")
                        .serverHost("127.0.0.1")
                        .serverPort(gateway.mqttPorts().get(0))
                        .addDisconnectedListener(c -> disconnects.incrementAndGet())
                        .buildBlocking();
                device.connect();
                publish(device, "{\"rpm\":1200}");
                assertThat(records(kafka, "fog.telemetry.plant-1", 1)).hasSize(1);

                resource.getSpec().routes.getFirst().to = "fog.moved.{site}";
                RenderedConfig moved = write(resource, paths, file);
                assertThat(moved.restartHash()).isEqualTo(first.restartHash());
                long changed = System.nanoTime();
                await().atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> reloads(gateway, "live") == 1);
                System.out.printf(
                        "route applied live %d ms after the file changed%n",
                        Duration.ofNanos(System.nanoTime() - changed).toMillis());

                publish(device, "{\"rpm\":1300}");
                List<ConsumerRecord<String, byte[]>> movedRecords = records(kafka, "fog.moved.plant-1", 1);
                assertThat(new String(movedRecords.getFirst().value(), StandardCharsets.UTF_8))
                        .isEqualTo("{\"rpm\":1300}");
                assertThat(disconnects).hasValue(0);
                assertThat(device.getState().isConnected()).isTrue();

                resource.getSpec().spool = new SpoolSpec();
                resource.getSpec().spool.fsync = "interval:200";
                RenderedConfig restart = write(resource, paths, file);
                assertThat(restart.restartHash()).isNotEqualTo(first.restartHash());
                await().atMost(Duration.ofSeconds(10)).until(() -> reloads(gateway, "restart-needed") == 1);
                publish(device, "{\"rpm\":1400}");
                assertThat(records(kafka, "fog.moved.plant-1", 2)).hasSize(2);
                assertThat(disconnects).hasValue(0);
                device.disconnect();
            }
        }
    }

    /** Renders the resource and replaces the file in one rename, as the kubelet swaps a ConfigMap volume. */
    private static RenderedConfig write(io.fogbridge.operator.crd.Gateway resource, PodPaths paths, Path file)
            throws Exception {
        RenderedConfig rendered = new GatewayConfigRenderer(paths).render(resource);
        Path next = file.resolveSibling(".next-" + rendered.hash());
        Files.writeString(next, rendered.yaml());
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return rendered;
    }

    private static void publish(Mqtt5BlockingClient device, String payload) {
        device.publishWith()
                .topic("factory/plant-1/lathe/lathe-7/spindle")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
    }

    /** {@code fogbridge_config_reloads_total{result=...}} as the gateway's {@code /metrics} shows it. */
    private static double reloads(Gateway gateway, String result) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + gateway.httpPort() + "/metrics"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.body()
                .lines()
                .filter(l -> l.startsWith("fogbridge_config_reloads_total{") && l.contains("result=\"" + result + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static List<ConsumerRecord<String, byte[]>> records(KafkaBroker kafka, String topic, int atLeast) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "live-reload-it-" + System.nanoTime());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < atLeast && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        assertThat(records).as("records in " + topic).hasSizeGreaterThanOrEqualTo(atLeast);
        return records;
    }
}
