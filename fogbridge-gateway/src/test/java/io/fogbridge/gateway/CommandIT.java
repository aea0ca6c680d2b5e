package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.mqtt.EmbeddedMqttBroker;
import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.TestEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downlink commands end to end with real peers: commands produced with {@code kcat -P}, devices on
 * {@code mosquitto_sub} / {@code mosquitto_pub} authenticated by the registry, responses read with {@code kcat}
 * from {@code fog.command_response.acme}.
 */
class CommandIT {

    private static final String PASSWORD = "valve-secret";

    @TempDir
    static Path dir;

    @AutoClose
    static GatewayFixture fixture;

    static Gateway gateway;
    static int mqttPort;

    @BeforeAll
    static void start(TestInfo test) throws Exception {
        boolean direct =
                WithoutDeviceRelay.class.isAssignableFrom(test.getTestClass().orElseThrow());
        TestEnv.peer("kcat");
        TestEnv.peer("mosquitto_sub");
        fixture = GatewayFixture.start(dir);
        fixture.writeRegistry(PASSWORD, """
                tenants:
                  acme:
                    devices:
                      dev-1: {credentials: [{type: hashed-password, hash: "${hash}"}]}
                      dev-2: {credentials: [{type: hashed-password, hash: "${hash}"}]}
                      dev-3: {credentials: [{type: hashed-password, hash: "${hash}"}]}
                """);
        gateway = fixture.startGateway("edge-cmd", """
                gateway: {id: edge-cmd, dataDir: "${dataDir}"}
                mqtt: {listeners: [{host: 127.0.0.1, port: ${mqttPort}}], registry: "${dir}/devices.yaml"}
                kafka: {bootstrapServers: "${kafka}"}
                http: {host: 127.0.0.1, port: 0}
                commands: {enabled: true, tenants: "acme"}
                """ + (direct ? WithoutDeviceRelay.YAML : ""));
        mqttPort = gateway.mqttPorts().getFirst();
    }

    @Test
    void commandFromKcatReachesTheDeviceAndItsResponseLandsWithTheCorrelationId() throws Exception {
        Process device = subscribe("dev-1", 1);
        awaitReachable("dev-1");
        produce(
                "dev-1",
                "{\"valve\":\"open\"}",
                "subject=setValve",
                "correlation-id=c1",
                "response-required=true",
                "ttl=30000");

        String line = firstLine(device);
        assertThat(line).isEqualTo("command/acme/dev-1/req/c1/setValve {\"valve\":\"open\"}");
        publish("dev-1", "command/acme/dev-1/res/c1/200", "{\"valve\":\"opened\"}");

        KcatConsumer.Record response = awaitResponse("c1");
        assertThat(response.key()).isEqualTo("dev-1");
        assertThat(response.headers()).containsEntry("status", "200").containsEntry("device_id", "dev-1");
        assertThat(response.headers()).doesNotContainKey("delivery-failure");
        assertThat(response.valueAsString()).isEqualTo("{\"valve\":\"opened\"}");
    }

    @Test
    void anOfflineDeviceGetsItsQueuedCommandWhenItComesBack() throws Exception {
        produce("dev-3", "close", "subject=setValve", "correlation-id=c-offline", "ttl=60000");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> gateway.commandRouter().pendingCount() >= 1);

        Process device = subscribe("dev-3", 1);
        assertThat(firstLine(device)).isEqualTo("command/acme/dev-3/req/c-offline/setValve close");
    }

    @Test
    void anExpiredTtlIsAnswered408() throws Exception {
        produce("dev-2", "x", "subject=setValve", "correlation-id=c-expired", "ttl=1500");
        KcatConsumer.Record response = awaitResponse("c-expired");
        assertThat(response.headers())
                .containsEntry("status", "408")
                .containsEntry("delivery-failure", "true")
                .containsEntry("device_id", "dev-2");
    }

    @Test
    void anUnknownDeviceIsAnswered404() throws Exception {
        produce("ghost", "x", "subject=setValve", "correlation-id=c-ghost", "ttl=30000");
        assertThat(awaitResponse("c-ghost").headers())
                .containsEntry("status", "404")
                .containsEntry("delivery-failure", "true");
    }

    @Test
    void malformedCommandsAreAnswered400AndDoNotStallTheConsumer() throws Exception {
        Process device = subscribe("dev-1", 1);
        awaitReachable("dev-1");
        produce(null, "x", "subject=setValve", "correlation-id=m-nokey", "ttl=30000");
        produce("dev-1", "x", "subject=setValve", "correlation-id=m-nottl");
        produce("dev-1", "x", "subject=setValve", "correlation-id=m-badttl", "ttl=soon");
        produce("dev-1", "x", "subject=setValve", "correlation-id=m-badflag", "ttl=30000", "response-required=maybe");
        produce("dev-1", "x", "correlation-id=m-nosubject", "ttl=30000");
        produce("dev-1", "after", "subject=ping", "correlation-id=m-valid", "ttl=30000");

        assertThat(firstLine(device)).isEqualTo("command/acme/dev-1/req/m-valid/ping after");
        for (String id : List.of("m-nokey", "m-nottl", "m-badttl", "m-badflag", "m-nosubject")) {
            assertThat(awaitResponse(id).headers())
                    .as(id)
                    .containsEntry("status", "400")
                    .containsEntry("delivery-failure", "true");
        }
    }

    // ---- peers ----

    private static Process subscribe(String device, int count) throws IOException {
        return new ProcessBuilder(
                        TestEnv.peer("mosquitto_sub").toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(mqttPort),
                        "-u",
                        device + "@acme",
                        "-P",
                        PASSWORD,
                        "-i",
                        device + "-sub",
                        "-q",
                        "1",
                        "-v",
                        "-C",
                        Integer.toString(count),
                        "-W",
                        "60",
                        "-t",
                        "command/acme/" + device + "/req/#")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static void publish(String device, String topic, String payload) throws Exception {
        Process pub = new ProcessBuilder(
                        TestEnv.peer("mosquitto_pub").toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(mqttPort),
                        "-u",
                        device + "@acme",
                        "-P",
                        PASSWORD,
                        "-q",
                        "1",
                        "-t",
                        topic,
                        "-m",
                        payload)
                .redirectErrorStream(true)
                .start();
        PeerProcess.awaitSuccess(pub, Duration.ofSeconds(20));
    }

    private static void produce(String key, String payload, String... headers) throws Exception {
        fixture.cloud().produce("fog.command.acme", key, payload, headers);
    }

    private static void awaitReachable(String device) {
        EmbeddedMqttBroker broker = (EmbeddedMqttBroker) gateway.mqtt();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> broker.commandTransport().serves("acme", device));
    }

    private static String firstLine(Process process) throws Exception {
        byte[] out = process.getInputStream().readAllBytes(); // -C n: exits after n messages, -W bounds the wait
        process.waitFor(5, TimeUnit.SECONDS);
        return new String(out, StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }

    private static KcatConsumer.Record awaitResponse(String correlationId) {
        return fixture.cloud().awaitResponse("acme", correlationId);
    }
}
