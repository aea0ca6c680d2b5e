package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceProperty;
import io.fogbridge.operator.crd.DeviceStatus;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.model.DeviceSet;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.RegistryFile;
import io.javaoperatorsdk.operator.Operator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices on fabric8's mock API server (CRUD mode), with both reconcilers running: a Device reaches its Gateway's
 * registry Secret (read back with the gateway's own registry loader) and says so in {@code Registered}; a bad one says
 * why; a Modbus Device's section lands in the rendered gateway.yaml; a deleted one leaves the registry.
 */
class DeviceReconcilerTest {

    private static KubernetesMockServer server;
    private static KubernetesClient client;
    private static Operator operator;

    @TempDir
    Path dir;

    @BeforeAll
    static void startOperator() {
        server = OperatorFixture.mockServer();
        client = server.createClient();
        operator = OperatorFixture.startOperator(client);
    }

    @AfterAll
    static void stopOperator() {
        operator.stop();
        client.close();
        server.destroy();
    }

    @Test
    void aDeviceReachesItsGatewaysRegistryAndLeavesItWhenDeleted() throws Exception {
        String ns = "plant-1";
        client.resource(Gateways.lathe(ns, "lathe")).create();
        client.resource(Devices.credentials(ns, "lathe-7", "s3cret")).create();
        client.resource(Devices.mqtt(ns, "lathe-7", "lathe")).create();
        client.resource(Devices.credentials(ns, "lathe-8", "other")).create();
        client.resource(Devices.mqtt(ns, "lathe-8", "lathe")).create();

        Device registered = awaitCondition(ns, "lathe-7", Condition.Status.TRUE);
        assertThat(registered.getStatus().assignedGateway).isEqualTo("lathe");
        assertThat(registered.getStatus().observedGeneration)
                .isEqualTo(registered.getMetadata().getGeneration());
        Registry registry = registry(ns, "lathe");
        assertThat(registry.device("acme", "lathe-7")).isPresent();
        assertThat(registry.device("acme", "lathe-7").orElseThrow().credentials())
                .singleElement()
                .satisfies(c -> assertThat(c.type()).isEqualTo("hashed-password"));
        assertThat(configYaml(ns, "lathe")).contains("registry: /etc/fogbridge/devices/registry.yaml");
        Secret secret =
                client.secrets().inNamespace(ns).withName("lathe-devices").get();
        assertThat(secret.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> assertThat(ref.getKind())
                .isEqualTo("Gateway"));

        client.resource(client.resources(Device.class)
                        .inNamespace(ns)
                        .withName("lathe-7")
                        .get())
                .delete();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> registry(ns, "lathe").device("acme", "lathe-7").isEmpty());
        assertThat(registry(ns, "lathe").device("acme", "lathe-8"))
                .as("the other device stays")
                .isPresent();
    }

    @Test
    void aDeviceWithAnUnknownGatewayOrAMissingSecretIsNotRegisteredAndSaysWhy() {
        String ns = "plant-2";
        client.resource(Gateways.lathe(ns, "lathe")).create();
        client.resource(Devices.mqtt(ns, "nowhere", "no-such-gateway")).create();
        client.resource(Devices.mqtt(ns, "no-secret", "lathe")).create();

        Device nowhere = awaitCondition(ns, "nowhere", Condition.Status.FALSE);
        assertThat(registered(nowhere).orElseThrow().reason).isEqualTo("UnknownGateway");
        assertThat(warning(nowhere)).hasValueSatisfying(w -> {
            assertThat(w.status).isEqualTo(Condition.Status.TRUE);
            assertThat(w.reason).isEqualTo("UnknownGateway");
            assertThat(w.message).contains("no-such-gateway");
        });
        Device noSecret = await().atMost(Duration.ofSeconds(20)).until(() -> device(ns, "no-secret"), d -> registered(d)
                .map(c -> "SecretNotFound".equals(c.reason))
                .orElse(false));
        assertThat(registered(noSecret).orElseThrow().message).contains("no-secret-credentials");
        assertThat(warning(noSecret)).hasValueSatisfying(w -> {
            assertThat(w.reason).isEqualTo("SecretNotFound");
            assertThat(w.message).contains("no-secret-credentials");
        });

        // The Secret appears, the Device changes (a Secret is not watched): now it is rendered.
        client.resource(Devices.credentials(ns, "no-secret", "pw")).create();
        client.resources(Device.class).inNamespace(ns).withName("no-secret").edit(d -> {
            d.getSpec().labels = java.util.Map.of("machine", "press");
            return d;
        });
        Device fixed = awaitCondition(ns, "no-secret", Condition.Status.TRUE);
        assertThat(warning(fixed)).as("nothing left to warn of").isEmpty();
    }

    @Test
    void aDesiredValueTheDeviceCannotTakeOrTheTwinNeverReportsIsAWarning() {
        String ns = "plant-5";
        client.resource(Gateways.lathe(ns, "press")).create();
        Device readOnly = Devices.modbus(ns, "press-1", "press", "10.0.0.17", 502);
        readOnly.getSpec().desired = java.util.Map.of("temperature", IntNode.valueOf(30));
        client.resource(readOnly).create();
        Device noTag = Devices.modbus(ns, "press-2", "press", "10.0.0.18", 502);
        noTag.getSpec().desired = java.util.Map.of("bogus", IntNode.valueOf(1));
        client.resource(noTag).create();
        client.resource(Devices.credentials(ns, "panel", "pw")).create();
        Device unreported = Devices.mqtt(ns, "panel", "press");
        unreported.getSpec().desired = java.util.Map.of("setpoint", IntNode.valueOf(21));
        client.resource(unreported).create();

        assertThat(awaitWarning(ns, "press-1", "DesiredNotWritable").message)
                .contains("'temperature'", "access is read");
        assertThat(awaitWarning(ns, "press-2", "UnknownDesiredProperty").message)
                .contains("'bogus'");
        assertThat(awaitWarning(ns, "panel", "DesiredNotReported").message).contains("spec.properties");
        // A warning, not a refusal: the device is served, and the warning stays.
        assertThat(warning(awaitCondition(ns, "press-1", Condition.Status.TRUE)))
                .hasValueSatisfying(w -> assertThat(w.reason).isEqualTo("DesiredNotWritable"));

        client.resources(Device.class).inNamespace(ns).withName("press-1").edit(d -> {
            d.getSpec().modbus.tags.getFirst().access = "read-write";
            return d;
        });
        await().atMost(Duration.ofSeconds(20))
                .until(() -> warning(device(ns, "press-1")).isEmpty());
    }

    @Test
    void aPropertyNoMessageHadAValueForAtItsPathIsAWarningUntilOneHas() {
        String ns = "plant-6";
        client.resource(Gateways.lathe(ns, "lathe")).create();
        client.resource(Devices.credentials(ns, "lathe-7", "pw")).create();
        Device device = Devices.mqtt(ns, "lathe-7", "lathe");
        DeviceProperty temperature = new DeviceProperty();
        temperature.jsonPath = "$.temp";
        device.getSpec().properties = java.util.Map.of("temperature", temperature);
        client.resource(device).create();
        awaitCondition(ns, "lathe-7", Condition.Status.TRUE);

        // As the twin writes it: connected a minute ago, seen now, but no message had a value at $.temp.
        java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        twinWrites(ns, "lathe-7", status -> {
            Condition connected = new Condition("Connected", Condition.Status.TRUE, "Connected", null);
            connected.lastTransitionTime = now.minusSeconds(60).toString();
            status.conditions.add(connected);
            status.lastSeen = now.toString();
        });
        assertThat(awaitWarning(ns, "lathe-7", "PropertyNotReported").message).contains("temperature at $.temp");

        twinWrites(
                ns,
                "lathe-7",
                status -> status.reported.put(
                        "temperature", new DeviceStatus.ReportedValue(IntNode.valueOf(21), now.toString())));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> warning(device(ns, "lathe-7")).isEmpty());
    }

    /** Changes the status as the gateway's twin would, again when the operator wrote in between. */
    private static void twinWrites(String ns, String name, java.util.function.Consumer<DeviceStatus> change) {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            Device current = device(ns, name);
            change.accept(current.getStatus());
            client.resource(current).updateStatus();
            return true;
        });
    }

    private static Condition awaitWarning(String ns, String name, String reason) {
        return await().atMost(Duration.ofSeconds(20))
                .until(() -> warning(device(ns, name)), w -> w.map(c -> reason.equals(c.reason))
                        .orElse(false))
                .orElseThrow();
    }

    private static Optional<Condition> warning(Device device) {
        return device == null || device.getStatus() == null
                ? Optional.empty()
                : device.getStatus().condition("Warning");
    }

    @Test
    void aModbusDevicesSectionIsRenderedIntoTheGatewayConfigAndABadOneIsRefusedAlone() {
        String ns = "plant-3";
        client.resource(Gateways.lathe(ns, "press")).create();
        client.resource(Devices.modbus(ns, "press-1", "press", "10.0.0.17", 502))
                .create();
        Device overlapping = Devices.modbus(ns, "press-2", "press", "10.0.0.18", 502);
        var second = new io.fogbridge.operator.crd.ModbusDeviceSpec.Tag();
        second.name = "pressure";
        second.table = "holding-registers";
        second.address = "0x10"; // the same register as temperature: the modbus section refuses it
        overlapping.getSpec().modbus.tags =
                java.util.List.of(overlapping.getSpec().modbus.tags.getFirst(), second);
        client.resource(overlapping).create();

        awaitCondition(ns, "press-1", Condition.Status.TRUE);
        Device refused = await().atMost(Duration.ofSeconds(20)).until(() -> device(ns, "press-2"), d -> registered(d)
                .map(c -> "InvalidSpec".equals(c.reason))
                .orElse(false));
        assertThat(registered(refused).orElseThrow().message).contains("overlaps tag 'temperature'");
        String yaml = configYaml(ns, "press");
        assertThat(yaml).contains("modbus:", "host: 10.0.0.17", "name: temperature", "unit: °C");
        assertThat(yaml).doesNotContain("10.0.0.18");
        // The converter must be let out to its device, and only to the rendered one.
        var egress = client.network()
                .v1()
                .networkPolicies()
                .inNamespace(ns)
                .withName("press")
                .get()
                .getSpec()
                .getEgress();
        var cidrs = egress.stream()
                .flatMap(rule -> rule.getTo().stream()
                        .map(to -> to.getIpBlock().getCidr() + ":"
                                + rule.getPorts().getFirst().getPort().getIntVal()))
                .toList();
        assertThat(cidrs).contains("10.0.0.17/32:502").noneMatch(cidr -> cidr.startsWith("10.0.0.18/"));
    }

    @Test
    void aChangedModbusDeviceReachesTheRunningGatewayLiveAndRollsNoPod() {
        String ns = "plant-4";
        client.resource(Gateways.lathe(ns, "press")).create();
        client.resource(Devices.modbus(ns, "press-1", "press", "10.0.0.17", 502))
                .create();
        awaitCondition(ns, "press-1", Condition.Status.TRUE);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> configYaml(ns, "press").contains("host: 10.0.0.17"));
        String podHash = await().atMost(Duration.ofSeconds(20)).until(() -> podConfigHash(ns, "press"), h -> h != null);
        var before = await().atMost(Duration.ofSeconds(20))
                .until(() -> gateway(ns, "press").getStatus(), s -> s != null && s.restartConfigHash != null);

        client.resources(Device.class).inNamespace(ns).withName("press-1").edit(d -> {
            d.getSpec().modbus.port = 1502;
            return d;
        });

        await().atMost(Duration.ofSeconds(20))
                .until(() -> configYaml(ns, "press").contains("port: 1502"));
        var after = await().atMost(Duration.ofSeconds(20))
                .until(() -> gateway(ns, "press").getStatus(), s -> !before.configHash.equals(s.configHash));
        assertThat(after.restartConfigHash).isEqualTo(before.restartConfigHash);
        assertThat(after.lastConfigChange).isEqualTo("Live");
        assertThat(podConfigHash(ns, "press")).isEqualTo(podHash);
    }

    private static Gateway gateway(String ns, String name) {
        return client.resources(Gateway.class).inNamespace(ns).withName(name).get();
    }

    private static String podConfigHash(String ns, String name) {
        var set = client.apps().statefulSets().inNamespace(ns).withName(name).get();
        return set == null
                ? null
                : set.getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get(io.fogbridge.operator.model.GatewayModel.CONFIG_HASH_ANNOTATION);
    }

    private Registry registry(String ns, String gateway) throws Exception {
        Secret secret =
                client.secrets().inNamespace(ns).withName(gateway + "-devices").get();
        if (secret == null) {
            return Registry.EMPTY;
        }
        String yaml = secret.getStringData() != null
                ? secret.getStringData().get(DeviceSet.REGISTRY_FILE)
                : new String(
                        Base64.getDecoder().decode(secret.getData().get(DeviceSet.REGISTRY_FILE)),
                        StandardCharsets.UTF_8);
        Path file = Files.writeString(dir.resolve(gateway + "-registry.yaml"), yaml);
        return RegistryFile.read(file);
    }

    private static String configYaml(String ns, String gateway) {
        ConfigMap map = await().until(
                        () -> client.configMaps()
                                .inNamespace(ns)
                                .withName(gateway + "-config")
                                .get(),
                        m -> m != null);
        return map.getData().get("gateway.yaml");
    }

    private static Device awaitCondition(String ns, String name, Condition.Status status) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> device(ns, name), d -> registered(d)
                .map(c -> c.status == status)
                .orElse(false));
    }

    private static Device device(String ns, String name) {
        return client.resources(Device.class).inNamespace(ns).withName(name).get();
    }

    private static Optional<Condition> registered(Device device) {
        return device == null || device.getStatus() == null
                ? Optional.empty()
                : device.getStatus().condition("Registered");
    }
}
