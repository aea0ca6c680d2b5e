package io.fogbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code devices.directory: kubernetes} needs its Secret, and does not mix with a registry file. */
class DeviceDirectoryConfigTest {

    @Test
    void theKubernetesDirectoryNamesItsSecretAndItsWayToTheApiServer() throws Exception {
        GatewayConfig config = ConfigLoader.load("config.yaml", """
                kafka: {bootstrapServers: k:9092}
                devices:
                  directory: kubernetes
                  secret: plant-1/lathe-devices
                  tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
                """, Map.of());
        assertThat(config.devices().kubernetes())
                .isEqualTo(new KubernetesDirectory(
                        new SecretName("plant-1", "lathe-devices"),
                        "https://kubernetes.default.svc",
                        Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token"),
                        null));
        assertThat(config.devices().registry()).isNull();
    }

    @Test
    void theFileDirectoryIsTheDefault() throws Exception {
        GatewayConfig config = ConfigLoader.load(
                "config.yaml", "kafka: {bootstrapServers: k:9092}\ndevices: {registry: devices.yaml}\n", Map.of());
        assertThat(config.devices().kubernetes()).isNull();
    }

    @Test
    void kubernetesWithoutASecretIsRefusedAtItsLine() {
        assertThat(ConfigLoaderTest.problems(
                        "kafka: {bootstrapServers: k:9092}\ndevices:\n  directory: kubernetes\n", Map.of()))
                .singleElement()
                .asString()
                .startsWith("config.yaml:3: devices.directory: ")
                .contains("devices.secret (namespace/name) is not set");
    }

    @Test
    void kubernetesWithARegistryFileIsRefused() {
        assertThat(ConfigLoaderTest.problems("""
                        kafka: {bootstrapServers: k:9092}
                        devices:
                          directory: kubernetes
                          secret: plant-1/lathe-devices
                          registry: devices.yaml
                        """, Map.of()))
                .singleElement()
                .asString()
                .startsWith("config.yaml:5: devices.registry: ")
                .contains("remove one of them");
    }
}
