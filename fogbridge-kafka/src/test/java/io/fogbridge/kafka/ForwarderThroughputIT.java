package io.fogbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Spool;
import io.fogbridge.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures (reports, never asserts) how fast a backlog drains into the in-process broker:
 * 100k records of 200 B, 50 device keys, over one 3-partition topic.
 */
class ForwarderThroughputIT {

    private static final int RECORDS = Integer.getInteger("fogbridge.bench.records", 100_000);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"lz4", "none"})
    void drainsABacklog(String compression) {
        try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), 0);
                Spool spool = TestSpools.open(dir.resolve("spool"))) {
            kafka.createTopic("fog.telemetry.bench", 3);
            byte[] payload = new byte[200];
            Arrays.fill(payload, (byte) 'x');
            for (int i = 0; i < RECORDS; i++) {
                spool.append(new Envelope("fog.telemetry.bench", "dev-" + (i % 50), Map.of("device_id", "dev-" + (i % 50)),
                        payload, System.currentTimeMillis(), QoS.AT_LEAST_ONCE, Lane.BULK)).join();
            }
            ForwarderOptions options = ForwarderOptions.builder(kafka.bootstrapServers(), "gw-bench")
                    .clientProperty("compression.type", compression)
                    .build();
            long start = System.nanoTime();
            try (KafkaForwarder forwarder = new KafkaForwarder(spool.cursor(), options, null)) {
                forwarder.start();
                await().atMost(Duration.ofMinutes(2)).until(() -> spool.cursor().committed(Lane.BULK) >= RECORDS - 1);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("forwarder drain, compression=%s: %d records of 200 B in %.2f s = %.0f records/s%n",
                        compression, RECORDS, seconds, RECORDS / seconds);
                assertThat(forwarder.state().ackedRecords()).isGreaterThanOrEqualTo(RECORDS);
            }
        }
    }
}
