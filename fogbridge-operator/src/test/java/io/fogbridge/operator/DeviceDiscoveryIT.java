package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fogbridge.api.discovery.ProposedDevice;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.gateway.discovery.Discovery;
import io.fogbridge.gateway.discovery.ProposalRecords;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceSpec;
import io.fogbridge.operator.crd.DiscoverySpec;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.ModbusDeviceSpec;
import io.fogbridge.operator.crd.OpcUaDeviceSpec;
import io.fogbridge.operator.twin.DiscoveryProposals;
import io.fogbridge.operator.twin.KafkaTwinConsumer;
import io.fogbridge.operator.twin.TwinGroup;
import io.fogbridge.testkit.PymodbusPeer;
import io.fogbridge.testkit.TestEnv;
import io.javaoperatorsdk.operator.Operator;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field discovery end to end, on fabric8's mock API server (CRUD mode) with the operator running: {@code fogbridge
 * discover} (the CLI, in this JVM) scans real peers and creates pending Devices through the API; the operator leaves
 * them out of the Gateway's rendering ({@code Registered=False, PendingApproval}) until {@code spec.approved} is set.
 *
 * <ul>
 *   <li>OPC UA: node-opcua (the peer of fogbridge-opcua's OpcUaPeerIT, its script and pinned modules) answers
 *       FindServers and GetEndpoints at its own discovery endpoint and is browsed; the proposal holds its URL, security
 *       None (which it offers) and its variables. Approved, it is rendered into the Gateway's converter section.
 *   <li>Modbus: pymodbus (it serves unit 1 only) on one port of a /30, with a closed port and a second
 *       host that refuses: one Device. A rescan proposes the same name, so nothing is duplicated or changed.
 *   <li>Scheduled scans: a gateway (in this JVM, with a real Kafka) runs a Modbus and an OPC UA scan every 2 s and
 *       proposes through {@code fog.twin.acme}; the operator's twin consumer creates one pending Device each, and more
 *       rounds change neither. A proposal for acme written to globex's topic creates nothing.
 * </ul>
 *
 * One start of the mock, the operator and each peer for the class.
 */
class DeviceDiscoveryIT {

    private static final String NS = "plant-1";
    private static final Path OPCUA_PEER =
            Path.of("../fogbridge-opcua/src/test/node").toAbsolutePath();

    @TempDir
    static Path pki;

    private static KubernetesMockServer server;
    private static KubernetesClient client;
    private static Operator operator;
    private static Process opcua;
    private static int opcuaPort;
    private static PymodbusPeer plc;
    private static String said;

    @BeforeAll
    static void start() throws Exception {
        server = OperatorFixture.mockServer();
        client = server.createClient();
        operator = OperatorFixture.startOperator(client);
        client.resource(Gateways.lathe(NS, "lathe")).create();
        plc = PymodbusPeer.start(TestEnv.freePort());
        opcuaPort = TestEnv.freePort();
        opcua = startOpcUaPeer(opcuaPort);
    }

    @AfterAll
    static void stop() throws Exception {
        if (opcua != null) {
            opcua.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        if (plc != null) {
            plc.close();
        }
        if (operator != null) {
            operator.stop();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroy();
        }
    }

    @Test
    void anOpcUaServerAtItsDiscoveryEndpointIsProposedPendingAndRenderedOnceApproved() throws Exception {
        String url = "opc.tcp://127.0.0.1:" + opcuaPort + "/peer";
        // a generous timeout: the first request of a cold JVM on a loaded CI box loads Milo's stack
        assertThat(discover("opcua", url, "--timeout", "30s")).isZero();
        assertThat(said).contains("proposed opcua-");

        Device device = onlyDiscovered(DeviceSpec.Protocol.OPCUA);
        assertThat(device.getMetadata().getName()).matches("opcua-[0-9a-f]{10}");
        assertThat(device.getSpec().approved).isFalse();
        assertThat(device.getSpec().tenant).isEqualTo("acme");
        assertThat(device.getSpec().gateway).isEqualTo("lathe");
        OpcUaDeviceSpec section = device.getSpec().opcua;
        assertThat(section.url).isEqualTo(url);
        assertThat(section.securityPolicy).isEqualTo("None");
        assertThat(section.securityMode).isEqualTo("None");
        assertThat(section.items)
                .extracting(i -> i.name + "=" + i.nodeId)
                .contains("Tank.Counter=ns=1;s=Counter", "Tank.Level=ns=1;s=Level", "Tank.Setpoint=ns=1;s=Setpoint");
        assertThat(section.items).allSatisfy(i -> assertThat(i.writable).isNull());
        assertThat(device.getMetadata().getAnnotations().get("fogbridge.io/discovery-notes"))
                .contains("Basic256Sha256/SignAndEncrypt", "Tank.Counter ns=1;s=Counter Int32 read", "username");
        String name = device.getMetadata().getName();
        awaitRegistered(name, Condition.Status.FALSE, "PendingApproval");
        assertThat(gatewayConfig()).doesNotContain(url);

        client.resources(Device.class).inNamespace(NS).withName(name).edit(d -> {
            d.getSpec().approved = true;
            return d;
        });
        awaitRegistered(name, Condition.Status.TRUE, "Rendered");
        assertThat(gatewayConfig()).contains(url, "ns=1;s=Counter");

        assertThat(discover("opcua", url, "--timeout", "30s")).as("a rescan").isZero();
        assertThat(said).contains("known    " + name);
        Device again = onlyDiscovered(DeviceSpec.Protocol.OPCUA);
        assertThat(again.getMetadata().getName()).isEqualTo(name);
        assertThat(again.getSpec().approved)
                .as("an approved Device stays approved")
                .isTrue();
    }

    @Test
    void aModbusScanProposesTheUnitThatAnswersAndARescanMakesNoDuplicate() throws Exception {
        String closed = Integer.toString(TestEnv.freePort());
        String[] scan = {"127.0.0.1/30", "--ports", plc.port() + "," + closed, "--units", "1-3", "--timeout", "500ms"};
        assertThat(discover("modbus", scan)).isZero();
        assertThat(said).contains("proposed modbus-");

        Device device = onlyDiscovered(DeviceSpec.Protocol.MODBUS);
        assertThat(device.getMetadata().getName()).matches("modbus-[0-9a-f]{10}");
        assertThat(device.getSpec().approved).isFalse();
        ModbusDeviceSpec section = device.getSpec().modbus;
        assertThat(section.host).isEqualTo("127.0.0.1");
        assertThat(section.port).isEqualTo(plc.port());
        assertThat(section.unitId).isEqualTo(1);
        assertThat(section.tags)
                .extracting(t -> t.name + " " + t.table + " " + t.address)
                .containsExactly(
                        "holding-register-0 holding-registers 0",
                        "input-register-0 input-registers 0",
                        "coil-0 coils 0",
                        "discrete-input-0 discrete-inputs 0");
        assertThat(device.getMetadata().getAnnotations().get("fogbridge.io/discovered-endpoint"))
                .isEqualTo("modbus://127.0.0.1:" + plc.port() + "/1");
        awaitRegistered(device.getMetadata().getName(), Condition.Status.FALSE, "PendingApproval");
        String version = client.resources(Device.class)
                .inNamespace(NS)
                .withName(device.getMetadata().getName())
                .get()
                .getMetadata()
                .getResourceVersion();

        assertThat(discover("modbus", scan)).as("a rescan").isZero();
        assertThat(said).contains("known    " + device.getMetadata().getName());
        Device again = onlyDiscovered(DeviceSpec.Protocol.MODBUS);
        assertThat(again.getMetadata().getName()).isEqualTo(device.getMetadata().getName());
        assertThat(again.getMetadata().getResourceVersion())
                .as("the rescan left the Device as it was")
                .isEqualTo(version);
    }

    /**
     * The scheduled scan: a real gateway (in this JVM) with {@code discovery} scanning pymodbus every 2 s publishes
     * its proposal to {@code fog.twin.acme} in a real Kafka; the operator's twin consumer makes one pending Device of
     * it, and later rounds change nothing.
     */
    @Test
    void aGatewaysScheduledScanIsProposedThroughKafkaAsOnePendingDevice() throws Exception {
        String name =
                new ProposedDevice("modbus", "modbus://127.0.0.1:" + plc.port() + "/1", Map.of(), List.of()).name();
        client.resources(Device.class).inNamespace(NS).withName(name).delete(); // the CLI test's, if it ran first
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.resources(Device.class)
                                .inNamespace(NS)
                                .withName(name)
                                .get()
                        == null);
        // the OPC UA CLI test's Device, if it ran first: the scheduled scan must create its own
        deleteDiscovered(DeviceSpec.Protocol.OPCUA);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.resources(Device.class).inNamespace(NS).list().getItems().stream()
                        .noneMatch(d -> d.getSpec().protocol == DeviceSpec.Protocol.OPCUA));
        String url = "opc.tcp://127.0.0.1:" + opcuaPort + "/peer";
        DiscoverySpec scan = new DiscoverySpec();
        scan.name = "plc-scan";
        scan.protocol = DiscoverySpec.Protocol.MODBUS;
        scan.tenant = "acme";
        scan.target = "127.0.0.1";
        scan.ports = Integer.toString(plc.port());
        scan.every = "2s";
        DiscoverySpec servers = new DiscoverySpec();
        servers.name = "opc-scan";
        servers.protocol = DiscoverySpec.Protocol.OPCUA;
        servers.tenant = "acme";
        servers.target = url;
        servers.every = "2s";
        client.resources(Gateway.class).inNamespace(NS).withName("lathe").edit(g -> {
            g.getSpec().discovery = List.of(scan, servers);
            return g;
        });
        try (KafkaBroker kafka = KafkaBroker.start(pki.resolve("kafka"), 0);
                KafkaTwinConsumer twins = new KafkaTwinConsumer(kafka.bootstrapServers(), Map.of(), batch -> List.of())
                        .discovered(new DiscoveryProposals(client))
                        .start();
                io.fogbridge.gateway.Gateway gateway = io.fogbridge.gateway.Gateway.start(ConfigLoader.load(
                        "gateway.yaml",
                        """
                        gateway: {id: plant-1.lathe, dataDir: "%s"}
                        mqtt: {listeners: [{host: 127.0.0.1, port: %d}]}
                        kafka: {bootstrapServers: "%s"}
                        http: {host: 127.0.0.1, port: 0}
                        discovery:
                          - {name: plc-scan, protocol: modbus, tenant: acme, target: 127.0.0.1, ports: "%d",
                             timeout: 2s, every: 2s}
                          - {name: opc-scan, protocol: opcua, tenant: acme, target: "%s", timeout: 30s, every: 2s}
                        """.formatted(
                                pki.resolve("gateway"), TestEnv.freePort(), kafka.bootstrapServers(), plc.port(), url),
                        Map.of()))) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> client.resources(Device.class)
                                    .inNamespace(NS)
                                    .withName(name)
                                    .get()
                            != null);
            awaitRegistered(name, Condition.Status.FALSE, "PendingApproval");
            Device device = client.resources(Device.class)
                    .inNamespace(NS)
                    .withName(name)
                    .get();
            assertThat(device.getSpec().approved).isFalse();
            assertThat(device.getSpec().gateway).isEqualTo("lathe");
            assertThat(device.getSpec().modbus.port).isEqualTo(plc.port());
            String version = device.getMetadata().getResourceVersion();

            // the OPC UA server, found by the gateway's own scan (FindServers, endpoints, browse) and proposed
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> client.resources(Device.class).inNamespace(NS).list().getItems().stream()
                            .anyMatch(d -> d.getSpec().protocol == DeviceSpec.Protocol.OPCUA));
            Device server = onlyDiscovered(DeviceSpec.Protocol.OPCUA);
            awaitRegistered(server.getMetadata().getName(), Condition.Status.FALSE, "PendingApproval");
            assertThat(server.getSpec().approved).isFalse();
            assertThat(server.getSpec().gateway).isEqualTo("lathe");
            assertThat(server.getSpec().opcua.url).isEqualTo(url);
            assertThat(server.getSpec().opcua.items)
                    .extracting(i -> i.name + "=" + i.nodeId)
                    .contains("Tank.Counter=ns=1;s=Counter");

            double rounds = scans(gateway.httpPort());
            await().atMost(Duration.ofSeconds(30)).until(() -> scans(gateway.httpPort()) >= rounds + 2);
            Device again = onlyDiscovered(DeviceSpec.Protocol.MODBUS);
            assertThat(again.getMetadata().getName()).isEqualTo(name);
            assertThat(again.getMetadata().getResourceVersion())
                    .as("two more rounds left the Device as it was")
                    .isEqualTo(version);

            ProposedDevice forged = new ProposedDevice("modbus", "modbus://10.9.9.9:502/1", Map.of(), List.of());
            proposeThroughAnotherTenantsTopic(kafka.bootstrapServers(), forged);
            assertThat(client.resources(Device.class)
                            .inNamespace(NS)
                            .withName(forged.name())
                            .get())
                    .as("a proposal for acme that came through globex's topic")
                    .isNull();
        } finally {
            client.resources(Device.class).inNamespace(NS).withName(name).delete();
            deleteDiscovered(DeviceSpec.Protocol.OPCUA);
            // the other tests expect the Gateway without scans (the OPC UA one's url would be in its config)
            client.resources(Gateway.class).inNamespace(NS).withName("lathe").edit(g -> {
                g.getSpec().discovery = null;
                return g;
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> !gatewayConfig().contains(url));
        }
    }

    /**
     * A proposal for tenant acme from Gateway lathe, which scans for acme, written to globex's twin topic (as a gateway
     * holding globex's credentials could); returns once the operator's twin consumer has consumed and committed it.
     * The topic is created, and the consumer seen assigned to it, first: the consumer starts a new topic at its end,
     * so a record written before would be skipped and prove nothing.
     */
    private static void proposeThroughAnotherTenantsTopic(String bootstrap, ProposedDevice device) throws Exception {
        String topic = "fog.twin.globex";
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            TwinGroup.awaitAssigned(admin, partition);
            ProposalRecords.Report report =
                    new ProposalRecords.Report(NS + ".lathe", "acme", "plc-scan", java.time.Instant.now(), device);
            producer.send(new ProducerRecord<>(topic, ProposalRecords.key(device), ProposalRecords.toJson(report)))
                    .get();
            TwinGroup.awaitCommitted(admin, partition, 1);
        }
    }

    /** {@code fogbridge_discovery_scans_total{result="ok"}} of the gateway's /metrics. */
    private static double scans(int httpPort) throws Exception {
        String metrics = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        return metrics.lines()
                .filter(l -> l.startsWith("fogbridge_discovery_scans_total") && l.contains("result=\"ok\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** {@code fogbridge discover} as the CLI runs it; its stdout is {@link #said}. */
    private static int discover(String protocol, String... what) throws Exception {
        List<String> args = new ArrayList<>(List.of(protocol));
        args.addAll(List.of(what));
        args.addAll(
                List.of("--tenant", "acme", "--gateway", "lathe", "--namespace", NS, "--api-server", server.url("/")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Discovery.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        said = out.toString(StandardCharsets.UTF_8);
        System.out.print(said);
        return status;
    }

    private static List<Device> discovered(DeviceSpec.Protocol protocol) {
        return client
                .resources(Device.class)
                .inNamespace(NS)
                .withLabel("fogbridge.io/discovered", "true")
                .list()
                .getItems()
                .stream()
                .filter(d -> d.getSpec().protocol == protocol)
                .toList();
    }

    private static void deleteDiscovered(DeviceSpec.Protocol protocol) {
        discovered(protocol).forEach(d -> client.resource(d).delete());
    }

    private static Device onlyDiscovered(DeviceSpec.Protocol protocol) {
        List<Device> found = discovered(protocol);
        assertThat(found).hasSize(1);
        return found.getFirst();
    }

    private static void awaitRegistered(String name, Condition.Status status, String reason) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Device device = client.resources(Device.class)
                    .inNamespace(NS)
                    .withName(name)
                    .get();
            Optional<Condition> registered = device.getStatus() == null
                    ? Optional.empty()
                    : device.getStatus().condition("Registered");
            assertThat(registered).hasValueSatisfying(c -> {
                assertThat(c.status).isEqualTo(status);
                assertThat(c.reason).isEqualTo(reason);
            });
        });
    }

    private static String gatewayConfig() {
        ConfigMap map =
                client.configMaps().inNamespace(NS).withName("lathe-config").get();
        return map == null ? "" : String.join("\n", map.getData().values());
    }

    /** fogbridge-opcua's node-opcua peer ({@code opcua_peer.js}, whose comment lists its nodes), started as its IT does. */
    private static Process startOpcUaPeer(int port) throws Exception {
        Path node = TestEnv.peer("node");
        if (!Files.isDirectory(OPCUA_PEER.resolve("node_modules/node-opcua"))) {
            String message = "node-opcua is not installed in " + OPCUA_PEER + ": npm ci there (.ci/run does)";
            if (TestEnv.ci()) {
                throw new AssertionError(message);
            }
            org.junit.jupiter.api.Assumptions.abort(message);
        }
        Process process = new ProcessBuilder(
                        node.toString(),
                        OPCUA_PEER.resolve("opcua_peer.js").toString(),
                        Integer.toString(port),
                        "1",
                        pki.toString())
                .directory(OPCUA_PEER.toFile())
                .redirectErrorStream(true)
                .start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("READY")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            ready.completeExceptionally(new IllegalStateException("opcua_peer.js ended before it listened"));
        });
        ready.get(60, TimeUnit.SECONDS);
        return process;
    }
}
