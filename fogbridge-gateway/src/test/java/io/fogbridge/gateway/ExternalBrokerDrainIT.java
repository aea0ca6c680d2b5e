package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.MosquittoBroker;
import io.fogbridge.testkit.TestEnv;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How fast a restarted gateway empties the backlog mosquitto queued in its session while it was away: issue 19
 * asks for at least 3 × the ingest it is sized for (500 msg/s), so the broker's queue shrinks quickly after an
 * outage. Measured from the gateway's start until the bridge has taken the whole backlog; mosquitto sends the next
 * message only as the spool's durable appends free its in-flight window ({@code max_inflight_messages}, 20), so this
 * is the rate of acknowledged, spooled messages within 20. Needs a machine that is not saturated.
 */
class ExternalBrokerDrainIT {

    private static final Logger log = LoggerFactory.getLogger(ExternalBrokerDrainIT.class);
    private static final int BACKLOG = 10_000;

    @TempDir
    Path dir;

    @Test
    void aRestartedGatewayDrainsItsWholeSessionIntoKafka() throws Exception {
        Path mosquittoPub = TestEnv.peer("mosquitto_pub");
        TestEnv.peer("kcat");
        try (GatewayFixture fixture = GatewayFixture.start(dir);
                MosquittoBroker mosquitto = MosquittoBroker.startWithConfig(
                        dir.resolve("mosquitto"),
                        port -> "listener " + port + " 127.0.0.1\nallow_anonymous true\n"
                                + "max_queued_messages 900000\nmax_queued_bytes 500000000\n")) {
            String yaml = """
                    gateway: {id: edge-drain, dataDir: "${dataDir}"}
                    mqtt: {external: {uri: "%s"}}
                    kafka: {bootstrapServers: "${kafka}"}
                    http: {host: 127.0.0.1, port: 0}
                    """.formatted(mosquitto.uri());
            try (Gateway first = fixture.startGateway("edge-drain", yaml)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> first.mqtt().ready());
            }
            publish(mosquittoPub, mosquitto.port());

            long start = System.nanoTime();
            try (Gateway second = fixture.startGateway("edge-drain", yaml)) {
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> {
                            Counter received = second.registry()
                                    .find("fogbridge.mqtt.received")
                                    .tag("qos", "1")
                                    .counter();
                            return received != null && received.count() >= BACKLOG;
                        });
                double seconds = (System.nanoTime() - start) / 1e9;
                double perSecond = BACKLOG / seconds;
                log.info("drained {} messages from mosquitto in {} s: {} msg/s", BACKLOG, seconds, (long) perSecond);
                // The rate is a figure to read (bench, not a timed test): the assertion is that all of it arrives.
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                                KcatConsumer.readAll(fixture.kafka().bootstrapServers(), "fog.telemetry.acme"))
                        .hasSizeGreaterThanOrEqualTo(BACKLOG));
            }
        }
    }

    private void publish(Path mosquittoPub, int port) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < BACKLOG; i++) {
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
        PeerProcess.awaitSuccess(pub, Duration.ofSeconds(60));
    }
}
