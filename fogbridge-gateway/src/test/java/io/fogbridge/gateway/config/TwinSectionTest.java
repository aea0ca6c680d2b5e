package io.fogbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code twin.*}: off by default, on only with a twin map, the API server's URL without a trailing slash. */
class TwinSectionTest {

    @Test
    void offByDefaultAndOnWithItsFiles() throws Exception {
        assertThat(ConfigLoaderTest.load("kafka: {bootstrapServers: k:9092}\n").twin())
                .isEqualTo(TwinSettings.DISABLED);
        TwinSettings twin = ConfigLoaderTest.load("""
                        kafka: {bootstrapServers: k:9092}
                        twin:
                          enabled: true
                          devicesFile: /etc/fogbridge/devices/twin.yaml
                          apiServer: https://10.43.0.1:443/
                          tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
                          reportInterval: 2s
                        """).twin();
        assertThat(twin.enabled()).isTrue();
        assertThat(twin.devicesFile()).isEqualTo(Path.of("/etc/fogbridge/devices/twin.yaml"));
        assertThat(twin.apiServer()).isEqualTo("https://10.43.0.1:443");
        assertThat(twin.caFile()).isNull();
        assertThat(twin.reportInterval()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void enabledWithoutATwinMapIsRefusedAtTheKey() {
        assertThat(ConfigLoaderTest.problems("kafka: {bootstrapServers: k:9092}\ntwin: {enabled: true}\n"))
                .singleElement()
                .asString()
                .startsWith("config.yaml:2: twin.enabled: ")
                .contains("twin.devicesFile is not set");
    }
}
