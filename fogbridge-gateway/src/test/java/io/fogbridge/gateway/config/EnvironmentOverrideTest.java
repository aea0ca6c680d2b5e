package io.fogbridge.gateway.config;

import static io.fogbridge.gateway.config.ConfigLoaderTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.spool.FsyncPolicy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentOverrideTest {

    @Test
    void environmentWinsOverTheFile() throws Exception {
        GatewayConfig config = ConfigLoader.load(
                "config.yaml",
                "kafka: {bootstrapServers: file:9092}\nspool: {fsync: group}\n",
                Map.of(
                        "FOGBRIDGE_KAFKA_BOOTSTRAPSERVERS", "env:9092",
                        "FOGBRIDGE_SPOOL_FSYNC", "interval:10",
                        "fogbridge_http_port", "0",
                        "FOGBRIDGE_MQTT_EXTERNAL_URI", "tcp://broker:1884",
                        "FOGBRIDGE_MQTT_EXTERNAL_PASSWORD", "pw",
                        "PATH", "/usr/bin",
                        "FOGBRIDGE_HOME", "/opt/fogbridge"));
        assertThat(config.kafka().bootstrapServers()).isEqualTo("env:9092");
        assertThat(config.spool().fsync()).isEqualTo(FsyncPolicy.parse("interval:10"));
        assertThat(config.http().port()).isZero();
        assertThat(config.mqtt().external().port()).isEqualTo(1884);
        assertThat(config.mqtt().external().password()).isEqualTo("pw");
    }

    @Test
    void kafkaCanComeFromTheEnvironmentAlone() throws Exception {
        GatewayConfig config =
                ConfigLoader.load("config.yaml", "", Map.of("FOGBRIDGE_KAFKA_BOOTSTRAPSERVERS", "k:9092"));
        assertThat(config.kafka().bootstrapServers()).isEqualTo("k:9092");
    }

    @Test
    void structuredValuesTakeYamlFlowSyntax() throws Exception {
        GatewayConfig config = ConfigLoader.load(
                "config.yaml",
                "kafka: {bootstrapServers: k:9092}\n",
                Map.of(
                        "FOGBRIDGE_GATEWAY_LABELS", "{site: plant-2, rack: r7}",
                        "FOGBRIDGE_MQTT_LISTENERS", "[{host: 127.0.0.1, port: 1884}]",
                        "FOGBRIDGE_ROUTES", "[{from: 'a/+x', to: 'fog.a.{x}'}]"));
        assertThat(config.gateway().labels()).containsEntry("site", "plant-2").containsEntry("rack", "r7");
        assertThat(config.mqtt().listeners()).containsExactly(new MqttListener("127.0.0.1", 1884));
        assertThat(config.routes()).singleElement().satisfies(r -> assertThat(r.to().text())
                .isEqualTo("fog.a.{x}"));
    }

    @Test
    void badEnvironmentValueNamesTheVariable() {
        assertThat(problems("kafka: {bootstrapServers: k:9092}\n", Map.of("FOGBRIDGE_SPOOL_FSYNC", "sometimes")))
                .containsExactly(
                        "env FOGBRIDGE_SPOOL_FSYNC: spool.fsync: expected 'group' or 'interval:<ms>', got 'sometimes'");
        assertThat(problems(
                        "kafka: {bootstrapServers: k:9092}\n", Map.of("FOGBRIDGE_GATEWAY_LABELS", "{device_id: x}")))
                .singleElement()
                .asString()
                .startsWith("env FOGBRIDGE_GATEWAY_LABELS: gateway.labels.device_id: collides");
    }

    @Test
    void malformedStructuredVariableNamesTheVariable() {
        assertThat(problems("kafka: {bootstrapServers: k:9092}\n", Map.of("FOGBRIDGE_ROUTES", "[{from: a, to: b")))
                .singleElement()
                .asString()
                .startsWith("env FOGBRIDGE_ROUTES: routes: expected YAML flow syntax such as [{a: 1, b: 2}]: ");
        assertThat(problems(
                        "kafka: {bootstrapServers: k:9092}\n",
                        Map.of("FOGBRIDGE_ROUTES", "[{from: 'a/+x', to: 'fog.{y}'}]")))
                .containsExactly("env FOGBRIDGE_ROUTES: routes[0].to: unknown capture 'y' in template 'fog.{y}'; the"
                        + " filter captures x");
    }

    @Test
    void misspelledVariableOfOurSectionsIsAnError() {
        assertThat(problems("kafka: {bootstrapServers: k:9092}\n", Map.of("FOGBRIDGE_SPOOL_FSYN", "group")))
                .containsExactly("env FOGBRIDGE_SPOOL_FSYN: names no config key, did you mean FOGBRIDGE_SPOOL_FSYNC?");
    }

    @Test
    void fileAndEnvironmentProblemsComeTogetherFileFirst() {
        assertThat(problems(
                        "kafka: {bootstrapServers: k:9092}\nspool: {whenFull: never}\n",
                        Map.of("FOGBRIDGE_HTTP_PORT", "http")))
                .containsExactly(
                        "config.yaml:2: spool.whenFull: expected one of block, drop-oldest, drop-newest, got 'never'",
                        "env FOGBRIDGE_HTTP_PORT: http.port: expected a port 0-65535 (0 = any free port), got 'http'");
    }

    @Test
    void emptyVariableUnsetsTheKey() {
        assertThat(problems("kafka: {bootstrapServers: k:9092}\n", Map.of("FOGBRIDGE_KAFKA_BOOTSTRAPSERVERS", "")))
                .containsExactly("env FOGBRIDGE_KAFKA_BOOTSTRAPSERVERS: kafka.bootstrapServers: required; set it in"
                        + " the file or with FOGBRIDGE_KAFKA_BOOTSTRAPSERVERS");
    }
}
