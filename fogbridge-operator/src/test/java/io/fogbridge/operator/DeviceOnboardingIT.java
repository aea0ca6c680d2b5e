package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fogbridge.certs.CertificateFactory;
import io.fogbridge.gateway.cli.Main;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceCredentials;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.ListenerSpec;
import io.fogbridge.operator.crd.TenantSpec;
import io.fogbridge.operator.model.DeviceSet;
import io.fogbridge.operator.model.Newcomers;
import io.fogbridge.operator.model.PodPaths;
import io.fogbridge.operator.twin.DeviceProposals;
import io.fogbridge.operator.twin.KafkaTwinConsumer;
import io.fogbridge.operator.twin.KubernetesTwinSink;
import io.fogbridge.testkit.ChildJvm;
import io.fogbridge.testkit.TestEnv;
import io.javaoperatorsdk.operator.Operator;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plug-and-play onboarding, end to end (issue 15: "a pending certificate device is approved and then flows"). The
 * operator on fabric8's mock API server renders a Gateway whose tenant acme names its CA Secret and the policy
 * {@code manual}; the test plays the kubelet (the Secrets' files under a temporary root); a real {@code fogbridge
 * run} in a child JVM serves TLS with client certificates; {@code mosquitto_pub --cert} is the device, with a
 * certificate of acme's CA that no Device registers.
 *
 * <ol>
 *   <li>It connects and publishes (MQTT 3.1.1, QoS 1): held pending, each publish dropped at the edge and counted
 *       ({@code fogbridge_mqtt_pending_dropped_total}, {@code fogbridge_devices_pending}).
 *   <li>The gateway reports it on {@code fog.twin.acme}; the operator's consumer creates Device {@code sensor-9}
 *       with {@code Registered=False, reason=PendingApproval}, and it stays out of the rendered registry.
 *   <li>{@code fogbridge device approve sensor-9 --kubernetes} sets {@code spec.approved}; the operator renders it;
 *       the gateway, without a restart, closes the pending connection; the device's next connection (MQTT 5, so a
 *       still-pending publish would be answered 0x87 and fail) reaches Kafka, and nothing it sent while pending
 *       does.
 * </ol>
 */
class DeviceOnboardingIT {

    private static final String NS = "plant-1";
    private static final String SUBJECT = "CN=sensor-9,O=acme";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path root;

