package io.fogbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Headers;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Spool;
import io.fogbridge.api.Ticker;
import io.fogbridge.localkafka.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The box boots before its DNS: the forwarder starts on a bootstrap name that does not resolve, says so, keeps the
 * spool, and delivers everything to a real Kafka once the name resolves. DNS cannot be changed here, so the
 * forwarder's bootstrap seam stands in for it: the list it reads before each new producer turns resolvable.
 */
class KafkaForwarderDnsIT {

    private static final String UNRESOLVABLE = "does-not-resolve.invalid:9092";
    private static final String TOPIC = "fog.telemetry.acme";

    @TempDir
    Path dir;

    @Test
    void startsWithoutDnsReportsWhyKeepsTheSpoolAndDeliversEverythingOnceTheNameResolves() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicReference<String> bootstrap = new AtomicReference<>(UNRESOLVABLE);
        try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), 0);
                Spool spool = TestSpools.open(dir.resolve("spool"))) {
            for (int i = 0; i < 50; i++) {
                append(spool, i);
            }
            ForwarderOptions options = ForwarderOptions.builder(UNRESOLVABLE, "gw-dns")
                    .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                    .build();
            try (KafkaForwarder forwarder = new KafkaForwarder(
                    spool.cursor(),
                    options,
                    registry,
                    KafkaProducer::new,
                    bootstrap::get,
                    Clock.systemUTC(),
                    Ticker.system())) {
                forwarder.start();

                await("retried at least twice with the dns reason")
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> registry.counter("fogbridge.forwarder.errors", "reason", "dns")
                                        .count()
                                >= 2);
                ForwarderState state = forwarder.state();
                assertThat(state.connected()).isFalse();
                assertThat(state.phase()).isEqualTo(ForwarderState.Phase.RETRYING);
                assertThat(state.lastError()).isEqualTo("bootstrap servers do not resolve (" + UNRESOLVABLE + ")");
                assertThat(spool.stats().records())
                        .as("nothing committed: the spool keeps it all")
                        .isEqualTo(50);

                bootstrap.set(kafka.bootstrapServers()); // the name resolves now

                List<ConsumerRecord<byte[], byte[]>> records =
                        KafkaRecords.readDistinct(kafka.bootstrapServers(), List.of(TOPIC), 50, Duration.ofSeconds(30));
                assertThat(records.stream().map(KafkaRecords::value).toList())
                        .as("every spooled record, in order")
                        .containsExactlyElementsOf(IntStream.range(0, 50)
                                .mapToObj(i -> "dev-1:" + i)
                                .toList());
                await("committed and connected")
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> spool.stats().records() == 0
                                && forwarder.state().connected());
                assertThat(forwarder.state().lastError()).isNull();
                assertThat(forwarder.state().phase()).isEqualTo(ForwarderState.Phase.SENDING);
            }
        }
    }

    private static void append(Spool spool, int n) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Headers.DEVICE_ID, "dev-1");
        headers.put(Headers.TENANT_ID, "acme");
        headers.put(Headers.GATEWAY_ID, "gw-dns");
        headers.put(Headers.CREATION_TIME, Long.toString(System.currentTimeMillis()));
        spool.append(new Envelope(
                        TOPIC,
                        "dev-1",
                        headers,
                        ("dev-1:" + n).getBytes(StandardCharsets.UTF_8),
                        System.currentTimeMillis(),
                        QoS.AT_LEAST_ONCE,
                        Lane.BULK))
                .join();
    }
}
