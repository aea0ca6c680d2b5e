package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.adapters.http.HttpAdapter;
import io.fogbridge.testkit.Curl;
import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.TestEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP device adapter end to end: {@code curl} as the device, the gateway with its registry, spool and command
 * router, an in-process Kafka, read back with {@code kcat}; commands produced with {@code kcat}.
 */
class HttpAdapterIT {

    @TempDir
    static Path dir;

    @AutoClose
    static GatewayFixture fixture;

    static Gateway gateway;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        TestEnv.peer("curl");
        TestEnv.peer("kcat");
        fixture = GatewayFixture.start(dir);
        fixture.writeRegistry("pw", """
                tenants:
                  acme:
                    devices:
                      sensor-1: {credentials: [{type: hashed-password, hash: "${hash}"}]}
                      sensor-2: {credentials: [{type: hashed-password, hash: "${hash}"}]}
                      edge-gw: {credentials: [{type: hashed-password, hash: "${hash}"}], via: [sensor-1]}
                """);
        gateway = fixture.startGateway("edge-http", """
                gateway: {id: edge-http, dataDir: "${dataDir}"}
                mqtt: {listeners: [{host: 127.0.0.1, port: ${mqttPort}}], registry: "${dir}/devices.yaml", maxPayload: 1KiB}
                kafka: {bootstrapServers: "${kafka}"}
                http: {host: 127.0.0.1, port: 0}
                commands: {enabled: true, tenants: "acme"}
                adapters: {http: {enabled: true, host: 127.0.0.1, port: 0, anonymous: false}, maxTtd: 20s}
                """);
        base = "http://127.0.0.1:" + gateway.adapter("http", HttpAdapter.class).port();
    }

    @Test
    void telemetryIsInKafkaWithContractHeadersAfterA202() throws Exception {
        for (int i = 0; i < 5; i++) {
            var result = curl(
                    base + "/telemetry",
                    "{\"n\":" + i + "}",
                    "-u",
                    "sensor-1@acme:pw",
                    "-H",
                    "QoS-Level: 1",
                    "-H",
                    "Content-Type: application/json");
            assertThat(result.status()).isEqualTo(202);
        }
        // acknowledged means durable: the records are in the spool now, and reach Kafka from there
        List<KcatConsumer.Record> records = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> fixture.cloud().forDevice("fog.telemetry.acme", "sensor-1", "{\"n\":"),
                        r -> r.size() >= 5);
        assertThat(records)
                .extracting(KcatConsumer.Record::valueAsString)
                .containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}");
        assertThat(records.getFirst().headers())
                .containsEntry("device_id", "sensor-1")
                .containsEntry("tenant_id", "acme")
                .containsEntry("gateway_id", "edge-http")
                .containsEntry("content-type", "application/json")
                .containsEntry("qos", "1")
                .containsEntry("mqtt-topic", "telemetry/acme/sensor-1");
    }

    @Test
    void refusedRequestsNeverReachKafkaAndTheAdapterKeepsServing() throws Exception {
        assertThat(curl(base + "/telemetry", "bad-401").status()).isEqualTo(401);
        assertThat(curl(base + "/telemetry", "bad-401", "-u", "sensor-2@acme:nope")
                        .status())
                .isEqualTo(401);
        assertThat(curl(base + "/telemetry/acme/sensor-1", "bad-403", "-u", "sensor-2@acme:pw")
                        .status())
                .isEqualTo(403);
        assertThat(curl(base + "/telemetry", "bad-413" + "x".repeat(1100), "-u", "sensor-2@acme:pw")
                        .status())
                .isEqualTo(413);
        assertThat(curl(base + "/telemetry/acme", "bad-400", "-u", "sensor-2@acme:pw")
                        .status())
                .isEqualTo(400);
        assertThat(curl(base + "/telemetry", "bad-400", "-u", "sensor-2@acme:pw", "-H", "QoS-Level: 7")
                        .status())
                .isEqualTo(400);
        assertThat(curl(base + "/telemetry", "good-after-errors", "-u", "sensor-2@acme:pw", "-H", "QoS-Level: 1")
                        .status())
                .isEqualTo(202);
        List<KcatConsumer.Record> records = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> fixture.cloud().forDevice("fog.telemetry.acme", "sensor-2", "good-after-errors"),
                        r -> !r.isEmpty());
        assertThat(records).hasSize(1);
        assertThat(KcatConsumer.readAll(fixture.cloud().bootstrapServers(), "fog.telemetry.acme"))
                .noneMatch(r -> r.valueAsString().startsWith("bad-"));
        assertThat(gateway.registry()
                        .get("fogbridge.http.requests")
                        .tag("status", "401")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void aGatewayDeviceSendsEventsForItsViaDevice() throws Exception {
        assertThat(curl(base + "/event/acme/sensor-1", "door-open", "-u", "edge-gw@acme:pw")
                        .status())
                .isEqualTo(202);
        List<KcatConsumer.Record> events = await().atMost(Duration.ofSeconds(30))
                .until(() -> fixture.cloud().forDevice("fog.event.acme", "sensor-1", "door-open"), r -> !r.isEmpty());
        assertThat(events.getFirst().headers()).containsEntry("qos", "1").containsEntry("device_id", "sensor-1");
        assertThat(events.getFirst().headers().get("fog-seq")).startsWith("edge-http/priority/");
    }

    @Test
    void ttdReturnsACommandFromKafkaAndTheResponseGoesBack() throws Exception {
        fixture.cloud().command("acme", "sensor-2", "setValve", "c-http-1", "{\"open\":true}");
        var poll = curl(base + "/telemetry?ttd=15", "{\"level\":3}", "-u", "sensor-2@acme:pw");
        assertThat(poll.status()).as(poll.body()).isEqualTo(200);
        assertThat(poll.headers())
                .containsEntry("fog-command", "setValve")
                .containsEntry("fog-command-request-id", "c-http-1");
        assertThat(poll.body()).isEqualTo("{\"open\":true}");

        var response = curl(
                base + "/command/res/c-http-1?status=200",
                "{\"valve\":\"open\"}",
                "-u",
                "sensor-2@acme:pw",
                "-H",
                "Content-Type: application/json");
        assertThat(response.status()).isEqualTo(202);
        KcatConsumer.Record record = fixture.cloud().awaitResponse("acme", "c-http-1");
        assertThat(record.headers()).containsEntry("status", "200").containsEntry("device_id", "sensor-2");
        assertThat(record.valueAsString()).isEqualTo("{\"valve\":\"open\"}");

        // delivered once: the next poll waits out its ttd and gets no command
        var again = curl(base + "/telemetry?ttd=1", "{}", "-u", "sensor-2@acme:pw");
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.headers()).doesNotContainKey("fog-command");
    }

    @Test
    void aCommandIsNotLostToLongPollsWhoseClientsGaveUp() throws Exception {
        List<Process> abandoned = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            abandoned.add(new ProcessBuilder(
                            TestEnv.peer("curl").toString(),
                            "-s",
                            "-o",
                            "/dev/null",
                            "-m",
                            "2",
                            "-X",
                            "POST",
                            "--data-binary",
                            "{}",
                            "-u",
                            "sensor-1@acme:pw",
                            base + "/telemetry?ttd=15")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start());
        }
        for (Process process : abandoned) {
            assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            assertThat(process.exitValue()).as("curl timed out").isEqualTo(28);
        }
        // every client is gone; the command produced now must reach the next live poll
        fixture.cloud().command("acme", "sensor-1", "reboot", "c-abandon-1", "{}");
        var live = curl(base + "/telemetry?ttd=15", "{}", "-u", "sensor-1@acme:pw");
        assertThat(live.status()).as(live.body()).isEqualTo(200);
        assertThat(live.headers()).containsEntry("fog-command-request-id", "c-abandon-1");
        assertThat(gateway.registry().get("fogbridge.http.ttd.waiting").gauge().value())
                .isZero();
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static Curl.Result curl(String url, String body, String... args) throws IOException, InterruptedException {
        return Curl.post(url, body.getBytes(StandardCharsets.UTF_8), args);
    }
}
