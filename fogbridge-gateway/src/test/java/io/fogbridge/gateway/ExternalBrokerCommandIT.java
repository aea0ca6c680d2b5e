package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.MosquittoBroker;
import io.fogbridge.testkit.TestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands in external-broker mode: produced to Kafka with kcat, published by the gateway on the external mosquitto,
 * received by a {@code mosquitto_sub} device there; the device's response, published to the same broker, comes back
 * through the bridge's subscription to {@code fog.command_response.<tenant>}.
 */
class ExternalBrokerCommandIT {

    @TempDir
    Path dir;

    @Test
    void commandFromKafkaReachesAMosquittoSubDeviceThroughTheExternalBrokerAndItsResponseComesBack() throws Exception {
        TestEnv.peer("kcat");
        try (GatewayFixture fixture = GatewayFixture.start(dir);
                MosquittoBroker mosquitto = MosquittoBroker.start(dir.resolve("mosquitto"))) {
            String yaml = """
                    gateway: {id: edge-ext-cmd, dataDir: "${dataDir}"}
                    mqtt: {external: {uri: "%s"}}
                    kafka: {bootstrapServers: "${kafka}"}
                    http: {host: 127.0.0.1, port: 0}
                    commands: {enabled: true, tenants: "acme"}
                    """.formatted(mosquitto.uri());
            try (Gateway gateway = fixture.startGateway("edge-ext-cmd", yaml)) {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> gateway.mqtt().ready());
                Process device = new ProcessBuilder(
                                TestEnv.peer("mosquitto_sub").toString(),
                                "-h",
                                "127.0.0.1",
                                "-p",
                                Integer.toString(mosquitto.port()),
                                "-i",
                                "valve-1-sub",
                                "-q",
                                "1",
                                "-v",
                                "-C",
                                "1",
                                "-W",
                                "60",
                                "-t",
                                "command/acme/valve-1/req/#")
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                Thread.sleep(500); // mosquitto_sub has subscribed (no subscriber yet would only delay delivery)

                fixture.cloud()
                        .produce(
                                "fog.command.acme",
                                "valve-1",
                                "{\"valve\":\"open\"}",
                                "subject=setValve",
                                "correlation-id=ext-1",
                                "response-required=true",
                                "ttl=60000");

                byte[] out = device.getInputStream().readAllBytes(); // -C 1: exits after the first message
                device.waitFor(5, TimeUnit.SECONDS);
                assertThat(new String(out, StandardCharsets.UTF_8)
                                .lines()
                                .findFirst()
                                .orElse(""))
                        .isEqualTo("command/acme/valve-1/req/ext-1/setValve {\"valve\":\"open\"}");

                Process pub = new ProcessBuilder(
                                TestEnv.peer("mosquitto_pub").toString(),
                                "-h",
                                "127.0.0.1",
                                "-p",
                                Integer.toString(mosquitto.port()),
                                "-q",
                                "1",
                                "-t",
                                "command/acme/valve-1/res/ext-1/200",
                                "-m",
                                "{\"valve\":\"opened\"}")
                        .redirectErrorStream(true)
                        .start();
                PeerProcess.awaitSuccess(pub, Duration.ofSeconds(20));

                KcatConsumer.Record response = fixture.cloud().awaitResponse("acme", "ext-1");
                assertThat(response.key()).isEqualTo("valve-1");
                assertThat(response.headers()).containsEntry("status", "200").doesNotContainKey("delivery-failure");
                assertThat(response.valueAsString()).isEqualTo("{\"valve\":\"opened\"}");
                assertThat(gateway.commandRouter().pendingCount())
                        .as("delivered on the broker's PUBACK")
                        .isZero();
            }
        }
    }
}
