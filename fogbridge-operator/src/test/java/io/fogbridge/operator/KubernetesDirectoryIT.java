package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.GatewaySpec;
import io.fogbridge.operator.crd.ListenerSpec;
import io.fogbridge.operator.model.DeviceSet;
import io.fogbridge.operator.model.GatewayConfigRenderer;
import io.fogbridge.operator.model.PodPaths;
import io.fogbridge.testkit.TestEnv;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes-backed device directory with a real gateway and real MQTT clients: the operator (on fabric8's mock
 * API server) renders a Gateway with {@code deviceDirectory: kubernetes}; the gateway lists and watches its devices
 * Secret on that API server, with no file mounted. A Device created is accepted ({@code mosquitto_pub}) once the
 * watch delivers it; a deleted one has its open connection ({@code mosquitto_sub}) closed; and a gateway restarted
 * with the API server gone still authenticates its devices from the copy it saved.
 */
class KubernetesDirectoryIT {

    private static final String NS = "plant-1";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path root;

    @Test
    void devicesComeThroughTheWatchAndARestartWithoutTheApiServerStillKnowsThem() throws Exception {
        Path pub = TestEnv.peer("mosquitto_pub");
        Path sub = TestEnv.peer("mosquitto_sub");
        KubernetesMockServer server = OperatorFixture.mockServer();
        Path config = root.resolve("etc/fogbridge/config/gateway.yaml");
        Map<String, String> env = Map.of("FOGBRIDGE_HTTP_PORT", "0");
        int port;
        try (KubernetesClient client = server.createClient()) {
            Operator operator = OperatorFixture.startOperator(client);
            try {
                Gateway resource = Gateways.lathe(NS, "lathe");
                resource.getSpec().kafka.bootstrap =
                        "127.0.0.1:" + TestEnv.freePort(); // spooled; Kafka is not the point
                resource.getSpec().deviceDirectory = GatewaySpec.DeviceDirectory.KUBERNETES;
                ListenerSpec listener = new ListenerSpec();
                listener.port = TestEnv.freePort();
                listener.anonymous = false;
                resource.getSpec().listeners = List.of(listener);
                client.resource(resource).create();
                port = listener.port;
                writeConfig(config, resource, server.url("/"));
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> client.secrets()
                                        .inNamespace(NS)
                                        .withName("lathe-devices")
                                        .get()
                                != null);

                try (io.fogbridge.gateway.Gateway gateway =
                        io.fogbridge.gateway.Gateway.start(ConfigLoader.load(config, env))) {
                    assertThat(Files.exists(root.resolve("etc/fogbridge/devices/registry.yaml")))
                            .as("no file: the registry comes from the API")
                            .isFalse();
                    assertThat(publishes(pub, port, "s3cret"))
                            .as("not yet a Device")
                            .isFalse();

                    client.resource(Devices.credentials(NS, "lathe-7", "s3cret"))
                            .create();
                    long created = System.nanoTime();
                    client.resource(Devices.mqtt(NS, "lathe-7", "lathe")).create();
                    await().atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(20))
                            .until(() -> rendered(client).contains("acme/lathe-7@"));
                    long rendered = System.nanoTime();
                    await().atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(20))
                            .until(() -> publishes(pub, port, "s3cret"));
                    long accepted = System.nanoTime();
                    assertThat(ops(gateway, "/readyz"))
                            .as("/readyz while the watch stands")
                            .containsPattern("\\[ok] +devices: Secret " + NS
                                    + "/lathe-devices watched: 1 devices of resourceVersion \\S+ from the API server");
                    assertThat(metric(gateway, "fogbridge_devices_directory_watching"))
                            .isEqualTo(1);
                    assertThat(metric(gateway, "fogbridge_devices_directory_versions_total", "result=\"applied\""))
                            .as("the empty first version and the one with lathe-7")
                            .isGreaterThanOrEqualTo(2);
                    System.out.printf(
                            "Device created -> in the Secret: %d ms (operator); Secret -> mosquitto_pub accepted: %d ms"
                                    + " (watch + reload + one mosquitto_pub); load average %s%n",
                            Duration.ofNanos(rendered - created).toMillis(),
                            Duration.ofNanos(accepted - rendered).toMillis(),
                            Files.readString(Path.of("/proc/loadavg")).strip());

                    Process subscriber = new ProcessBuilder(
                                    sub.toString(),
                                    "-h",
                                    "127.0.0.1",
                                    "-p",
                                    String.valueOf(port),
                                    "-V",
                                    "5",
                                    "-i",
                                    "lathe-7",
                                    "-u",
                                    "lathe-7@acme",
                                    "-P",
                                    "s3cret",
                                    "-d",
                                    "-t",
                                    "command/acme/lathe-7/req/#")
                            .redirectErrorStream(true)
                            .redirectOutput(root.resolve("sub.log").toFile())
                            .start();
                    try {
                        await().atMost(Duration.ofSeconds(30)).until(() -> connections(gateway) == 1);
                        long deleted = System.nanoTime();
                        client.resource(client.resources(Device.class)
                                        .inNamespace(NS)
                                        .withName("lathe-7")
                                        .get())
                                .delete();
                        assertThat(subscriber.waitFor(30, TimeUnit.SECONDS))
                                .as("the revoked device's connection is closed (and it may not come back)")
                                .isTrue();
                        System.out.printf(
                                "Device deleted -> mosquitto_sub's connection closed: %d ms%n",
                                Duration.ofNanos(System.nanoTime() - deleted).toMillis());
                        String log = Files.readString(root.resolve("sub.log"));
                        assertThat(log).containsAnyOf("DISCONNECT", "Connection Refused", "not authori");
                        assertThat(publishes(pub, port, "s3cret")).isFalse();
                    } finally {
                        subscriber.destroyForcibly();
                    }

                    client.resource(Devices.mqtt(NS, "lathe-7", "lathe")).create();
                    await().atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(50))
                            .until(() -> publishes(pub, port, "s3cret"));
                }
            } finally {
                operator.stop();
            }
        } finally {
            server.destroy();
        }

        // The API server is gone: the restarted gateway starts from the copy it saved on its data volume.
        try (io.fogbridge.gateway.Gateway gateway =
                io.fogbridge.gateway.Gateway.start(ConfigLoader.load(config, env))) {
            assertThat(publishes(pub, port, "s3cret"))
                    .as("authenticated from the saved copy")
                    .isTrue();
            assertThat(publishes(pub, port, "wrong")).isFalse();
            String readyz = ops(gateway, "/readyz");
            assertThat(readyz)
                    .as("a warning, not a failure: the saved devices are served")
                    .containsPattern("\\[WARN] devices: \\S+ not answering since \\S+ \\(.+\\); 1 devices of"
                            + " resourceVersion \\S+ from the saved copy stay in force");
            assertThat(metric(gateway, "fogbridge_devices_directory_watching")).isZero();
            assertThat(metric(gateway, "fogbridge_devices_directory_failures_total"))
                    .isGreaterThanOrEqualTo(1);
        }
    }

    /**
     * The operator's own rendering of the Gateway, pointed at the mock API server (plain HTTP, no token) and at the
     * test's root instead of the pod's /.
     */
    @SuppressWarnings("unchecked")
    private void writeConfig(Path config, Gateway resource, String apiServer) throws Exception {
        String rendered = new GatewayConfigRenderer(new PodPaths(root))
                .render(resource, DeviceSet.of(List.of()))
                .yaml();
        Map<String, Object> doc = YAML.readValue(rendered, Map.class);
        Map<String, Object> devices = (Map<String, Object>) doc.get("devices");
        assertThat(devices).containsEntry("directory", "kubernetes").containsEntry("secret", NS + "/lathe-devices");
        devices.remove("tokenFile");
        devices.remove("caFile");
        devices.put("apiServer", apiServer);
        Files.createDirectories(config.getParent());
        Files.writeString(config, YAML.writeValueAsString(doc));
    }

    /** The rendered-devices list of the devices Secret ({@code tenant/id@generation} per line). */
    private static String rendered(KubernetesClient client) {
        var secret = client.secrets().inNamespace(NS).withName("lathe-devices").get();
        if (secret == null) {
            return "";
        }
        if (secret.getStringData() != null && secret.getStringData().containsKey(DeviceSet.RENDERED_LIST)) {
            return secret.getStringData().get(DeviceSet.RENDERED_LIST);
        }
        String data = secret.getData() == null ? null : secret.getData().get(DeviceSet.RENDERED_LIST);
        return data == null ? "" : new String(java.util.Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
    }

    /** {@code fogbridge_mqtt_connections} as the gateway's {@code /metrics} shows it. */
    private static double connections(io.fogbridge.gateway.Gateway gateway) throws Exception {
        return ops(gateway, "/metrics")
                .lines()
                .filter(l -> l.startsWith("fogbridge_mqtt_connections"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** One series of the gateway's {@code /metrics}: its name and labels ({@code result="applied"}) beside the
     * gateway's own. */
    private static double metric(io.fogbridge.gateway.Gateway gateway, String name, String... labels) throws Exception {
        String body = ops(gateway, "/metrics");
        return body.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError(name + " " + String.join(",", labels) + " not in /metrics:\n" + body));
    }

    /** The body of one of the gateway's operations endpoints. */
    private static String ops(io.fogbridge.gateway.Gateway gateway, String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + gateway.httpPort() + path))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** One QoS 1 message with the device's credentials: whether the gateway let it in. */
    private static boolean publishes(Path pub, int port, String password) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        pub.toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        String.valueOf(port),
                        "-V",
                        "5",
                        "-q",
                        "1",
                        "-i",
                        "lathe-7",
                        "-u",
                        "lathe-7@acme",
                        "-P",
                        password,
                        "-t",
                        "telemetry/acme/lathe-7",
                        "-m",
                        "{\"temperature\":28}")
                .redirectErrorStream(true)
                .start();
        boolean done = process.waitFor(10, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            process.destroyForcibly();
            throw new AssertionError("mosquitto_pub did not finish: " + output);
        }
        return process.exitValue() == 0;
    }
}
