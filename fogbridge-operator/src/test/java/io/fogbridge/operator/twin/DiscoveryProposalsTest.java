package io.fogbridge.operator.twin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fogbridge.api.discovery.ProposedDevice;
import io.fogbridge.gateway.discovery.DeviceProposal;
import io.fogbridge.gateway.discovery.ProposalRecords;
import io.fogbridge.operator.Gateways;
import io.fogbridge.operator.OperatorFixture;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceSpec;
import io.fogbridge.operator.crd.DiscoverySpec;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.model.GatewayConfigRenderer;
import io.fogbridge.operator.model.PodPaths;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's side of scheduled discovery, on fabric8's mock API server: a gateway's proposal becomes one pending
 * Device, named as {@code fogbridge discover} names it; a rescan changes nothing, an approved Device stays approved,
 * and a gateway proposes only what its Gateway's {@code spec.discovery} lets it.
 */
class DiscoveryProposalsTest {

    private static final String NS = "plant-1";
    private static final Instant SEEN = Instant.parse("2026-12-04T10:00:00Z");
    private static final ProposedDevice PLC = new ProposedDevice(
            "modbus",
            "modbus://10.0.0.7:502/1",
            Map.of(
                    "host",
                    "10.0.0.7",
                    "port",
                    502,
                    "unitId",
                    1,
                    "approved",
                    true, // not a key of spec.modbus: dropped, and no way to approve
                    "tags",
                    List.of(Map.of("name", "holding-register-0", "table", "holding-registers", "address", "0"))),
            List.of("coils address 0: no answer"));

    private KubernetesMockServer server;
    private KubernetesClient client;
    private DiscoveryProposals proposals;

    @BeforeEach
    void start() {
        server = OperatorFixture.mockServer();
        client = server.createClient();
        client.resource(scanning(Gateways.lathe(NS, "lathe"))).create();
        client.resource(Gateways.lathe(NS, "press")).create(); // no spec.discovery
        proposals = new DiscoveryProposals(client);
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void aProposalBecomesOnePendingDeviceAndARescanChangesNothing() throws Exception {
        assertThat(proposals.propose(report("plant-1.lathe", "acme", PLC)))
                .isEqualTo(DiscoveryProposals.Outcome.CREATED);

        Device device = device(PLC.name());
        assertThat(PLC.name()).matches("modbus-[0-9a-f]{10}");
        assertThat(device.getMetadata().getLabels()).containsEntry(DeviceProposal.LABEL, "true");
        assertThat(device.getMetadata().getAnnotations())
                .containsEntry(DeviceProposal.ENDPOINT_ANNOTATION, "modbus://10.0.0.7:502/1")
                .containsEntry(DeviceProposal.NOTES_ANNOTATION, "coils address 0: no answer");
        assertThat(device.getSpec().approved).isFalse();
        assertThat(device.getSpec().tenant).isEqualTo("acme");
        assertThat(device.getSpec().gateway).isEqualTo("lathe");
        assertThat(device.getSpec().protocol).isEqualTo(DeviceSpec.Protocol.MODBUS);
        assertThat(device.getSpec().modbus.host).isEqualTo("10.0.0.7");
        assertThat(device.getSpec().modbus.unitId).isEqualTo(1);
        assertThat(device.getSpec().modbus.tags).extracting(t -> t.name).containsExactly("holding-register-0");
        String version = device.getMetadata().getResourceVersion();

        assertThat(proposals.propose(report("plant-1.lathe", "acme", PLC))).isEqualTo(DiscoveryProposals.Outcome.KNOWN);
        assertThat(device(PLC.name()).getMetadata().getResourceVersion()).isEqualTo(version);
        assertThat(client.resources(Device.class).inNamespace(NS).list().getItems())
                .hasSize(1);

        client.resources(Device.class).inNamespace(NS).withName(PLC.name()).edit(d -> {
            d.getSpec().approved = true;
            return d;
        });
        assertThat(proposals.propose(report("plant-1.lathe", "acme", PLC))).isEqualTo(DiscoveryProposals.Outcome.KNOWN);
        assertThat(device(PLC.name()).getSpec().approved)
                .as("a rescan never un-approves")
                .isTrue();
    }

    @Test
    void aGatewayProposesOnlyForTheProtocolsAndTenantsItsGatewayScansFor() throws Exception {
        ProposedDevice opcua = new ProposedDevice(
                "opcua", "opc.tcp://10.0.0.5:4840", Map.of("url", "opc.tcp://10.0.0.5:4840"), List.of());
        assertThat(proposals.propose(report("plant-1.lathe", "globex", PLC)))
                .as("another tenant")
                .isEqualTo(DiscoveryProposals.Outcome.REFUSED);
        assertThat(proposals.propose(report("plant-1.lathe", "acme", opcua)))
                .as("another protocol")
                .isEqualTo(DiscoveryProposals.Outcome.REFUSED);
        assertThat(proposals.propose(report("plant-1.press", "acme", PLC)))
                .as("a Gateway with no spec.discovery")
                .isEqualTo(DiscoveryProposals.Outcome.REFUSED);
        assertThat(proposals.propose(report("plant-1.drill", "acme", PLC)))
                .as("no such Gateway")
                .isEqualTo(DiscoveryProposals.Outcome.REFUSED);
        assertThat(proposals.propose(report("lathe", "acme", PLC)))
                .as("not <namespace>.<name>")
                .isEqualTo(DiscoveryProposals.Outcome.REFUSED);
        assertThat(client.resources(Device.class).inNamespace(NS).list().getItems())
                .isEmpty();
    }

    @Test
    void theGatewaysScansAreRenderedIntoItsConfig() throws Exception {
        String yaml = new GatewayConfigRenderer(PodPaths.inPod())
                .render(scanning(Gateways.lathe(NS, "lathe")))
                .yaml();
        assertThat(yaml)
                .contains("discovery:")
                .contains("name: plc-scan", "protocol: modbus", "tenant: acme", "target: 10.0.0.0/28")
                .contains("ports: \"502,1502\"", "every: 10m");
    }

    private static Gateway scanning(Gateway gateway) {
        DiscoverySpec scan = new DiscoverySpec();
        scan.name = "plc-scan";
        scan.protocol = DiscoverySpec.Protocol.MODBUS;
        scan.tenant = "acme";
        scan.target = "10.0.0.0/28";
        scan.ports = "502,1502";
        scan.every = "10m";
        gateway.getSpec().discovery = List.of(scan);
        return gateway;
    }

    /** As the operator reads it from the gateway's record. */
    private static ProposalRecords.Report report(String gateway, String tenant, ProposedDevice device)
            throws Exception {
        return ProposalRecords.fromJson(
                ProposalRecords.toJson(new ProposalRecords.Report(gateway, tenant, "plc-scan", SEEN, device)));
    }

    private Device device(String name) {
        return client.resources(Device.class).inNamespace(NS).withName(name).get();
    }
}
