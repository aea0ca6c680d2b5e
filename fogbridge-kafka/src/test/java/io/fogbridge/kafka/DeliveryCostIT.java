package io.fogbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Headers;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Spool;
import io.fogbridge.localkafka.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What exactly-once costs against at-least-once: drains a pre-filled spool of {@value #RECORDS} records of 200 bytes
 * into the in-process broker in each mode and prints records/s. A measurement, not a check, so it runs only with
 * {@code -Dfogbridge.deliveryCost=true} (see BENCHMARKS.md for the command and figures).
 */
class DeliveryCostIT {

    private static final int RECORDS = 50_000;

    @TempDir
    Path dir;

    @Test
    void drainThroughputOfBothModes() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("fogbridge.deliveryCost"), "set -Dfogbridge.deliveryCost=true");
        try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), 0)) {
            for (int round = 0; round < 2; round++) {
                for (Delivery delivery : Delivery.values()) {
                    double perSecond = drain(kafka, delivery, round);
                    System.out.printf(
                            "DELIVERY-COST %s round %d: %,d records in a drain at %,.0f records/s%n",
                            delivery.id(), round, RECORDS, perSecond);
                }
            }
        }
    }

    private double drain(KafkaBroker kafka, Delivery delivery, int round) throws Exception {
        String name = delivery.id() + "-" + round;
        try (Spool spool = TestSpools.open(dir.resolve("spool-" + name))) {
            byte[] payload = new byte[200];
            Arrays.fill(payload, (byte) 'x');
            CompletableFuture<?>[] appends = new CompletableFuture<?>[RECORDS];
            for (int i = 0; i < RECORDS; i++) {
                String device = "dev-" + (i % 100);
                appends[i] = spool.append(new Envelope(
                        "fog.telemetry.cost-" + name,
                        device,
                        Map.of(Headers.DEVICE_ID, device),
                        payload,
                        System.currentTimeMillis(),
                        QoS.AT_LEAST_ONCE,
                        Lane.BULK));
            }
            CompletableFuture.allOf(appends).join();
            ForwarderOptions options = ForwarderOptions.builder(kafka.bootstrapServers(), "gw-" + name)
                    .delivery(delivery)
                    .build();
            long start = System.nanoTime();
            try (KafkaForwarder forwarder = new KafkaForwarder(spool.cursor(), options, null)) {
                forwarder.start();
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> forwarder.state().ackedRecords() >= RECORDS);
                double seconds = (System.nanoTime() - start) / 1e9;
                assertThat(forwarder.state().ackedRecords()).isEqualTo(RECORDS);
                return RECORDS / seconds;
            }
        }
    }
}
