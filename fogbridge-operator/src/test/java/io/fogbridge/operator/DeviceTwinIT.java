package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fogbridge.gateway.cli.Main;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceProperty;
import io.fogbridge.operator.crd.DeviceStatus;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.ListenerSpec;
import io.fogbridge.operator.crd.ModbusDeviceSpec;
import io.fogbridge.operator.crd.TwinSpec;
import io.fogbridge.operator.model.DeviceSet;
import io.fogbridge.operator.model.PodPaths;
import io.fogbridge.operator.model.TwinAccess;
import io.fogbridge.operator.reconcile.DesiredRefusalWriter;
import io.fogbridge.operator.reconcile.DeviceReconciler;
import io.fogbridge.operator.twin.KafkaDesiredCommands;
import io.fogbridge.operator.twin.KafkaTwinConsumer;
import io.fogbridge.operator.twin.KubernetesTwinSink;
import io.fogbridge.testkit.ChildJvm;
import io.fogbridge.testkit.PymodbusPeer;
import io.fogbridge.testkit.TestEnv;
import io.javaoperatorsdk.operator.Operator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The twin in both directions, end to end: the operator on fabric8's mock API server renders a Gateway with a direct
 * twin; the test plays the kubelet (the devices Secret's files and the ConfigMap's gateway.yaml under a temporary
 * root, the API server's address instead of the in-cluster one); a real {@code fogbridge run} in a child JVM serves
 * a {@code mosquitto_pub} device.
 *
 * <ul>
 *   <li>Reported: the device sends its temperature 50 times a second; the Device's {@code status.reported} follows,
 *       and the PATCH requests on its {@code devices/status} that reached the mock number at most W/I + 1 (a window
 *       W of 6 s at a {@code reportInterval} I of 1 s: 7; with {@code -Dfogbridge.twin.long=true} the issue's 60 s
 *       at the default 10 s: 7). {@code Connected} follows the device's connection.
 *   <li>Desired: a {@code spec.desired} value reaches a {@code mosquitto_sub} of the device as a {@code desired}
 *       command through Kafka and the gateway's command path; {@code InSync} is False until the device reports the
 *       value, then True, with one command sent.
 *   <li>Desired, Modbus: a {@code spec.desired} value of a Modbus Device (pymodbus, an independent slave) becomes a
 *       register write by the converter; its next poll reads it back, the twin reports it, {@code InSync} is True.
 * </ul>
 */
class DeviceTwinIT {

    private static final String NS = "plant-1";
    private static final boolean LONG = Boolean.getBoolean("fogbridge.twin.long");
    private static final Duration WINDOW = LONG ? Duration.ofSeconds(60) : Duration.ofSeconds(6);
    private static final Duration INTERVAL = LONG ? Duration.ofSeconds(10) : Duration.ofSeconds(1);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path root;

    @Test
    void reportedFollowsTelemetryWithBoundedWritesAndADesiredValueReachesTheDevice() throws Exception {
        Path mosquittoPub = TestEnv.peer("mosquitto_pub");
        Path mosquittoSub = TestEnv.peer("mosquitto_sub");
        KubernetesMockServer server = OperatorFixture.mockServer();
        ScheduledExecutorService kubelet = Executors.newSingleThreadScheduledExecutor();
        try (KubernetesClient client = server.createClient();
                PymodbusPeer plc = PymodbusPeer.start(TestEnv.freePort());
                KafkaBroker kafka = KafkaBroker.start(root.resolve("kafka"), 0);
                KafkaDesiredCommands commands = new KafkaDesiredCommands(Map.of(), new DesiredRefusalWriter(client))) {
            kafka.createTopic("fog.telemetry.acme", 1);
            kafka.createTopic("fog.command.acme", 1);
            Operator operator = OperatorFixture.startOperator(
                    client, new DeviceReconciler(Clock.systemUTC(), commands, Duration.ofSeconds(20)));
            int mqttPort = TestEnv.freePort();
            Gateway resource = Gateways.lathe(NS, "lathe");
            resource.getSpec().kafka.bootstrap = kafka.bootstrapServers();
            ListenerSpec listener = new ListenerSpec();
            listener.port = mqttPort;
            listener.anonymous = false;
            resource.getSpec().listeners = List.of(listener);
            resource.getSpec().twin = new TwinSpec();
            resource.getSpec().twin.report = TwinSpec.Report.DIRECT;
            resource.getSpec().twin.reportInterval = INTERVAL.toSeconds() + "s";
            client.resource(resource).create();
            client.resource(Devices.credentials(NS, "lathe-7", "s3cret")).create();
            Device device = Devices.mqtt(NS, "lathe-7", "lathe");
            device.getSpec().properties =
                    Map.of("temperature", property("$.temperature"), "setpoint", property("$.setpoint"));
            client.resource(device).create();
            // A Modbus slave with a writable setpoint (holding register 100 of the peer, zero at start). No
            // properties: the twin reports every tag.
            Device press = Devices.modbus(NS, "press-1", "lathe", "127.0.0.1", plc.port());
            ModbusDeviceSpec.Tag setpoint = press.getSpec().modbus.tags.getFirst();
            setpoint.name = "setpoint";
            setpoint.address = "100";
            setpoint.scale = null;
            setpoint.unit = null;
            setpoint.access = "read-write";
            client.resource(press).create();

            PodPaths paths = new PodPaths(root);
            Files.createDirectories(paths.devicesDir());
            kubelet.scheduleWithFixedDelay(
                    () -> OperatorFixture.mirror(
                            client,
                            NS,
                            "lathe-devices",
                            paths.devicesDir(),
                            DeviceSet.REGISTRY_FILE,
                            TwinAccess.TWIN_FILE),
                    0,
                    200,
                    TimeUnit.MILLISECONDS);
            Path config = paths.configDir().resolve(PodPaths.CONFIG_FILE);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(paths.devicesDir().resolve(TwinAccess.TWIN_FILE))
                            && Files.readString(paths.devicesDir().resolve(TwinAccess.TWIN_FILE))
                                    .contains("press-1")
                            && writeConfig(client, paths, config, server.url("/")));

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
                awaitReady(gateway);
                List<String> login = List.of(
                        "-h", "127.0.0.1", "-p", Integer.toString(mqttPort), "-u", "lathe-7@acme", "-P", "s3cret");

                // Reported: 50 messages a second on one connection (mosquitto_pub -l sends a line per message).
                Process pub = new ProcessBuilder(concat(
                                List.of(
                                        mosquittoPub.toString(),
                                        "-i",
                                        "lathe-7",
                                        "-q",
                                        "1",
                                        "-t",
                                        "telemetry/acme/lathe-7",
                                        "-l"),
                                login))
                        .redirectErrorStream(true)
                        .start();
                int sent = 0;
                int lastTemperature = 0;
                drainStatusPatches(server);
                try (OutputStream lines = pub.getOutputStream()) {
                    long end = System.nanoTime() + WINDOW.toNanos();
                    while (System.nanoTime() < end) {
                        lastTemperature = 20 + sent % 10;
                        lines.write(("{\"temperature\":" + lastTemperature + ",\"rpm\":1200}\n")
                                .getBytes(StandardCharsets.UTF_8));
                        lines.flush();
                        sent++;
                        Thread.sleep(20);
                    }
                    int patches = drainStatusPatches(server);
                    long bound = WINDOW.toMillis() / INTERVAL.toMillis() + 1;
                    System.out.printf(
                            "twin: %d messages in %s, reportInterval %s: %d PATCH devices/status (bound %d)%n",
                            sent, WINDOW, INTERVAL, patches, bound);
                    assertThat(sent).as("messages sent").isGreaterThan((int) (WINDOW.toMillis() / 40));
                    assertThat(patches)
                            .as("PATCH devices/lathe-7/status for %d messages in %s", sent, WINDOW)
                            .isBetween(2, (int) bound);
                    int expected = lastTemperature;
                    await().atMost(INTERVAL.multipliedBy(3).plusSeconds(5))
                            .alias("status.reported.temperature is the last value sent")
                            .until(() -> reported(client, "temperature") == expected);
                    assertThat(status(client).condition("Connected").orElseThrow().status)
                            .isEqualTo(Condition.Status.TRUE);
                    assertThat(status(client).reported).doesNotContainKey("rpm");
                    assertThat(status(client).lastSeen).isNotNull();
                }
                assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
                await().atMost(INTERVAL.multipliedBy(3).plusSeconds(5))
                        .alias("Connected turns False when the device disconnects")
                        .until(() ->
                                status(client).condition("Connected").orElseThrow().status == Condition.Status.FALSE);
                assertThat(status(client).conditions)
                        .as("one Connected condition, the operator's Registered kept")
                        .extracting(c -> c.type)
                        .containsExactlyInAnyOrder("Registered", "Connected");

                // Desired: the device listens for commands, the spec asks for a setpoint.
                Process sub = new ProcessBuilder(concat(
                                List.of(
                                        mosquittoSub.toString(),
                                        "-i",
                                        "lathe-7-commands",
                                        "-q",
                                        "1",
                                        "-v",
                                        "-C",
                                        "1",
                                        "-t",
                                        "command/acme/lathe-7/req/#"),
                                login))
                        .redirectErrorStream(true)
                        .start();
                BlockingQueue<String> received = new LinkedBlockingQueue<>();
                Thread.ofPlatform().daemon().start(() -> {
                    try (BufferedReader out =
                            new BufferedReader(new InputStreamReader(sub.getInputStream(), StandardCharsets.UTF_8))) {
                        out.lines().forEach(received::add);
                    } catch (Exception ignored) {
                        // the process ended
                    }
                });
                await().atMost(Duration.ofSeconds(10))
                        .until(() ->
                                status(client).condition("Connected").orElseThrow().status == Condition.Status.TRUE);
                client.resources(Device.class)
                        .inNamespace(NS)
                        .withName("lathe-7")
                        .edit(d -> {
                            d.getSpec().desired = Map.of("setpoint", IntNode.valueOf(30));
                            return d;
                        });
                String command = received.poll(30, TimeUnit.SECONDS);
                assertThat(command).as("the command mosquitto_sub received").isNotNull();
                assertThat(command)
                        .matches("command/acme/lathe-7/req/lathe-7-desired-\\d+-1/desired \\{\"setpoint\":30}");
                await().atMost(Duration.ofSeconds(5))
                        .alias("InSync is False while the device has not reported the value")
                        .until(() -> status(client)
                                .condition("InSync")
                                .map(c -> c.status == Condition.Status.FALSE && c.reason.equals("Sent"))
                                .orElse(false));

                Process report = new ProcessBuilder(concat(
                                List.of(
                                        mosquittoPub.toString(),
                                        "-i",
                                        "lathe-7",
                                        "-q",
                                        "1",
                                        "-t",
                                        "telemetry/acme/lathe-7",
                                        "-m",
                                        "{\"temperature\":24,\"setpoint\":30}"),
                                login))
                        .redirectErrorStream(true)
                        .start();
                assertThat(report.waitFor(10, TimeUnit.SECONDS)).isTrue();
                await().atMost(INTERVAL.multipliedBy(3).plusSeconds(10))
                        .alias("InSync turns True once the device reports the desired value")
                        .until(() -> status(client)
                                .condition("InSync")
                                .map(c -> c.status == Condition.Status.TRUE)
                                .orElse(false));
                DeviceStatus done = status(client);
                assertThat(done.reported.get("setpoint").value.asInt()).isEqualTo(30);
                assertThat(done.desiredCommand.attempts).as("commands sent").isEqualTo(1);
                sub.destroy();

                // The Modbus slave: the converter takes the desired command as a register write, its next poll
                // reads the register back, the twin reports it.
                await().atMost(Duration.ofSeconds(20))
                        .alias("press-1 reports the register's 0")
                        .until(() -> reported(client, "press-1", "setpoint") == 0);
                client.resources(Device.class)
                        .inNamespace(NS)
                        .withName("press-1")
                        .edit(d -> {
                            d.getSpec().desired = Map.of("setpoint", IntNode.valueOf(42));
                            return d;
                        });
                await().atMost(INTERVAL.multipliedBy(3).plusSeconds(20))
                        .alias("press-1 InSync after the register write")
                        .until(() -> status(client, "press-1")
                                .condition("InSync")
                                .map(c -> c.status == Condition.Status.TRUE)
                                .orElse(false));
                assertThat(reported(client, "press-1", "setpoint")).isEqualTo(42);
                assertThat(status(client, "press-1").desiredCommand.attempts).isEqualTo(1);

                // A refusal: the converter answers 400 for a tag it does not have; InSync says so, with the answer,
                // and the command is not sent again.
                client.resources(Device.class)
                        .inNamespace(NS)
                        .withName("press-1")
                        .edit(d -> {
                            d.getSpec().desired = Map.of("setpoint", IntNode.valueOf(42), "bogus", IntNode.valueOf(1));
                            return d;
                        });
                await().atMost(Duration.ofSeconds(30))
                        .alias("press-1 InSync=False, reason Refused, with the converter's 400")
                        .until(() -> status(client, "press-1")
                                .condition("InSync")
                                .map(c -> c.status == Condition.Status.FALSE
                                        && c.reason.equals("Refused")
                                        && c.message.contains("400"))
                                .orElse(false));
                System.out.println("refused: "
                        + status(client, "press-1").condition("InSync").orElseThrow().message);
                assertThat(status(client, "press-1").desiredCommand.attempts).isEqualTo(1);
            } finally {
                operator.stop();
            }
        } finally {
            kubelet.shutdownNow();
            server.destroy();
        }
    }

    /**
     * The path for gateways behind NAT, with the operator and the gateway in separate processes: the gateway
     * publishes the twin to {@code fog.twin.acme}; the operator's {@link KafkaTwinConsumer} writes it into the
     * Device's status. The gateway's pod has no route to the API server here: its config has no {@code apiServer}.
     */
    @Test
    void theKafkaPathCarriesTheTwinFromTheGatewayProcessToTheOperator() throws Exception {
        Path mosquittoPub = TestEnv.peer("mosquitto_pub");
        KubernetesMockServer server = OperatorFixture.mockServer();
        ScheduledExecutorService kubelet = Executors.newSingleThreadScheduledExecutor();
        Operator operator = null;
        try (KubernetesClient client = server.createClient();
                KafkaBroker kafka = KafkaBroker.start(root.resolve("kafka"), 0);
                KafkaDesiredCommands commands = new KafkaDesiredCommands(Map.of());
                KafkaTwinConsumer twins =
                        new KafkaTwinConsumer(kafka.bootstrapServers(), Map.of(), new KubernetesTwinSink(client))) {
            kafka.createTopic("fog.telemetry.acme", 1);
            kafka.createTopic("fog.twin.acme", 1);
            operator = OperatorFixture.startOperator(
                    client, new DeviceReconciler(Clock.systemUTC(), commands, Duration.ofSeconds(20)));
            twins.start();
            int mqttPort = TestEnv.freePort();
            Gateway resource = Gateways.lathe(NS, "lathe");
            resource.getSpec().kafka.bootstrap = kafka.bootstrapServers();
            ListenerSpec listener = new ListenerSpec();
            listener.port = mqttPort;
            listener.anonymous = false;
            resource.getSpec().listeners = List.of(listener);
            resource.getSpec().twin = new TwinSpec();
            resource.getSpec().twin.report = TwinSpec.Report.KAFKA;
            resource.getSpec().twin.reportInterval = "1s";
            client.resource(resource).create();
            client.resource(Devices.credentials(NS, "lathe-7", "s3cret")).create();
            Device device = Devices.mqtt(NS, "lathe-7", "lathe");
            device.getSpec().properties = Map.of("temperature", property("$.temperature"));
            client.resource(device).create();

            PodPaths paths = new PodPaths(root);
            Files.createDirectories(paths.devicesDir());
            kubelet.scheduleWithFixedDelay(
                    () -> OperatorFixture.mirror(
                            client,
                            NS,
                            "lathe-devices",
                            paths.devicesDir(),
                            DeviceSet.REGISTRY_FILE,
                            TwinAccess.TWIN_FILE),
                    0,
                    200,
                    TimeUnit.MILLISECONDS);
            Path config = paths.configDir().resolve(PodPaths.CONFIG_FILE);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(paths.devicesDir().resolve(TwinAccess.TWIN_FILE))
                            && Files.readString(paths.devicesDir().resolve(TwinAccess.TWIN_FILE))
                                    .contains("lathe-7")
                            && writeConfig(client, paths, config, null));
            assertThat(YAML.readTree(config.toFile()).at("/twin/target").asText())
                    .isEqualTo("kafka");
            assertThat(Files.readString(config)).doesNotContain("apiServer");
            assertThat(client.rbac()
                            .roles()
                            .inNamespace(NS)
                            .withName("lathe")
                            .get()
                            .getRules())
                    .as("a Kafka twin needs no API access")
                    .isNullOrEmpty();

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
                awaitReady(gateway);
                Process pub = new ProcessBuilder(
                                mosquittoPub.toString(),
                                "-h",
                                "127.0.0.1",
                                "-p",
                                Integer.toString(mqttPort),
                                "-i",
                                "lathe-7",
                                "-u",
                                "lathe-7@acme",
                                "-P",
                                "s3cret",
                                "-q",
                                "1",
                                "-t",
                                "telemetry/acme/lathe-7",
                                "-l")
                        .redirectErrorStream(true)
                        .start();
                try (OutputStream lines = pub.getOutputStream()) {
                    // A changing value for a while: the operator's consumer may join after the first updates.
                    for (int i = 0; i < 60; i++) {
                        lines.write(("{\"temperature\":" + (40 + i) + "}\n").getBytes(StandardCharsets.UTF_8));
                        lines.flush();
                        Thread.sleep(100);
                    }
                    await().atMost(Duration.ofSeconds(15))
                            .alias("status.reported.temperature written by the operator from fog.twin.acme")
                            .until(() -> reported(client, "temperature") == 99);
                    assertThat(status(client).condition("Connected").orElseThrow().status)
                            .isEqualTo(Condition.Status.TRUE);
                    assertThat(status(client).condition("Registered").orElseThrow().status)
                            .as("the operator's condition stays")
                            .isEqualTo(Condition.Status.TRUE);
                }
                assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            if (operator != null) {
                operator.stop();
            }
            kubelet.shutdownNow();
            server.destroy();
        }
    }

    private static DeviceProperty property(String path) {
        DeviceProperty property = new DeviceProperty();
        property.jsonPath = path;
        return property;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static DeviceStatus status(KubernetesClient client) {
        return status(client, "lathe-7");
    }

    private static DeviceStatus status(KubernetesClient client, String name) {
        Device device =
                client.resources(Device.class).inNamespace(NS).withName(name).get();
        return device.getStatus() == null ? new DeviceStatus() : device.getStatus();
    }

    private static int reported(KubernetesClient client, String property) {
        return reported(client, "lathe-7", property);
    }

    private static int reported(KubernetesClient client, String name, String property) {
        DeviceStatus.ReportedValue value = status(client, name).reported.get(property);
        return value == null ? Integer.MIN_VALUE : value.value.asInt();
    }

    /**
     * The kubelet's mount of the operator's ConfigMap, with the pod's root moved under the test's and the API server's
     * address for the in-cluster one (no service account token here); the ops port any free one.
     */
    @SuppressWarnings("unchecked")
    private static boolean writeConfig(KubernetesClient client, PodPaths paths, Path config, String apiServer)
            throws Exception {
        ConfigMap map =
                client.configMaps().inNamespace(NS).withName("lathe-config").get();
        if (map == null || !map.getData().get(PodPaths.CONFIG_FILE).contains("twin:")) {
            return false;
        }
        String yaml = map.getData()
                .get(PodPaths.CONFIG_FILE)
                .replace("/etc/fogbridge/", paths.root() + "/etc/fogbridge/")
                .replace("/var/lib/fogbridge", paths.root() + "/var/lib/fogbridge");
        Map<String, Object> doc = YAML.readValue(yaml, Map.class);
        Map<String, Object> twin = (Map<String, Object>) doc.get("twin");
        if (apiServer != null) {
            twin.put("apiServer", apiServer);
        }
        twin.remove("tokenFile");
        twin.remove("caFile");
        ((Map<String, Object>) doc.get("http")).put("port", 0);
        Files.createDirectories(config.getParent());
        Files.writeString(config, YAML.writeValueAsString(doc));
        return true;
    }

    private static void awaitReady(ChildJvm gateway) throws Exception {
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
                return;
            }
            assertThat(gateway.isAlive())
                    .as("the gateway is running (its log is on stderr)")
                    .isTrue();
        }
        throw new AssertionError("the gateway printed no READY line within 60 s");
    }

    /** PATCH requests on the Device's status that reached the mock since the last call (others are dropped). */
    private static int drainStatusPatches(KubernetesMockServer server) throws InterruptedException {
        int patches = 0;
        var request = server.takeRequest(10, TimeUnit.MILLISECONDS);
        while (request != null) {
            if (request.getMethod().equals("PATCH")
                    && request.getPath().endsWith("/namespaces/" + NS + "/devices/lathe-7/status")) {
                patches++;
            }
            request = server.takeRequest(10, TimeUnit.MILLISECONDS);
        }
        return patches;
    }
}
