package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.gateway.fault.DeliveryCheck;
import io.fogbridge.gateway.fault.DeviceFleet;
import io.fogbridge.gateway.fault.GatewayYaml;
import io.fogbridge.gateway.fault.Readyz;
import io.fogbridge.gateway.fault.SequencedDevice;
import io.fogbridge.gateway.fault.TelemetryTopic;
import io.fogbridge.gateway.fault.TelemetryTopic.Delivered;
import io.fogbridge.localkafka.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka goes away for 30 s while devices keep publishing (ARCHITECTURE.md, "Delivery guarantees"; issue 3,
 * "Kafka stopped for 30 s"). A real single-node Kafka and the whole gateway run in this JVM; six HiveMQ MQTT 5
 * clients publish sequence-numbered QoS 1 telemetry, one message in flight each, every 20 ms.
 *
 * <p>Proves: devices keep getting PUBACKs during the outage (the spool takes the data, nothing is committed
 * that Kafka did not acknowledge); {@code /readyz} stays ready and shows Kafka as degraded; afterwards every
 * PUBACKed message is in {@code fog.telemetry.t1}, per device in order, repeats only as replays of one spool
 * record (same {@code fog-seq}, same payload), and the spool drains to empty.
 *
 * <p>Outage length: {@code -Dfogbridge.outage.seconds} (default 30).
 */
class KafkaOutageIT {

    private static final String TOPIC = "fog.telemetry.t1";
    private static final int DEVICES = 6;
    private static final Duration PERIOD = Duration.ofMillis(20);
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("fogbridge.outage.seconds", 30));

    @TempDir
    Path dir;

    @Test
    void devicesKeepGettingPubacksWhileKafkaIsDownAndEverythingArrivesInOrderAfterwards() throws Exception {
        try (GatewayFixture fixture = GatewayFixture.start(dir)) {
            KafkaBroker kafka = fixture.kafka();
            kafka.createTopic(TOPIC, 3);
            String yaml = GatewayYaml.of("outage-it", dir.resolve("gateway"), 0, 0, kafka.bootstrapServers());
            try (Gateway gateway = fixture.startGateway("outage-it", yaml);
                    DeviceFleet fleet =
                            new DeviceFleet("t1", DEVICES, gateway.mqttPorts().get(0), PERIOD)) {
                int http = gateway.httpPort();
                fleet.start();
                await("every device acknowledged and the first records in Kafka")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> fleet.minAcked() >= 20
                                && gateway.forwarder().state().ackedRecords() > 0);
                assertThat(Readyz.fetch(http).line("kafka")).startsWith("[ok]");

                kafka.stop();
                long ackedWhenKafkaStopped = fleet.acked();
                Map<String, Integer> perDeviceAtStop = ackedCounts(fleet);
                long outageEnds = System.nanoTime() + OUTAGE.toNanos();
                System.out.println("KafkaOutageIT: Kafka stopped after " + ackedWhenKafkaStopped + " PUBACKs");

                AtomicReference<Readyz> seen = new AtomicReference<>();
                await("/readyz reports Kafka as not connected")
                        .atMost(OUTAGE)
                        .pollInterval(Duration.ofMillis(250))
                        .untilAsserted(() -> {
                            Readyz r = Readyz.fetch(http);
                            seen.set(r);
                            assertThat(r.line("kafka")).startsWith("[WARN] kafka: not connected");
                        });
                assertThat(seen.get().ready())
                        .as(
                                "Kafka away is no reason to stop taking traffic:%n%s",
                                seen.get().body())
                        .isTrue();

                sleepUntil(outageEnds); // the outage itself: devices keep publishing meanwhile
                Readyz late = Readyz.fetch(http);
                assertThat(late.ready())
                        .as("still ready at the end of the outage:%n%s", late.body())
                        .isTrue();
                assertThat(late.line("kafka")).startsWith("[WARN]");
                long ackedDuringOutage = fleet.acked() - ackedWhenKafkaStopped;
                long backlog = gateway.spool().stats().records();
                System.out.println("KafkaOutageIT: " + ackedDuringOutage + " PUBACKs during the " + OUTAGE.toSeconds()
                        + " s outage, spool backlog " + backlog);
                for (SequencedDevice device : fleet.devices()) {
                    assertThat(device.ackedCount() - perDeviceAtStop.get(device.device()))
                            .as(
                                    "%s kept getting PUBACKs while Kafka was down (last failure: %s)",
                                    device.device(), device.lastFailure())
                            .isGreaterThanOrEqualTo(50);
                }
                // Nothing acknowledged after Kafka stopped can be in Kafka, so none of it may be committed.
                assertThat(backlog)
                        .as("spool backlog covers every record acknowledged during the outage")
                        .isGreaterThanOrEqualTo(ackedDuringOutage);

                kafka.restart();
                System.out.println("KafkaOutageIT: Kafka restarted");
                Thread.sleep(3_000); // a little traffic while the backlog drains
                fleet.stop();
                Map<String, List<Long>> acked = fleet.ackedByDevice();
                System.out.println("KafkaOutageIT: " + fleet.summary());
                assertThat(fleet.failures())
                        .as(
                                "no publish failed (last failure: %s)",
                                fleet.devices().stream()
                                        .map(SequencedDevice::lastFailure)
                                        .filter(f -> f != null)
                                        .findFirst()
                                        .orElse("none"))
                        .isZero();

                await("spool backlog drained")
                        .atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> gateway.spool().stats().records() == 0);
                await("/readyz shows Kafka connected again")
                        .atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> {
                            Readyz r = Readyz.fetch(http);
                            assertThat(r.status()).isEqualTo(200);
                            assertThat(r.line("kafka")).startsWith("[ok]   kafka: connected");
                            assertThat(r.spoolBacklog()).isZero();
                        });
                assertThat(gateway.spool().stats().drops().values())
                        .as("nothing dropped: %s", gateway.spool().stats().drops())
                        .allMatch(n -> n == 0);

                try (TelemetryTopic topic = new TelemetryTopic(kafka.bootstrapServers(), TOPIC)) {
                    try {
                        await("every PUBACKed message in " + TOPIC)
                                .atMost(Duration.ofSeconds(30))
                                .pollInterval(Duration.ZERO)
                                .until(() -> DeliveryCheck.missing(acked, topic.poll())
                                        .isEmpty());
                    } catch (ConditionTimeoutException e) {
                        // Not all there: the check below names what is missing.
                    }
                    List<Delivered> records = topic.readToEnd(Duration.ofSeconds(30));
                    DeliveryCheck check = DeliveryCheck.run(acked, records, true);
                    System.out.println("KafkaOutageIT: " + records.size() + " records in " + TOPIC + ", "
                            + check.duplicates() + " replayed duplicates");
                    assertThat(check.ok()).as(check.report()).isTrue();
                }
            }
        }
    }

    private static Map<String, Integer> ackedCounts(DeviceFleet fleet) {
        return fleet.devices().stream()
                .collect(java.util.stream.Collectors.toMap(SequencedDevice::device, SequencedDevice::ackedCount));
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            Thread.sleep(Duration.ofNanos(left));
        }
    }
}
