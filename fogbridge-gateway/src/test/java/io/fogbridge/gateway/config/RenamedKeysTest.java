package io.fogbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The device keys moved from {@code mqtt.*} to {@code devices.*}; the old names keep working, with a warning. */
class RenamedKeysTest {

    @Test
    void oldNamesInTheFileStillWorkAndWarnWithTheNewName() throws Exception {
        GatewayConfig config = ConfigLoader.load("config.yaml", """
                kafka: {bootstrapServers: k:9092}
                mqtt:
                  registry: devices.yaml
                  maxPayload: 64KiB
                  ackTimeout: 5s
                """, Map.of());
        assertThat(config.devices())
                .isEqualTo(new DeviceSettings(Path.of("devices.yaml"), 64 << 10, Duration.ofSeconds(5)));
        assertThat(config.warnings())
                .containsExactly(
                        "config.yaml:3: mqtt.registry: is now devices.registry; the old name still works but will go"
                                + " away",
                        "config.yaml:4: mqtt.maxPayload: is now devices.maxPayload; the old name still works but will"
                                + " go away",
                        "config.yaml:5: mqtt.ackTimeout: is now devices.ackTimeout; the old name still works but will"
                                + " go away");
    }

    @Test
    void newNamesDoNotWarn() throws Exception {
        GatewayConfig config = ConfigLoader.load(
                "config.yaml", "kafka: {bootstrapServers: k:9092}\ndevices: {maxPayload: 1KiB}\n", Map.of());
        assertThat(config.devices().maxPayload()).isEqualTo(1024);
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void oldAndNewNameTogetherIsAnError() {
        assertThat(ConfigLoaderTest.problems("""
                kafka: {bootstrapServers: k:9092}
                devices: {maxPayload: 1KiB}
                mqtt: {maxPayload: 2KiB}
                """))
                .containsExactly(
                        "config.yaml:3: mqtt.maxPayload: set twice, also as devices.maxPayload (also on line 2)");
    }

    @Test
    void oldEnvironmentNameWorksWithAWarningAndTheNewOneWins() throws Exception {
        GatewayConfig old = ConfigLoader.load(
                "config.yaml", "kafka: {bootstrapServers: k:9092}\n", Map.of("FOGBRIDGE_MQTT_MAXPAYLOAD", "2KiB"));
        assertThat(old.devices().maxPayload()).isEqualTo(2048);
        assertThat(old.warnings())
                .containsExactly("env FOGBRIDGE_MQTT_MAXPAYLOAD: mqtt.maxPayload: is now devices.maxPayload; the old"
                        + " name still works but will go away");

        GatewayConfig both = ConfigLoader.load(
                "config.yaml",
                "kafka: {bootstrapServers: k:9092}\n",
                Map.of("FOGBRIDGE_MQTT_MAXPAYLOAD", "2KiB", "FOGBRIDGE_DEVICES_MAXPAYLOAD", "3KiB"));
        assertThat(both.devices().maxPayload()).isEqualTo(3072);
    }

    @Test
    void anInvalidValueUnderTheOldNameNamesTheOldKey() {
        assertThat(ConfigLoaderTest.problems("kafka: {bootstrapServers: k:9092}\nmqtt: {maxPayload: lots}\n"))
                .singleElement()
                .asString()
                .startsWith("config.yaml:2: mqtt.maxPayload: expected a size");
    }
}
