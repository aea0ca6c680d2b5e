package io.fogbridge.operator.twin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.gateway.twin.NewcomerRecords;
import io.fogbridge.gateway.twin.TwinDevices;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceSpec;
import io.fogbridge.operator.crd.TenantSpec;
import io.fogbridge.operator.model.DeviceSet;
import io.fogbridge.operator.model.Newcomers;
import io.fogbridge.operator.model.RenderedDevice;
import io.fogbridge.operator.model.TwinAccess;
import io.fogbridge.registry.OnboardingQueue.Newcomer;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.RegistryFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the operator proposes for a newcomer: approval follows its own view of the tenant's policy, not the report. */
class DeviceProposalsTest {

    static final Instant SEEN = Instant.parse("2026-12-04T10:00:00Z");

    @Test
    void aManualTenantsNewcomerIsProposedUnapprovedEvenWhenTheGatewaySaysAdmitted() throws Exception {
        Newcomer claimed = new Newcomer("acme", "sensor-9", "CN=sensor-9,O=acme", "CN=Acme CA", true, SEEN, SEEN);
        NewcomerRecords.Report report = NewcomerRecords.fromJson(NewcomerRecords.toJson("plant-1.lathe", claimed));
        assertThat(report.gateway()).isEqualTo("plant-1.lathe");
        assertThat(report.newcomer()).isEqualTo(claimed);

        Device device =
                DeviceProposals.proposal(report.newcomer(), "plant-1", "lathe", tenant(TenantSpec.Policy.MANUAL, null));

        assertThat(device.getMetadata().getName()).isEqualTo("sensor-9");
        assertThat(device.getMetadata().getLabels()).containsEntry(Newcomers.LABEL, "true");
        assertThat(device.getSpec().protocol).isEqualTo(DeviceSpec.Protocol.MQTT);
        assertThat(device.getSpec().gateway).isEqualTo("lathe");
        assertThat(device.getSpec().credentials.certificateSubject).isEqualTo("CN=sensor-9,O=acme");
        assertThat(device.getSpec().approved).isNull();
        assertThat(Newcomers.awaitingApproval(device)).isTrue();
    }

    @Test
    void anAutoTenantApprovesOnlySubjectsItsOwnPatternMatches() {
        TenantSpec auto = tenant(TenantSpec.Policy.AUTO, "CN=sensor-[0-9]+,O=acme");
        Newcomer sensor = new Newcomer("acme", "sensor-9", "CN=sensor-9,O=acme", "CN=Acme CA", false, SEEN, SEEN);
        Newcomer camera = new Newcomer("acme", "camera-1", "CN=camera-1,O=acme", "CN=Acme CA", true, SEEN, SEEN);

        assertThat(DeviceProposals.proposal(sensor, "plant-1", "lathe", auto).getSpec().approved)
                .isTrue();
        Device cameraDevice = DeviceProposals.proposal(camera, "plant-1", "lathe", auto);
        assertThat(cameraDevice.getSpec().approved).isNull();
        assertThat(Newcomers.awaitingApproval(cameraDevice)).isTrue();
    }

    @Test
    void aCommonNameThatIsNoKubernetesNameIsProposedUnderAStableValidNameAndKeptAsTheDeviceId(@TempDir Path dir)
            throws Exception {
        TenantSpec manual = tenant(TenantSpec.Policy.MANUAL, null);
        Newcomer sensor = new Newcomer("acme", "Sensor_7", "CN=Sensor_7,O=acme", "CN=Acme CA", false, SEEN, SEEN);

        Device device = DeviceProposals.proposal(sensor, "plant-1", "lathe", manual);

        String name = device.getMetadata().getName();
        assertThat(name).matches("sensor-7-[0-9a-f]{10}");
        assertThat(DeviceProposals.proposal(sensor, "plant-1", "lathe", manual)
                        .getMetadata()
                        .getName())
                .as("the next report of the same certificate finds the same Device")
                .isEqualTo(name);
        assertThat(Newcomers.resourceName("acme", "SENSOR_7")).isNotEqualTo(name);
        assertThat(Newcomers.resourceName("globex", "Sensor_7")).isNotEqualTo(name);
        assertThat(Newcomers.resourceName("acme", "sensor-7")).isEqualTo("sensor-7");
        assertThat(Newcomers.resourceName("acme", "__")).matches("device-[0-9a-f]{10}");
        assertThat(Newcomers.resourceName("acme", "A".repeat(128))).hasSize(51);
        assertThat(device.getSpec().deviceId).isEqualTo("Sensor_7");
        assertThat(device.deviceId()).isEqualTo("Sensor_7");
        assertThat(Newcomers.awaitingApproval(device)).isTrue();

        // Approved, it is rendered under its CN: the id the gateway holds it pending under.
        device.getSpec().approved = true;
        device.getMetadata().setGeneration(1L);
        Map<String, String> files =
                DeviceSet.of(List.of(new RenderedDevice(device, null, null))).secretData();
        for (var file : files.entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue());
        }
        Registry registry = RegistryFile.read(dir.resolve(DeviceSet.REGISTRY_FILE));
        assertThat(registry.device("acme", "Sensor_7")).isPresent();
        assertThat(registry.device("acme", name)).isEmpty();
        // Its twin: the gateway hears it as acme/Sensor_7 and writes the status of the Device under its own name.
        TwinDevices.Device twin =
                TwinDevices.read(dir.resolve(TwinAccess.TWIN_FILE)).of("acme", "Sensor_7");
        assertThat(twin).isNotNull();
        assertThat(twin.namespace() + "/" + twin.name()).isEqualTo("plant-1/" + name);
    }

    private static TenantSpec tenant(TenantSpec.Policy policy, String pattern) {
        TenantSpec tenant = new TenantSpec();
        tenant.name = "acme";
        tenant.onboarding = new TenantSpec.Onboarding();
        tenant.onboarding.policy = policy;
        tenant.onboarding.subjectPattern = pattern;
        return tenant;
    }
}
