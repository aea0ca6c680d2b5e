package io.fogbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Ticker;
import io.fogbridge.spool.ParkedRecords;
import io.fogbridge.spool.SegmentedSpool;
import io.fogbridge.spool.SpoolOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A record Kafka refuses for good is parked and its lane keeps flowing; an outage is still retried. */
class PoisonRecordTest {
    private static final String GOOD = "fog.telemetry.acme";
    private static final String MISSING = "fog.telemetry.nosuch";
    private static final String HUGE = "fog.telemetry.huge";

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** Real elapsed time plus what the test skips ahead (commit batching needs time to pass). */
    private final java.util.concurrent.atomic.AtomicLong skipped = new java.util.concurrent.atomic.AtomicLong();

    private final Ticker ticker = () -> System.nanoTime() + skipped.get();
    private final AtomicInteger checks = new AtomicInteger();
    private volatile TopicCheck.Existence missingAnswer = TopicCheck.Existence.MISSING;
    private MockProducer<byte[], byte[]> producer;
    private SegmentedSpool spool;
    private KafkaForwarder forwarder;

    @AfterEach
    void close() {
        if (forwarder != null) {
            forwarder.close();
        }
        if (spool != null) {
            spool.close();
        }
    }

    /** Like KafkaProducer: a topic without metadata, or a record over max.request.size, is refused inside send(). */
    private final class RefusingProducer extends MockProducer<byte[], byte[]> {
        RefusingProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            RuntimeException refusal =
                    switch (record.topic()) {
                        case MISSING ->
                            new TimeoutException("Topic " + MISSING + " not present in metadata after 10000 ms.");
                        case HUGE -> new RecordTooLargeException("The message is 2000000 bytes when serialized");
                        default -> null;
                    };
            if (refusal != null) {
                callback.onCompletion(null, refusal);
                return CompletableFuture.failedFuture(refusal);
            }
            return super.send(record, callback);
        }
    }

    private void start() throws Exception {
        spool = SegmentedSpool.open(SpoolOptions.builder(dir).build());
        ForwarderOptions options = ForwarderOptions.builder("127.0.0.1:1", "gw-1")
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .build();
        TopicCheck check = new TopicCheck() {
            @Override
            public Existence exists(String topic) {
                checks.incrementAndGet();
                return topic.equals(MISSING) ? missingAnswer : Existence.EXISTS;
            }

            @Override
            public void close() {}
        };
        forwarder = new KafkaForwarder(
                spool.cursor(),
                options,
                registry,
                settings -> producer = new RefusingProducer(),
                options::bootstrapServers,
                java.time.Clock.systemUTC(),
                ticker,
                settings -> check);
        forwarder.start();
    }

    private void append(String topic, String value) throws Exception {
        spool.append(new Envelope(
                        topic,
                        "d1",
                        Map.of("device_id", "d1"),
                        value.getBytes(StandardCharsets.UTF_8),
                        1234L,
                        QoS.AT_LEAST_ONCE,
                        Lane.BULK))
                .get(5, TimeUnit.SECONDS);
    }

    private List<String> delivered() {
        return producer.history().stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void aRecordForATopicKafkaSaysIsMissingIsParkedAndTheLaneFlowsOn() throws Exception {
        start();
        append(GOOD, "a");
        append(MISSING, "poison");
        append(GOOD, "b");
        append(GOOD, "c");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> producer != null && delivered().size() == 3);
        assertThat(delivered()).containsExactly("a", "b", "c");
        await().until(() -> spool.cursor().committed(Lane.BULK) == 3);
        assertThat(spool.parked().records()).isEqualTo(1);
        assertThat(spool.parked().byTopic())
                .containsExactly(new ParkedRecords.TopicSummary(MISSING, 1, MissingTopics.reason(MISSING)));
        assertThat(registry.get("fogbridge.forwarder.parked")
                        .tag("reason", "UnknownTopic")
                        .counter()
                        .count())
                .isEqualTo(1.0);

        // more records for it are parked without waiting for the topic again, until the recheck is due
        int checksBefore = checks.get();
        append(MISSING, "poison2");
        append(GOOD, "d");
        await().until(() -> delivered().size() == 4);
        await().until(() -> spool.parked().records() == 2);
        assertThat(checks.get()).isEqualTo(checksBefore);

        // the topic was created: after the recheck its records flow again
        missingAnswer = TopicCheck.Existence.EXISTS;
        skipped.addAndGet(MissingTopics.RECHECK.plusSeconds(1).toNanos());
        append(MISSING, "later");
        await().until(() -> checks.get() > checksBefore);
        assertThat(spool.parked().records()).isEqualTo(2);
    }

    @Test
    void whenKafkaCannotSayTheRecordIsRetriedNotParked() throws Exception {
        missingAnswer = TopicCheck.Existence.UNKNOWN; // Kafka away: missing metadata proves nothing
        start();
        append(MISSING, "held");
        append(GOOD, "after");
        await().atMost(Duration.ofSeconds(10)).until(() -> checks.get() >= 2);
        assertThat(spool.parked().records()).isZero();
        assertThat(spool.cursor().committed(Lane.BULK)).isEqualTo(-1);
        assertThat(forwarder.state().lastError()).contains("not present in metadata");
    }

    @Test
    void aRecordTooLargeIsParkedWithItsReason() throws Exception {
        start();
        append(HUGE, "big");
        append(GOOD, "small");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> producer != null && delivered().size() == 1);
        await().until(() -> spool.cursor().committed(Lane.BULK) == 1);
        assertThat(ParkedRecords.read(dir)).singleElement().satisfies(e -> {
            assertThat(e.reason()).startsWith("RecordTooLargeException");
            assertThat(e.record().envelope().topic()).isEqualTo(HUGE);
            assertThat(e.record().sequence()).isZero();
        });
    }
}
