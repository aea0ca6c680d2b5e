package io.fogbridge.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fogbridge.operator.Devices;
import io.fogbridge.operator.Gateways;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.TwinSpec;
import io.fogbridge.registry.PasswordHasher;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A direct twin gets exactly what it needs: a token, egress to the API server, get/patch on its own Devices by name. */
class TwinAccessTest {

    private static final OperatorDefaults DEFAULTS = new OperatorDefaults("fogbridge-gateway:test", "edge-critical");

    @Test
    void aDirectTwinMayReadItsOwnDevicesAndPatchTheirStatusAndNothingElse() throws Exception {
        List<HasMetadata> objects = objects(TwinSpec.Report.DIRECT);
        Role role = only(objects, Role.class);
        assertThat(role.getRules()).hasSize(2);
        assertThat(role.getRules().get(0).getResources()).containsExactly("devices");
        assertThat(role.getRules().get(0).getVerbs()).containsExactly("get");
        assertThat(role.getRules().get(0).getResourceNames()).containsExactly("lathe-7", "lathe-8");
        assertThat(role.getRules().get(1).getResources()).containsExactly("devices/status");
        assertThat(role.getRules().get(1).getVerbs()).containsExactly("patch");
        assertThat(role.getRules().get(1).getResourceNames()).containsExactly("lathe-7", "lathe-8");
        assertThat(only(objects, StatefulSet.class)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getAutomountServiceAccountToken())
                .isTrue();
        assertThat(only(objects, NetworkPolicy.class).getSpec().getEgress())
                .anySatisfy(rule -> assertThat(rule.getPorts())
                        .anySatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(6443)));
        assertThat(configOf(objects)).contains("twin:", "tokenFile", "/etc/fogbridge/devices/twin.yaml");
    }

    @Test
    void aKafkaTwinOrNoneGetsNoTokenNoRulesAndNoApiEgress() throws Exception {
        for (TwinSpec.Report report : new TwinSpec.Report[] {TwinSpec.Report.KAFKA, TwinSpec.Report.OFF, null}) {
            List<HasMetadata> objects = objects(report);
            assertThat(only(objects, Role.class).getRules()).as("%s", report).isEmpty();
            assertThat(only(objects, StatefulSet.class)
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getAutomountServiceAccountToken())
                    .isFalse();
            assertThat(only(objects, NetworkPolicy.class).getSpec().getEgress()).hasSize(2);
            assertThat(configOf(objects).matches("(?s).*\\btarget: \"?kafka\"?\\n.*"))
                    .as("%s", report)
                    .isEqualTo(report == TwinSpec.Report.KAFKA);
        }
    }

    private static List<HasMetadata> objects(TwinSpec.Report report) throws Exception {
        Gateway gateway = Gateways.lathe("plant-1", "lathe");
        if (report != null) {
            gateway.getSpec().twin = new TwinSpec();
            gateway.getSpec().twin.report = report;
        }
        String hash = PasswordHasher.hash("s3cret".toCharArray(), 4);
        DeviceSet devices = DeviceSet.of(List.of(
                new RenderedDevice(Devices.mqtt("plant-1", "lathe-8", "lathe"), hash, null),
                new RenderedDevice(Devices.mqtt("plant-1", "lathe-7", "lathe"), hash, null)));
        return GatewayModel.from(gateway, DEFAULTS, devices).desiredObjects();
    }

    private static String configOf(List<HasMetadata> objects) {
        return only(objects, io.fabric8.kubernetes.api.model.ConfigMap.class)
                .getData()
                .get(PodPaths.CONFIG_FILE);
    }

    private static <T> T only(List<HasMetadata> objects, Class<T> type) {
        return objects.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .findFirst()
                .orElseThrow();
    }
}
