package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.adapters.coap.CoapAdapter;
import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.TestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CoAP device adapter end to end: libcoap's {@code coap-client-openssl} (DTLS-PSK) and {@code coap-client-notls}
 * as devices, the gateway with registry, PSK file, spool and command router, an in-process Kafka read back with
 * {@code kcat}; commands produced with {@code kcat}.
 */
class CoapAdapterIT {

    @TempDir
    static Path dir;

    @AutoClose
    static GatewayFixture fixture;

    static Gateway gateway;
    static String plain;
    static String secure;

    @BeforeAll
    static void start() throws Exception {
        TestEnv.peer("coap-client-notls");
        TestEnv.peer("coap-client-openssl");
        TestEnv.peer("kcat");
        fixture = GatewayFixture.start(dir);
        fixture.writeRegistry("unused", """
                tenants:
                  acme:
                    devices:
                      valve-1: {credentials: [{type: hashed-password, hash: "${hash}"}]}
                      valve-2: {credentials: [{type: hashed-password, hash: "${hash}"}]}
                """);
        Path psk = Files.writeString(dir.resolve("psk.txt"), """
                # DTLS pre-shared keys
                valve-1@acme = text:valve-1-secret
                valve-2@acme = hex:76616c76652d322d736563726574
                stranger@acme = text:stranger-secret
                """);
        Files.setPosixFilePermissions(psk, PosixFilePermissions.fromString("rw-------"));
        gateway = fixture.startGateway("edge-coap", """
                gateway: {id: edge-coap, dataDir: "${dataDir}"}
                mqtt: {listeners: [{host: 127.0.0.1, port: ${mqttPort}}], registry: "${dir}/devices.yaml", maxPayload: 512B}
                kafka: {bootstrapServers: "${kafka}"}
                http: {host: 127.0.0.1, port: 0}
                commands: {enabled: true, tenants: "acme"}
                adapters: {coap: {enabled: true, host: 127.0.0.1, port: 0, dtlsPort: 0, pskFile: "${dir}/psk.txt"}, maxTtd: 20s}
                """);
        plain = "coap://127.0.0.1:" + gateway.adapter("coap", CoapAdapter.class).port();
        secure = "coaps://127.0.0.1:"
                + gateway.adapter("coap", CoapAdapter.class).dtlsPort();
    }

