package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.PymodbusPeer;
import io.fogbridge.testkit.TestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Modbus converter inside the gateway: a real Modbus server (pymodbus) polled, its records in Kafka through the
 * same pipeline, routes, spool and headers as an MQTT device's, with {@code source} in place of {@code mqtt-topic};
 * a write command from Kafka answered in {@code fog.command_response}. Read and written with {@code kcat}.
 */
class ModbusAdapterIT {

    @TempDir
    static Path dir;

    static GatewayFixture fixture;
    static PymodbusPeer peer;

    @BeforeAll
    static void start() throws Exception {
        TestEnv.peer("kcat");
        peer = PymodbusPeer.start(TestEnv.freePort());
        fixture = GatewayFixture.start(dir);
        fixture.startGateway("edge-modbus", """
                gateway: {id: edge-modbus, dataDir: "${dataDir}"}
                mqtt: {listeners: [{host: 127.0.0.1, port: ${mqttPort}}]}
                kafka: {bootstrapServers: "${kafka}"}
                http: {host: 127.0.0.1, port: 0}
                commands: {enabled: true, tenants: "acme"}
                adapters:
                  modbus:
                    enabled: true
                    devices:
                      - id: lathe-3
                        tenant: acme
                        host: 127.0.0.1
                        port: %d
                        labels: {line: A}
                        pollGroups: [{name: fast, interval: 1s}]
                        tags:
                          - {name: speed, table: holding-registers, address: 40, scale: 0.1, group: fast}
                          - {name: ratio, table: holding-registers, address: 14, type: float32, group: fast}
                          - {name: door, table: coils, address: 0, group: fast}
                          - {name: setpoint, table: holding-registers, address: 110, type: int16, access: read-write}
                """.formatted(peer.port()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void pollRecordsReachKafkaWithTheDeviceHeadersAndASourceInsteadOfAnMqttTopic() {
        List<KcatConsumer.Record> records = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> fixture.cloud().forDevice("fog.telemetry.acme", "lathe-3", "{\"ts\":"), r -> r.stream()
                        .anyMatch(x -> x.valueAsString().contains("\"group\":\"fast\"")));
        KcatConsumer.Record fast = records.stream()
                .filter(r -> r.valueAsString().contains("\"group\":\"fast\""))
                .findFirst()
                .orElseThrow();

        assertThat(fast.valueAsString())
                .contains("\"values\":{\"speed\":100.0,\"ratio\":3.25,\"door\":true}")
                .contains("\"quality\":{\"speed\":\"good\",\"ratio\":\"good\",\"door\":\"good\"}");
        assertThat(fast.headers())
                .containsEntry("device_id", "lathe-3")
                .containsEntry("tenant_id", "acme")
                .containsEntry("gateway_id", "edge-modbus")
                .containsEntry("content-type", "application/json")
                .containsEntry("qos", "1")
                .containsEntry("source", "modbus://127.0.0.1:" + peer.port() + "/1")
                .containsEntry("line", "A")
                .doesNotContainKey("mqtt-topic");
        assertThat(fast.headers().get("fog-seq")).startsWith("edge-modbus/bulk/");
        assertThat(fixture.cloud().forDevice("fog.event.acme", "lathe-3", "{\"state\":\"connected\""))
                .isNotEmpty();
    }

    @Test
    void aWriteCommandFromTheCloudIsWrittenAndAnswered() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> !fixture.cloud()
                .forDevice("fog.event.acme", "lathe-3", "{\"state\":\"connected\"")
                .isEmpty());

        fixture.cloud().command("acme", "lathe-3", "write", "c-modbus-1", "{\"setpoint\": -7}");

        KcatConsumer.Record response = fixture.cloud().awaitResponse("acme", "c-modbus-1");
        assertThat(response.headers()).containsEntry("status", "200").containsEntry("device_id", "lathe-3");
        assertThat(response.valueAsString()).isEqualTo("{\"written\":[\"setpoint\"]}");
        // a second master reads it back from the device
        Process mbpoll = new ProcessBuilder(
                        TestEnv.peer("mbpoll").toString(),
                        "-m",
                        "tcp",
                        "-a",
                        "1",
                        "-0",
                        "-1",
                        "-p",
                        Integer.toString(peer.port()),
                        "-t",
                        "4",
                        "-r",
                        "110",
                        "-c",
                        "1",
                        "127.0.0.1")
                .redirectErrorStream(true)
                .start();
        String output = new String(mbpoll.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(mbpoll.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("[110]: \t65529 (-7)");
    }
}
