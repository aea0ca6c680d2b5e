package io.fogbridge.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fogbridge.operator.Devices;
import io.fogbridge.operator.Gateways;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.GatewaySpec;
import io.fogbridge.operator.crd.TwinSpec;
import io.fogbridge.registry.PasswordHasher;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes device directory gets exactly what it needs: a token, egress to the API server, and get/list/watch on
 * its own devices Secret by name; the file directory (the default) none of it.
 */
class DirectoryAccessTest {

    private static final OperatorDefaults DEFAULTS = new OperatorDefaults("fogbridge-gateway:test", "edge-critical");

    @Test
    void theKubernetesDirectoryMayReadItsOwnDevicesSecretAndNothingElse() throws Exception {
        List<HasMetadata> objects = objects(GatewaySpec.DeviceDirectory.KUBERNETES);
        Role role = only(objects, Role.class);
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("secrets");
            assertThat(rule.getResourceNames()).containsExactly("lathe-devices");
            assertThat(rule.getVerbs()).containsExactly("get", "list", "watch");
        });
        assertThat(only(objects, StatefulSet.class)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getAutomountServiceAccountToken())
                .isTrue();
        assertThat(only(objects, NetworkPolicy.class).getSpec().getEgress())
                .anySatisfy(rule -> assertThat(rule.getPorts())
                        .anySatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(6443)));
        String config = configOf(objects);
        assertThat(config)
                .contains(
                        "directory: kubernetes",
                        "secret: plant-1/lathe-devices",
                        "tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token")
                .doesNotContain("registry.yaml");
    }

    @Test
    void withTheKubernetesDirectoryTheTwinMapComesWithTheWatchAndWithFilesFromTheMount() throws Exception {
        for (GatewaySpec.DeviceDirectory directory :
                new GatewaySpec.DeviceDirectory[] {GatewaySpec.DeviceDirectory.KUBERNETES, null}) {
            Gateway gateway = Gateways.lathe("plant-1", "lathe");
            gateway.getSpec().deviceDirectory = directory;
            gateway.getSpec().twin = new TwinSpec();
            gateway.getSpec().twin.report = TwinSpec.Report.KAFKA;
            String config = configOf(GatewayModel.from(gateway, DEFAULTS, DeviceSet.of(List.of()))
                    .desiredObjects());
            assertThat(config)
                    .as("%s", directory)
                    .contains(
                            directory == null
                                    ? "devicesFile: /etc/fogbridge/devices/twin.yaml"
                                    : "devicesFile: /var/lib/fogbridge/device-directory/current/twin.yaml");
        }
    }

    @Test
    void theFileDirectoryGetsNoTokenNoRulesAndNoApiEgress() throws Exception {
        for (GatewaySpec.DeviceDirectory directory :
                new GatewaySpec.DeviceDirectory[] {GatewaySpec.DeviceDirectory.FILE, null}) {
            List<HasMetadata> objects = objects(directory);
            assertThat(only(objects, Role.class).getRules()).as("%s", directory).isEmpty();
            assertThat(only(objects, StatefulSet.class)
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getAutomountServiceAccountToken())
                    .isFalse();
            assertThat(only(objects, NetworkPolicy.class).getSpec().getEgress()).hasSize(2);
            assertThat(configOf(objects))
                    .contains("registry: /etc/fogbridge/devices/registry.yaml")
                    .doesNotContain("directory:");
        }
    }

    private static List<HasMetadata> objects(GatewaySpec.DeviceDirectory directory) throws Exception {
        Gateway gateway = Gateways.lathe("plant-1", "lathe");
        gateway.getSpec().deviceDirectory = directory;
        String hash = PasswordHasher.hash("s3cret".toCharArray(), 4);
        DeviceSet devices =
                DeviceSet.of(List.of(new RenderedDevice(Devices.mqtt("plant-1", "lathe-7", "lathe"), hash, null)));
        return GatewayModel.from(gateway, DEFAULTS, devices).desiredObjects();
    }

    private static String configOf(List<HasMetadata> objects) {
        return only(objects, ConfigMap.class).getData().get(PodPaths.CONFIG_FILE);
    }

    private static <T> T only(List<HasMetadata> objects, Class<T> type) {
        return objects.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .findFirst()
                .orElseThrow();
    }
}
