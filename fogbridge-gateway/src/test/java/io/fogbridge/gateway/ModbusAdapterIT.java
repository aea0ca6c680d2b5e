package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.PymodbusPeer;
import io.fogbridge.testkit.TestEnv;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
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
    /** The scheduled scan's own peer: a scan's probes must not be what the converter's first poll meets. */
    static PymodbusPeer scanned;

    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        TestEnv.peer("kcat");
        peer = PymodbusPeer.start(TestEnv.freePort());
        scanned = PymodbusPeer.start(TestEnv.freePort());
        fixture = GatewayFixture.start(dir);
        gateway = fixture.startGateway("edge-modbus", """
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
                discovery:
                  - {name: plc-scan, protocol: modbus, tenant: acme, target: 127.0.0.1/30, ports: "%d,%d",
                     units: 1-2, timeout: 500ms, every: 2s}
                """.formatted(peer.port(), scanned.port(), TestEnv.freePort()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        if (peer != null) {
            peer.close();
        }
        if (scanned != null) {
            scanned.close();
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

    /**
     * The scheduled scan of a second peer (pymodbus answers unit 1 only; the other port is closed, the other hosts of
     * the /30 refuse): its one device is proposed to {@code fog.twin.acme} every round, under the same key and with
     * the same converter section, so the operator makes one Device of it however often it is seen.
     */
    @Test
    void aScheduledScanProposesThePeerToTheTwinTopicEveryRoundUnderOneName() throws Exception {
        List<KcatConsumer.Record> proposals = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> fixture.cloud().read("fog.twin.acme").stream()
                                .filter(r -> r.key() != null && r.key().startsWith("discovered/"))
                                .toList(),
                        r -> r.size() >= 2);
        assertThat(proposals)
                .extracting(KcatConsumer.Record::key)
                .containsOnly(proposals.getFirst().key());
        assertThat(proposals.getFirst().key()).matches("discovered/modbus-[0-9a-f]{10}");
        assertThat(proposals.getFirst().valueAsString())
                .contains("\"gateway\":\"edge-modbus\"", "\"tenant\":\"acme\"", "\"scan\":\"plc-scan\"")
                .contains("\"endpoint\":\"modbus://127.0.0.1:" + scanned.port() + "/1\"")
                .contains("\"unitId\":1");
        var round = gateway.discoveryRounds().getFirst();
        assertThat(round.failure()).isNull();
        assertThat(round.found()).hasSize(1);

        // The console's pending page lists it (loopback: no login; the page opens the session its fragment needs).
        HttpClient http =
                HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String base = "http://127.0.0.1:" + gateway.ops().port();
        assertThat(http.send(
                                HttpRequest.newBuilder(URI.create(base + "/console/pending"))
                                        .build(),
                                BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
        String live = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/console/pending/live"))
                                .build(),
                        BodyHandlers.ofString())
                .body();
        assertThat(live)
                .contains("plc-scan (modbus 127.0.0.1/30)", "1 found, proposed to fog.twin.acme")
                .contains(round.found().getFirst().name(), "modbus://127.0.0.1:" + scanned.port() + "/1");
    }
}