    @Test
    void confirmableTelemetryOverDtlsIsInKafkaAfterThe204() throws Exception {
        for (int i = 0; i < 3; i++) {
            var result = coap(
                    "coap-client-openssl",
                    secure + "/telemetry",
                    "{\"level\":" + i + "}",
                    "-u",
                    "valve-1@acme",
                    "-k",
                    "valve-1-secret",
                    "-t",
                    "json");
            assertThat(result.code()).as(result.log()).isEqualTo("2.04");
            assertThat(result.pdu()).contains("t:ACK"); // piggy-backed: the ACK itself says durable
        }
        List<KcatConsumer.Record> records = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> fixture.cloud().forDevice("fog.telemetry.acme", "valve-1", "{\"level\":"),
                        r -> r.size() >= 3);
        assertThat(records)
                .extracting(KcatConsumer.Record::valueAsString)
                .containsExactly("{\"level\":0}", "{\"level\":1}", "{\"level\":2}");
        assertThat(records.getFirst().headers())
                .containsEntry("device_id", "valve-1")
                .containsEntry("gateway_id", "edge-coap")
                .containsEntry("content-type", "application/json")
                .containsEntry("qos", "1")
                .containsEntry("mqtt-topic", "telemetry/acme/valve-1");
    }

    @Test
    void refusalsMapToCoapCodesAndNeverReachKafka() throws Exception {
        // a PSK identity that is no registered device
        var stranger = coap(
                "coap-client-openssl",
                secure + "/telemetry",
                "bad-stranger",
                "-u",
                "stranger@acme",
                "-k",
                "stranger-secret");
        assertThat(stranger.code()).as(stranger.log()).isEqualTo("4.03");
        var otherDevice = coap(
                "coap-client-openssl",
                secure + "/telemetry/acme/valve-2",
                "bad-other",
                "-u",
                "valve-1@acme",
                "-k",
                "valve-1-secret");
        assertThat(otherDevice.code()).as(otherDevice.log()).isEqualTo("4.03");
        var tooLarge = coap(
                "coap-client-openssl",
                secure + "/event",
                "bad-large" + "x".repeat(600),
                "-u",
                "valve-1@acme",
                "-k",
                "valve-1-secret");
        assertThat(tooLarge.code()).as(tooLarge.log()).isEqualTo("4.13");
        var malformed = coap("coap-client-notls", plain + "/telemetry/acme", "bad-malformed");
        assertThat(malformed.code()).as(malformed.log()).isEqualTo("4.00");
        var noIdentity = coap("coap-client-notls", plain + "/telemetry", "bad-anonymous");
        assertThat(noIdentity.code()).as(noIdentity.log()).isEqualTo("4.01");

        // anonymous on loopback may name a device (a local service), and the adapter still serves everyone
        var local = coap("coap-client-notls", plain + "/event/acme/valve-2", "local-after-errors");
        assertThat(local.code()).as(local.log()).isEqualTo("2.04");
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> fixture.cloud().forDevice("fog.event.acme", "valve-2", "local-after-errors"),
                        r -> !r.isEmpty());
        assertThat(KcatConsumer.readAll(fixture.cloud().bootstrapServers(), "fog.event.acme"))
                .noneMatch(r -> r.valueAsString().startsWith("bad-"));
    }

    @Test
    void ttdBringsACommandFromKafkaAndTheResponseGoesBack() throws Exception {
        fixture.cloud().command("acme", "valve-2", "setValve", "c-coap-1", "{\"open\":false}");
        var poll = coap(
                "coap-client-openssl",
                secure + "/telemetry?ttd=15",
                "{\"level\":9}",
                "-u",
                "valve-2@acme",
                "-k",
                "valve-2-secret");
        assertThat(poll.code()).as(poll.log()).isEqualTo("2.04");
        assertThat(poll.payload()).isEqualTo("{\"open\":false}");
        assertThat(poll.pdu()).contains("command=setValve").contains("c-coap-1");

        var response = coap(
                "coap-client-openssl",
                secure + "/command/res/c-coap-1?status=200",
                "closed",
                "-u",
                "valve-2@acme",
                "-k",
                "valve-2-secret");
        assertThat(response.code()).as(response.log()).isEqualTo("2.04");
        KcatConsumer.Record record = fixture.cloud().awaitResponse("acme", "c-coap-1");
        assertThat(record.headers()).containsEntry("status", "200").containsEntry("device_id", "valve-2");
        assertThat(record.valueAsString()).isEqualTo("closed");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** @param code the response code as libcoap logs it; pdu the logged response line; payload what it wrote */
    record CoapResult(String code, String pdu, String payload, String log) {}

    private static final Pattern RESPONSE = Pattern.compile("v:1 t:(CON|NON|ACK) c:([245]\\.\\d\\d) .*");

    static CoapResult coap(String binary, String uri, String payload, String... args) throws Exception {
        Path in = Files.writeString(Files.createTempFile(dir, "coap", ".in"), payload);
        Path out = Files.createTempFile(dir, "coap", ".out");
        Files.delete(out);
        List<String> command = new ArrayList<>(List.of(
                TestEnv.peer(binary).toString(),
                "-m",
                "post",
                "-f",
                in.toString(),
                "-o",
                out.toString(),
                "-v",
                "6",
                "-B",
                "30"));
        command.addAll(List.of(args));
        command.add(uri);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(40, TimeUnit.SECONDS)).as(log).isTrue();
        String code = null;
        String pdu = null;
        for (String line : log.split("\n")) {
            int start = line.indexOf("v:1 ");
            if (start >= 0) {
                Matcher m = RESPONSE.matcher(line.substring(start));
                if (m.matches()) {
                    code = m.group(2);
                    pdu = line;
                }
            }
        }
        return new CoapResult(code, pdu, Files.exists(out) ? Files.readString(out) : "", log);
    }
}
