package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.gateway.fault.OpsMetrics;
import io.fogbridge.gateway.fault.Readyz;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.MosquittoBroker;
import io.fogbridge.testkit.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behind a mosquitto whose queue is too small for the gateway's outage, messages the devices had acknowledged are
 * lost at the broker: the gateway cannot get them back, but it says how many, and the count matches what is missing
 * in Kafka.
 */
class ExternalBrokerDropsIT {

    private static final int SENT = 500;
    private static final Pattern DROPPED = Pattern.compile("the broker dropped (\\d+) messages");

    @TempDir
    Path dir;

    @Test
    void dropsAtTheBrokerShowInReadyzAndMetricsAndMatchWhatIsMissingInKafka() throws Exception {
        Path mosquittoPub = TestEnv.peer("mosquitto_pub");
        TestEnv.peer("kcat");
        try (GatewayFixture fixture = GatewayFixture.start(dir);
                MosquittoBroker mosquitto = MosquittoBroker.startWithConfig(
                        dir.resolve("mosquitto"),
                        port -> "listener " + port + " 127.0.0.1\nallow_anonymous true\n"
                                + "max_queued_messages 100\nsys_interval 1\n")) {
            KafkaBroker kafka = fixture.kafka();
            String yaml = """
                    gateway: {id: edge-drops, dataDir: "${dataDir}"}
                    mqtt: {external: {uri: "%s"}}
                    kafka: {bootstrapServers: "${kafka}"}
                    http: {host: 127.0.0.1, port: 0}
                    """.formatted(mosquitto.uri());
            try (Gateway first = fixture.startGateway("edge-drops", yaml)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> first.mqtt().ready());
            } // the gateway's persistent session stays at the broker, which queues for it from now on

            publish(mosquittoPub, mosquitto.port());

            try (Gateway second = fixture.startGateway("edge-drops", yaml)) {
                String[] line = {""};
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    line[0] = Readyz.fetch(second.httpPort()).line("mqtt-external");
                    return DROPPED.matcher(line[0]).find();
                });
                assertThat(line[0]).startsWith("[WARN] mqtt-external: accepting; the broker dropped ");
                assertThat(line[0]).endsWith("messages it had acknowledged to devices; raise max_queued_messages");
                Matcher matcher = DROPPED.matcher(line[0]);
                assertThat(matcher.find()).isTrue();
                int dropped = Integer.parseInt(matcher.group(1));
                assertThat(dropped).as("mosquitto queued about 100 of %d", SENT).isGreaterThan(300);

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                                KcatConsumer.readAll(kafka.bootstrapServers(), "fog.telemetry.acme"))
                        .hasSize(SENT - dropped));
                Thread.sleep(1000); // nothing more arrives: the rest is gone
                assertThat(KcatConsumer.readAll(kafka.bootstrapServers(), "fog.telemetry.acme"))
                        .hasSize(SENT - dropped);
                assertThat(metrics(second.httpPort()))
                        .contains("fogbridge_external_broker_dropped_total{gateway=\"edge-drops\"} " + dropped + ".0");
                assertThat(Readyz.fetch(second.httpPort()).ready())
                        .as("drops are a warning")
                        .isTrue();
            }
        }
    }

    private void publish(Path mosquittoPub, int port) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < SENT; i++) {
            lines.add("m-" + i);
        }
        Path file = Files.write(dir.resolve("lines"), lines);
        Process pub = new ProcessBuilder(
                        mosquittoPub.toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(port),
                        "-q",
                        "1",
                        "-t",
                        "telemetry/acme/lathe-1",
                        "-l")
                .redirectInput(file.toFile())
                .redirectErrorStream(true)
                .start();
        PeerProcess.awaitSuccess(pub, Duration.ofSeconds(30));
    }

    private static String metrics(int httpPort) throws Exception {
        return OpsMetrics.fetch(httpPort);
    }
}
