package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fogbridge.gateway.Gateway;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.GatewayStatus;
import io.fogbridge.operator.crd.ListenerSpec;
import io.fogbridge.operator.figures.OpsEndpointFigures;
import io.fogbridge.operator.model.GatewayConfigRenderer;
import io.fogbridge.operator.model.OperatorDefaults;
import io.fogbridge.operator.model.PodPaths;
import io.fogbridge.operator.reconcile.GatewayReconciler;
import io.fogbridge.testkit.TestEnv;
import io.javaoperatorsdk.operator.Operator;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's figures reach {@code Gateway.status}: the operator (on fabric8's mock API server) polls the real
 * gateway's {@code /metrics} (the gateway runs in-process on the config rendered for the resource; the pod's address
 * is pointed at it, as the pod IP would be) and writes connected devices, backlog, oldest age and the forwarder's state,
 * at most once per interval and only when they changed.
 */
class GatewayFiguresIT {

    private static final String NS = "plant-1";
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    /** Held: java.util.logging keeps loggers weakly, and the mock server logs every request at INFO. */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    @TempDir
    Path root;

    @Test
    void connectedDevicesAndTheSpoolReachStatusAndASteadyGatewayCausesNoWrites() throws Exception {
        KubernetesMockServer server = OperatorFixture.mockServer();
        KubernetesClient client = server.createClient();
        AtomicInteger opsPort = new AtomicInteger();
        OpsEndpointFigures figures =
                new OpsEndpointFigures(pod -> URI.create("http://127.0.0.1:" + opsPort.get() + "/metrics"));
        Operator operator = new Operator(o -> o.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false)
                .withCloseClientOnStop(false)
                .withReconciliationTerminationTimeout(Duration.ofMillis(200)));
        operator.register(new GatewayReconciler(
                new OperatorDefaults("fogbridge-gateway:test", "fogbridge-edge-critical"),
                Clock.systemUTC(),
                figures,
                INTERVAL));
        try (KafkaBroker kafka = KafkaBroker.start(root.resolve("kafka"), 0)) {
            io.fogbridge.operator.crd.Gateway resource = Gateways.lathe(NS, "lathe");
            resource.getSpec().kafka.bootstrap = kafka.bootstrapServers();
            ListenerSpec listener = new ListenerSpec();
            listener.port = TestEnv.freePort();
            listener.anonymous = true;
            resource.getSpec().listeners = List.of(listener);
            PodPaths paths = new PodPaths(root);
            Path file = paths.configDir().resolve(PodPaths.CONFIG_FILE);
            Files.createDirectories(file.getParent());
            Files.writeString(
                    file, new GatewayConfigRenderer(paths).render(resource).yaml());

            try (Gateway gateway = Gateway.start(ConfigLoader.load(file, Map.of("FOGBRIDGE_HTTP_PORT", "0")))) {
                opsPort.set(gateway.httpPort());
                operator.start();
                client.resource(resource).create();
                // The mock runs no StatefulSet controller and no kubelet: play their parts.
                StatefulSet statefulSet = await().until(
                                () -> client.apps()
                                        .statefulSets()
                                        .inNamespace(NS)
                                        .withName("lathe")
                                        .get(),
                                s -> s != null);
                client.resource(new PodBuilder()
                                .withNewMetadata()
                                .withName("lathe-0")
                                .withNamespace(NS)
                                .endMetadata()
                                .build())
                        .create();
                statefulSet.setStatus(new StatefulSetStatus());
                statefulSet.getStatus().setReplicas(1);
                statefulSet.getStatus().setReadyReplicas(1);
                client.resource(statefulSet).updateStatus();

                Mqtt5BlockingClient device = device(gateway, "lathe-7");
                device.publishWith()
                        .topic("factory/plant-1/lathe/lathe-7/spindle")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload("{\"rpm\":1200}".getBytes(StandardCharsets.UTF_8))
                        .send();
                GatewayStatus reported = await().atMost(Duration.ofSeconds(20))
                        .until(
                                () -> status(client),
                                // Ready too: the StatefulSet's ready replica, set above, reaches status in a write
                                // of its own, and on a loaded box it may come after the figures. And the spool's
                                // bytes as the gateway counts them now, with the record in Kafka: a poll from before
                                // the publish also said 1 device and no backlog, with the empty segment's 32 bytes.
                                s -> s != null
                                        && s.condition("Ready")
                                                .map(c -> c.status == Condition.Status.TRUE)
                                                .orElse(false)
                                        && Integer.valueOf(1).equals(s.connectedDevices)
                                        && Boolean.TRUE.equals(s.forwarderConnected)
                                        && Long.valueOf(0).equals(s.spoolBacklog)
                                        && settledAt(figures, client, s.spoolBacklogBytes));
                assertThat(reported.spoolBacklogBytes).isNotNull().isPositive();
                assertThat(reported.oldestAge).isNull();

                // Steady figures: the operator keeps polling (once per interval) but writes nothing.
                drain(server);
                Thread.sleep(INTERVAL.multipliedBy(4).toMillis());
                List<String> requests = drain(server);
                assertThat(requests)
                        .as(
                                "status writes while nothing changed (status before %s, after %s)",
                                Serialization.asJson(reported), Serialization.asJson(status(client)))
                        .noneMatch(r -> r.startsWith("PUT") && r.contains("/gateways/lathe/status"));

                // A second device: the next poll writes it.
                Mqtt5BlockingClient second = device(gateway, "lathe-8");
                long connected = System.nanoTime();
                await().atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> Integer.valueOf(2).equals(status(client).connectedDevices));
                System.out.printf(
                        "second device in status %d ms after it connected (interval %d ms)%n",
                        Duration.ofNanos(System.nanoTime() - connected).toMillis(), INTERVAL.toMillis());
                List<String> writes = drain(server).stream()
                        .filter(r -> r.startsWith("PUT") && r.contains("/gateways/lathe/status"))
                        .toList();
                assertThat(writes).as("one change, one write").hasSize(1);
                second.disconnect();
                device.disconnect();
            } finally {
                operator.stop();
                client.close();
                server.destroy();
            }
        }
    }

    private static Mqtt5BlockingClient device(Gateway gateway, String id) {
        Mqtt5BlockingClient device = MqttClient.builder()
                .useMqttVersion5()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(gateway.mqttPorts().get(0))
                .buildBlocking();
        device.connect();
        return device;
    }

    /**
     * The gateway's spool holds nothing unforwarded, and {@code bytes} are its spool's bytes now (read as the operator
     * reads them).
     */
    private static boolean settledAt(OpsEndpointFigures figures, KubernetesClient client, Long bytes) {
        return figures.read(client, NS, "lathe-0")
                .map(now -> now.backlogRecords() == 0
                        && Long.valueOf(now.backlogBytes()).equals(bytes))
                .orElse(false);
    }

    private static GatewayStatus status(KubernetesClient client) {
        var gateway = client.resources(io.fogbridge.operator.crd.Gateway.class)
                .inNamespace(NS)
                .withName("lathe")
                .get();
        return gateway == null ? null : gateway.getStatus();
    }

    private static List<String> drain(KubernetesMockServer server) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        var request = server.takeRequest(10, TimeUnit.MILLISECONDS);
        while (request != null) {
            seen.add(request.getMethod() + " " + request.getPath());
            request = server.takeRequest(10, TimeUnit.MILLISECONDS);
        }
        return seen;
    }
}