    @Test
    void aPendingCertificateDeviceIsApprovedAndThenFlows() throws Exception {
        Path mosquittoPub = TestEnv.peer("mosquitto_pub");
        Path certs = Files.createDirectories(root.resolve("certs"));
        CertificateFactory.Issued serverCa = CertificateFactory.ca("CN=Edge Server CA");
        serverCa.writeCertificatePem(certs.resolve("server-ca.pem"));
        CertificateFactory.Issued acmeCa = CertificateFactory.ca("CN=Acme Devices CA,O=acme");
        CertificateFactory.client(acmeCa, SUBJECT)
                .writePem(certs.resolve("sensor-9.pem"), certs.resolve("sensor-9.key"));

        KubernetesMockServer server = OperatorFixture.mockServer();
        ScheduledExecutorService kubelet = Executors.newSingleThreadScheduledExecutor();
        Operator operator = null;
        try (KubernetesClient client = server.createClient();
                KafkaBroker kafka = KafkaBroker.start(root.resolve("kafka"), 0);
                KafkaTwinConsumer twins = new KafkaTwinConsumer(
                        kafka.bootstrapServers(),
                        Map.of(),
                        new KubernetesTwinSink(client),
                        new DeviceProposals(client))) {
            kafka.createTopic("fog.telemetry.acme", 1);
            kafka.createTopic("fog.twin.acme", 1);
            operator = OperatorFixture.startOperator(client);
            twins.start();

            int mqttPort = TestEnv.freePort();
            client.resource(new SecretBuilder()
                            .withNewMetadata()
                            .withNamespace(NS)
                            .withName("acme-ca")
                            .endMetadata()
                            .withStringData(Map.of("ca.crt", acmeCa.certificatePem()))
                            .build())
                    .create();
            Gateway resource = Gateways.lathe(NS, "lathe");
            resource.getSpec().kafka.bootstrap = kafka.bootstrapServers();
            ListenerSpec listener = new ListenerSpec();
            listener.port = mqttPort;
            listener.anonymous = false;
            listener.tls = new ListenerSpec.Tls();
            listener.tls.secretName = "lathe-mqtt-tls";
            listener.tls.clientAuth = ListenerSpec.ClientAuth.REQUIRED;
            resource.getSpec().listeners = List.of(listener);
            TenantSpec acme = new TenantSpec();
            acme.name = "acme";
            acme.trustedCa = new DeviceCredentials.SecretKeyRef("acme-ca", "ca.crt");
            acme.onboarding = new TenantSpec.Onboarding();
            acme.onboarding.policy = TenantSpec.Policy.MANUAL;
            resource.getSpec().tenants = List.of(acme);
            client.resource(resource).create();

            // The kubelet: the listener's certificate Secret (written here directly) and the devices Secret.
            PodPaths paths = new PodPaths(root);
            Path tls = Files.createDirectories(paths.listenerTlsDir(mqttPort));
            CertificateFactory.server(serverCa, "localhost", "127.0.0.1")
                    .writePem(tls.resolve("tls.crt"), tls.resolve("tls.key"));
            Files.createDirectories(paths.devicesDir());
            kubelet.scheduleWithFixedDelay(
                    () -> OperatorFixture.mirror(client, NS, "lathe-devices", paths.devicesDir()),
                    0,
                    200,
                    TimeUnit.MILLISECONDS);
            Path config = paths.configDir().resolve(PodPaths.CONFIG_FILE);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(paths.devicesDir().resolve(DeviceSet.CLIENT_CAS_FILE))
                            && writeConfig(client, paths, config));
            assertThat(Files.readString(paths.devicesDir().resolve(DeviceSet.REGISTRY_FILE)))
                    .as("the tenant's CA and policy are in the rendered registry")
                    .contains("trustedCa: ca-acme.pem")
                    .contains("policy: manual");

            try (ChildJvm gateway = ChildJvm.start(
                    Main.class,
                    List.of(
                            "-Xmx256m",
                            "-XX:+UseSerialGC",
                            "-XX:TieredStopAtLevel=1",
                            "--enable-native-access=ALL-UNNAMED"),
                    "run",
                    "--config",
                    config.toString())) {
                int httpPort = awaitReady(gateway);

                // 1. Pending: it connects, what it sends is acknowledged (3.1.1) and dropped.
                Process pending = new ProcessBuilder(pub(mosquittoPub, mqttPort, "mqttv311", "sensor-9", "-l"))
                        .redirectErrorStream(true)
                        .start();
                try (OutputStream lines = pending.getOutputStream()) {
                    for (int i = 0; i < 5; i++) {
                        lines.write(("held-" + i + "\n").getBytes(StandardCharsets.UTF_8));
                        lines.flush();
                    }
                    await().atMost(Duration.ofSeconds(15))
                            .alias("5 publishes of the pending device dropped and counted")
                            .until(() -> metric(httpPort, "fogbridge_mqtt_pending_dropped_total") == 5);
                    assertThat(metric(httpPort, "fogbridge_devices_pending")).isEqualTo(1);
                    assertThat(pending.isAlive())
                            .as("a pending device stays connected")
                            .isTrue();

                    // 2. Proposed as a Device awaiting approval, and not rendered.
                    await().atMost(Duration.ofSeconds(30))
                            .alias("Device sensor-9 with Registered=False, reason PendingApproval")
                            .until(() -> registered(client)
                                    .map(c -> c.status == Condition.Status.FALSE
                                            && Newcomers.PENDING_APPROVAL.equals(c.reason))
                                    .orElse(false));
                    Device proposed = device(client);
                    assertThat(proposed.getSpec().credentials.certificateSubject)
                            .isEqualTo(SUBJECT);
                    assertThat(proposed.getSpec().tenant).isEqualTo("acme");
                    assertThat(proposed.getSpec().gateway).isEqualTo("lathe");
                    assertThat(proposed.getSpec().approved).isNull();
                    assertThat(proposed.getMetadata().getLabels()).containsEntry(Newcomers.LABEL, "true");
                    assertThat(Files.readString(paths.devicesDir().resolve(DeviceSet.REGISTRY_FILE)))
                            .doesNotContain("sensor-9");

                    // 3. Approved with the CLI; the gateway applies it without a restart.
                    try (ChildJvm approve = ChildJvm.start(
                            Main.class,
                            List.of("-XX:TieredStopAtLevel=1"),
                            "device",
                            "approve",
                            "sensor-9",
                            "--kubernetes",
                            "--namespace",
                            NS,
                            "--api-server",
                            server.url("/").replaceAll("/$", ""))) {
                        assertThat(approve.waitFor(60, TimeUnit.SECONDS))
                                .as("fogbridge device approve exit code")
                                .isZero();
                    }
                    assertThat(device(client).getSpec().approved).isTrue();
                    await().atMost(Duration.ofSeconds(30))
                            .alias("Registered=True once rendered")
                            .until(() -> registered(client)
                                    .map(c -> c.status == Condition.Status.TRUE)
                                    .orElse(false));
                    await().atMost(Duration.ofSeconds(15))
                            .alias("the pending connection is closed once approved")
                            .until(() -> metric(httpPort, "fogbridge_mqtt_revoked_total", "approved") == 1);
                }
                pending.destroy();

                long start = System.nanoTime();
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(500))
                        .alias("the next connection's publish is acknowledged (MQTT 5: 0x87 while pending)")
                        .until(() -> publishOnce(mosquittoPub, mqttPort, "flows") == 0);
                System.out.printf(
                        "onboarding: the approved device's next connection published %d ms after the pending one"
                                + " was closed%n",
                        (System.nanoTime() - start) / 1_000_000);
                List<String> values = telemetryOf(kafka, "sensor-9");
                assertThat(values)
                        .as("sensor-9's records in fog.telemetry.acme")
                        .contains("flows");
                assertThat(values)
                        .as("nothing it sent while pending left the edge")
                        .noneMatch(v -> v.startsWith("held-"));
                assertThat(metric(httpPort, "fogbridge_devices_pending")).isZero();
            }
        } finally {
            if (operator != null) {
                operator.stop();
            }
            kubelet.shutdownNow();
            server.destroy();
        }
    }

    private List<String> pub(Path mosquittoPub, int port, String version, String clientId, String... message) {
        List<String> command = new ArrayList<>(List.of(
                mosquittoPub.toString(),
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "--cafile",
                root.resolve("certs/server-ca.pem").toString(),
                "--cert",
                root.resolve("certs/sensor-9.pem").toString(),
                "--key",
                root.resolve("certs/sensor-9.key").toString(),
                "-i",
                clientId,
                "-V",
                version,
                "-q",
                "1",
                "-t",
                "telemetry/acme/sensor-9"));
        command.addAll(List.of(message));
        return command;
    }

    private int publishOnce(Path mosquittoPub, int port, String message) throws Exception {
        Process process = new ProcessBuilder(
                        pub(mosquittoPub, port, "mqttv5", "sensor-9-" + System.nanoTime(), "-m", message))
                .redirectErrorStream(true)
                .start();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        System.out.println("mosquitto_pub " + message + ": exit " + process.exitValue() + " "
                + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        return process.exitValue();
    }

    private static Device device(KubernetesClient client) {
        return client.resources(Device.class)
                .inNamespace(NS)
                .withName("sensor-9")
                .get();
    }

    private static java.util.Optional<Condition> registered(KubernetesClient client) {
        Device device = device(client);
        return device == null || device.getStatus() == null
                ? java.util.Optional.empty()
                : device.getStatus().condition("Registered");
    }

    /** A counter or gauge of the gateway's /metrics (summed over its series, optionally one tag value); 0 if absent. */
    private static double metric(int httpPort, String name, String... tagValue) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        Matcher line = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? (\\S+)$").matcher(response.body());
        double sum = 0;
        while (line.find()) {
            if (tagValue.length == 0 || (line.group(1) != null && line.group(1).contains("\"" + tagValue[0] + "\""))) {
                sum += Double.parseDouble(line.group(2));
            }
        }
        return sum;
    }

    private static List<String> telemetryOf(KafkaBroker kafka, String device) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "onboarding-it");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("fog.telemetry.acme"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!values.contains("flows") && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (device.equals(r.key())) {
                        values.add(r.value());
                    }
                });
            }
        }
        return values;
    }

    /** The kubelet's mount of the ConfigMap, the pod's root moved under the test's; the ops port any free one. */
    @SuppressWarnings("unchecked")
    private static boolean writeConfig(KubernetesClient client, PodPaths paths, Path config) throws Exception {
        ConfigMap map =
                client.configMaps().inNamespace(NS).withName("lathe-config").get();
        if (map == null || !map.getData().get(PodPaths.CONFIG_FILE).contains("reportNewcomers")) {
            return false;
        }
        String yaml = map.getData()
                .get(PodPaths.CONFIG_FILE)
                .replace("/etc/fogbridge/", paths.root() + "/etc/fogbridge/")
                .replace("/var/lib/fogbridge", paths.root() + "/var/lib/fogbridge");
        Map<String, Object> doc = YAML.readValue(yaml, Map.class);
        ((Map<String, Object>) doc.get("http")).put("port", 0);
        Files.createDirectories(config.getParent());
        Files.writeString(config, YAML.writeValueAsString(doc));
        return true;
    }

    /** Waits for the gateway's READY line; its ops port. */
    private static int awaitReady(ChildJvm gateway) throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                for (String line = gateway.readLine(); line != null; line = gateway.readLine()) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // the pipe breaks when the process dies
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null && line.startsWith("READY ")) {
                Matcher http = Pattern.compile("http=(\\d+)").matcher(line);
                assertThat(http.find()).as(line).isTrue();
                return Integer.parseInt(http.group(1));
            }
            assertThat(gateway.isAlive())
                    .as("the gateway is running (its log is on stderr)")
                    .isTrue();
        }
        throw new AssertionError("the gateway printed no READY line within 60 s");
    }
}
