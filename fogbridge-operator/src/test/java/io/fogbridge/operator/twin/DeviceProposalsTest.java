package io.fogbridge.operator.twin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.gateway.twin.NewcomerRecords;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceSpec;
import io.fogbridge.operator.crd.TenantSpec;
import io.fogbridge.operator.model.Newcomers;
import io.fogbridge.registry.OnboardingQueue.Newcomer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

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

    private static TenantSpec tenant(TenantSpec.Policy policy, String pattern) {
        TenantSpec tenant = new TenantSpec();
        tenant.name = "acme";
        tenant.onboarding = new TenantSpec.Onboarding();
        tenant.onboarding.policy = policy;
        tenant.onboarding.subjectPattern = pattern;
        return tenant;
    }
}
