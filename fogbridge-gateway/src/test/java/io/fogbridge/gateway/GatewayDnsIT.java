package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.gateway.fault.Readyz;
import io.fogbridge.mqtt.EmbeddedMqttBroker;
import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.TestEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Security;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The box boots before its DNS (issue 11): a gateway whose Kafka host name does not resolve yet, with commands
 * enabled, starts and serves devices, says why in {@code /readyz}, and once the name resolves (a line in
 * {@code /etc/hosts}, see {@link HostsEntry}) forwards what it spooled and starts consuming commands, without a
 * restart.
 */
class GatewayDnsIT {

    static {
        // The JVM remembers a failed lookup for 10 s by default; the gateway would retry through that anyway,
        // but the test need not wait for it. Effective only if nothing in this JVM resolved a name before.
        Security.setProperty("networkaddress.cache.negative.ttl", "0");
    }

    private static final String PASSWORD = "valve-secret";

    @TempDir
    Path dir;

    @Test
    void startsWithoutDnsServesDevicesAndCatchesUpOnceTheNameResolves() throws Exception {
        TestEnv.peer("kcat");
        TestEnv.peer("mosquitto_pub");
        TestEnv.peer("mosquitto_sub");
        try (HostsEntry kafkaHost = HostsEntry.unresolved();
                GatewayFixture fixture = GatewayFixture.start(dir)) {
            String real = fixture.kafka().bootstrapServers();
            String bootstrap = kafkaHost.name() + real.substring(real.lastIndexOf(':'));
            fixture.writeRegistry(PASSWORD, """
                    tenants:
                      acme:
                        devices:
                          dev-1: {credentials: [{type: hashed-password, hash: "${hash}"}]}
                    """);
            Gateway gateway = fixture.startGateway("edge-dns", """
                    gateway: {id: edge-dns, dataDir: "${dataDir}"}
                    mqtt: {listeners: [{host: 127.0.0.1, port: ${mqttPort}}], registry: "${dir}/devices.yaml"}
                    kafka: {bootstrapServers: "%s"}
                    http: {host: 127.0.0.1, port: 0}
                    commands: {enabled: true, tenants: "acme"}
                    """.formatted(bootstrap));
            int mqttPort = gateway.mqttPorts().getFirst();
            String why = "not connected: bootstrap servers do not resolve (" + bootstrap + "); retrying";
            await("/readyz says why Kafka is away")
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> {
                        Readyz readyz = Readyz.fetch(gateway.httpPort());
                        assertThat(readyz.ready()).as(readyz.body()).isTrue();
                        assertThat(readyz.line("kafka")).isEqualTo("[WARN] kafka: " + why);
                        assertThat(readyz.line("commands")).isEqualTo("[WARN] commands: " + why);
                    });

            publish(mqttPort, "telemetry/acme/dev-1", "t=21"); // exits 0 only after the PUBACK
            assertThat(gateway.spool().stats().records())
                    .as("acknowledged into the spool")
                    .isEqualTo(1);
            assertThat(gateway.registry()
                            .get("fogbridge.forwarder.errors")
                            .tag("reason", "dns")
                            .counter()
                            .count())
                    .isPositive();
            assertThat(gateway.registry()
                            .get("fogbridge.forwarder.connected")
                            .gauge()
                            .value())
                    .isZero();

            kafkaHost.resolve();

            CloudTopics cloud = fixture.cloud();
            List<KcatConsumer.Record> arrived = await("the spooled record reaches Kafka")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> cloud.forDevice("fog.telemetry.acme", "dev-1", "t=21"), r -> !r.isEmpty());
            assertThat(arrived).hasSize(1);
            await("/readyz recovers by itself").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Readyz readyz = Readyz.fetch(gateway.httpPort());
                assertThat(readyz.line("kafka")).startsWith("[ok]");
                assertThat(readyz.line("commands")).startsWith("[ok]");
            });

            Process device = subscribe(mqttPort, "dev-1");
            EmbeddedMqttBroker broker = (EmbeddedMqttBroker) gateway.mqtt();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> broker.commandTransport().serves("acme", "dev-1"));
            cloud.produce("fog.command.acme", "dev-1", "open", "subject=setValve", "correlation-id=c-dns", "ttl=60000");
            byte[] out = device.getInputStream().readAllBytes(); // -C 1 exits after one command, -W bounds it
            device.waitFor(5, TimeUnit.SECONDS);
            assertThat(new String(out, StandardCharsets.UTF_8).lines().findFirst())
                    .as("the command consumer consumes once the name resolves")
                    .contains("command/acme/dev-1/req/c-dns/setValve open");
        }
    }

    private static void publish(int port, String topic, String payload) throws Exception {
        Process pub = new ProcessBuilder(
                        TestEnv.peer("mosquitto_pub").toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(port),
                        "-u",
                        "dev-1@acme",
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

    private static Process subscribe(int port, String device) throws Exception {
        return new ProcessBuilder(
                        TestEnv.peer("mosquitto_sub").toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(port),
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
                        "1",
                        "-W",
                        "60",
                        "-t",
                        "command/acme/" + device + "/req/#")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
