package io.fogbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.SpoolCursor;
import io.fogbridge.api.SpooledRecord;
import io.fogbridge.api.Ticker;
import io.fogbridge.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The forwarder's ack/commit/rewind logic against Kafka's MockProducer (completions driven by the test). */
class KafkaForwarderTest {

    private final InMemorySpool spool = new InMemorySpool();
    private final List<MockProducer<byte[], byte[]>> producers = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private KafkaForwarder forwarder;

    @AfterEach
    void close() {
        if (forwarder != null) {
            forwarder.close();
        }
    }

    private void startForwarder() {
        startForwarder(Clock.systemUTC(), Ticker.system());
    }

    private void startForwarder(ManualClock clock) {
        startForwarder(clock, clock);
    }

    private void startForwarder(Clock clock, Ticker ticker) {
        ForwarderOptions options = ForwarderOptions.builder("127.0.0.1:1", "gw-1")
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .build();
        forwarder = new KafkaForwarder(spool, options, registry, this::mockProducer, clock, ticker);
        forwarder.start();
    }

    /** A MockProducer whose sends complete only when the test says so. */
    private MockProducer<byte[], byte[]> mockProducer(Map<String, Object> settings) {
        MockProducer<byte[], byte[]> p =
                new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        producers.add(p);
        return p;
    }

    private static Envelope envelope(Lane lane, String key, String value) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("device_id", key);
        headers.put("tenant_id", "acme");
        return new Envelope(
                "fog.telemetry.acme",
                key,
                headers,
                value.getBytes(StandardCharsets.UTF_8),
                1234L,
                QoS.AT_LEAST_ONCE,
                lane);
    }

    private MockProducer<byte[], byte[]> producer(int i) {
        await().until(() -> producers.size() > i);
        return producers.get(i);
    }

    @Test
    void mapsEnvelopesAndCommitsOnlyWhatKafkaAcknowledged() {
        spool.append(envelope(Lane.BULK, "d1", "b0"));
        spool.append(envelope(Lane.BULK, "d2", "b1"));
        spool.append(envelope(Lane.PRIORITY, "d1", "p0"));
        startForwarder();
        MockProducer<byte[], byte[]> p = producer(0);
        await().until(() -> p.history().size() == 3);

        ProducerRecord<byte[], byte[]> first = p.history().get(0);
        assertThat(first.topic()).isEqualTo("fog.telemetry.acme");
        assertThat(new String(first.key())).isEqualTo("d1");
        assertThat(new String(first.value())).as("PRIORITY drains first").isEqualTo("p0");
        assertThat(first.timestamp()).isEqualTo(1234L);
        assertThat(headers(first)).containsExactly("device_id=d1", "tenant_id=acme", "fog-seq=gw-1/priority/0");

        assertThat(spool.committed(Lane.BULK)).isEqualTo(-1);
        assertThat(spool.committed(Lane.PRIORITY)).isEqualTo(-1);
        assertThat(forwarder.state().inFlight()).isEqualTo(3);

        p.completeNext(); // p0
        await().until(() -> spool.committed(Lane.PRIORITY) == 0);
        assertThat(spool.committed(Lane.BULK)).isEqualTo(-1);

        p.completeNext(); // b0
        p.completeNext(); // b1
        await().until(() -> spool.committed(Lane.BULK) == 1);
        await().until(() -> forwarder.state().inFlight() == 0);
        assertThat(forwarder.state().ackedRecords()).isEqualTo(3);
        assertThat(registry.get("fogbridge.forwarder.acked").counter().count()).isEqualTo(3);
    }

    @Test
    void aFailureRewindsToTheCommittedPositionAndResendsWithTheSameFogSeq() {
        for (int i = 0; i < 4; i++) {
            spool.append(envelope(Lane.BULK, "d" + (i % 2), "b" + i));
        }
        startForwarder();
        MockProducer<byte[], byte[]> p0 = producer(0);
        await().until(() -> p0.history().size() == 4);

        p0.completeNext(); // b0 acknowledged
        p0.errorNext(new TimeoutException("broker gone")); // b1 failed
        p0.completeNext(); // b2 acknowledged, but b1 before it was not
        p0.completeNext(); // b3
        await().until(() -> forwarder.state().lastError() != null);
        assertThat(spool.commits()).as("never past the failed b1").containsExactly("bulk:0");

        MockProducer<byte[], byte[]> p1 = producer(1);
        await().until(() -> p1.history().size() == 3);
        assertThat(p1.history().stream().map(KafkaForwarderTest::fogSeq).toList())
                .containsExactly("gw-1/bulk/1", "gw-1/bulk/2", "gw-1/bulk/3");
        assertThat(p0.closed()).isTrue();

        while (p1.completeNext()) {
            // acknowledge the re-sent records
        }
        await().until(() -> spool.committed(Lane.BULK) == 3);
        assertThat(spool.commits()).first().isEqualTo("bulk:0");
        assertThat(forwarder.state().lastError()).isNull();
        assertThat(forwarder.state().connected()).isTrue();
        assertThat(registry.get("fogbridge.forwarder.errors")
                        .tag("reason", "TimeoutException")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    /**
     * A record stamped further from Kafka's clock than the topic allows (log.message.timestamp.after.max.ms, one hour
     * by default) is refused for good; resent with the same stamp it would wedge its lane until real time caught up.
     */
    @Test
    void aRecordWhoseTimestampKafkaRefusesIsResentWithTheSendTime() {
        for (int i = 0; i < 3; i++) {
            spool.append(envelope(Lane.BULK, "d", "b" + i));
        }
        startForwarder();
        MockProducer<byte[], byte[]> p0 = producer(0);
        await().until(() -> p0.history().size() == 3);
        p0.completeNext(); // b0
        p0.errorNext(new InvalidRecordException("Timestamp 1796339557500 of message with offset 0 is out of range."
                + " The timestamp should be within [0, 1796328830364]"));
        p0.errorNext(new TimeoutException("b2 failed along")); // not a timestamp refusal: keeps its stamp

        MockProducer<byte[], byte[]> p1 = producer(1);
        await().until(() -> p1.history().size() == 2);
        assertThat(p1.history().stream().map(KafkaForwarderTest::fogSeq).toList())
                .containsExactly("gw-1/bulk/1", "gw-1/bulk/2");
        assertThat(p1.history().get(0).timestamp())
                .as("refused stamp: the send time")
                .isNull();
        assertThat(p1.history().get(1).timestamp()).isEqualTo(1234L);
        while (p1.completeNext()) {
            // acknowledge the re-sent records
        }
        await().until(() -> spool.committed(Lane.BULK) == 2);
    }

    @Test
    void recognisesKafkasTimestampRefusals() {
        assertThat(KafkaForwarder.timestampRefused(new InvalidTimestampException("out of range")))
                .isTrue();
        assertThat(KafkaForwarder.timestampRefused(
                        new InvalidRecordException("Timestamp 1 of message with offset 0 is out of range.")))
                .isTrue();
        assertThat(KafkaForwarder.timestampRefused(new InvalidRecordException("record is corrupt")))
                .isFalse();
        assertThat(KafkaForwarder.timestampRefused(new TimeoutException("Timestamp")))
                .isFalse();
    }

    @Test
    void stopsReadingAtTheInFlightBound() {
        for (int i = 0; i < 50; i++) {
            spool.append(envelope(Lane.BULK, "d", "b" + i));
        }
        ForwarderOptions options = ForwarderOptions.builder("127.0.0.1:1", "gw-1")
                .maxInFlightRecords(10)
                .pollBatch(4)
                .build();
        forwarder = new KafkaForwarder(spool, options, null, this::mockProducer);
        forwarder.start();
        MockProducer<byte[], byte[]> p = producer(0);
        await().until(() -> p.history().size() == 10);
        await().during(Duration.ofMillis(300)).until(() -> p.history().size() == 10);
        for (int i = 0; i < 5; i++) {
            p.completeNext();
        }
        await().until(() -> p.history().size() == 15);
        assertThat(spool.committed(Lane.BULK)).isEqualTo(4);
    }

    @Test
    void anAcknowledgedRecordIsCommittedWhenTheBatchingIntervalPassesOnTheTicker() {
        ManualClock clock = new ManualClock();
        spool.append(envelope(Lane.BULK, "d1", "b0"));
        startForwarder(clock);
        MockProducer<byte[], byte[]> p = producer(0);
        await().until(() -> p.history().size() == 1);
        p.completeNext();
        await().until(() -> forwarder.state().ackedRecords() == 1);

        // One record is far below a commit batch: only the interval commits it, and the ticker stands still.
        await("no commit before the interval")
                .during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .until(() -> spool.committed(Lane.BULK) == -1);

        clock.advance(Duration.ofNanos(KafkaForwarder.COMMIT_EVERY_NANOS));
        await("commit once the interval passed").until(() -> spool.committed(Lane.BULK) == 0);
        assertThat(spool.commits()).containsExactly("bulk:0");
    }

    @Test
    void lagIsTheInjectedClockMinusTheOldestUnacknowledgedCreationTime() {
        ManualClock clock = ManualClock.at(Instant.ofEpochMilli(1234L + 60_000)); // envelopes are created at 1234
        spool.append(envelope(Lane.BULK, "d1", "b0"));
        startForwarder(clock);
        await().until(() -> forwarder.state().inFlight() == 1);
        assertThat(forwarder.state().lagMillis()).isEqualTo(60_000);

        clock.advance(Duration.ofSeconds(1));
        assertThat(forwarder.state().lagMillis()).isEqualTo(61_000);

        producer(0).completeNext();
        await("no lag once acknowledged").until(() -> forwarder.state().lagMillis() == 0);
    }

    @Test
    void aRecordUnacknowledgedLongerThanTheRequestTimeoutOnTheTickerMeansNotConnected() {
        ManualClock clock = new ManualClock();
        spool.append(envelope(Lane.BULK, "d1", "b0"));
        startForwarder(clock);
        MockProducer<byte[], byte[]> p = producer(0);
        await().until(() -> p.history().size() == 1);
        assertThat(forwarder.state().connected()).isTrue();

        clock.advance(Duration.ofMinutes(10)); // beyond request.timeout.ms; nothing acknowledged meanwhile

        assertThat(forwarder.state().connected())
                .as("stalled: no acknowledgement within the request timeout")
                .isFalse();
        p.completeNext();
        await("connected again after an acknowledgement")
                .until(() -> forwarder.state().connected());
    }

    @Test
    void aProducerThatCannotBeMadeIsRetriedWithTheDnsReasonUntilItCanBe() {
        spool.append(envelope(Lane.BULK, "d1", "b0"));
        spool.append(envelope(Lane.BULK, "d1", "b1"));
        AtomicInteger unresolvableAttempts = new AtomicInteger(3);
        ForwarderOptions options = ForwarderOptions.builder("kafka-1.example:9092", "gw-1")
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .build();
        forwarder = new KafkaForwarder(spool, options, registry, settings -> {
            if (unresolvableAttempts.getAndDecrement() > 0) {
                // What KafkaProducer's constructor throws when no bootstrap host name resolves.
                throw new KafkaException(
                        "Failed to construct kafka producer",
                        new ConfigException("No resolvable bootstrap urls given in bootstrap.servers"));
            }
            return mockProducer(settings);
        });
        forwarder.start();

        await().until(() ->
                registry.counter("fogbridge.forwarder.errors", "reason", "dns").count() >= 1);
        MockProducer<byte[], byte[]> p = producer(0);
        assertThat(registry.get("fogbridge.forwarder.errors")
                        .tag("reason", "dns")
                        .counter()
                        .count())
                .as("every failed construction counted")
                .isEqualTo(3);
        await().until(() -> p.history().size() == 2);
        while (p.completeNext()) {
            // acknowledge both
        }
        await().until(() -> spool.committed(Lane.BULK) == 1);
        ForwarderState state = forwarder.state();
        assertThat(state.lastError()).isNull();
        assertThat(state.phase()).isEqualTo(ForwarderState.Phase.SENDING);
        assertThat(state.connected()).isTrue();
    }

    @Test
    void whileNoProducerCanBeMadeTheStateSaysWhyAndTheSpoolIsKept() {
        spool.append(envelope(Lane.BULK, "d1", "b0"));
        ForwarderOptions options = ForwarderOptions.builder("does-not-resolve.invalid:9092", "gw-1")
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .build();
        forwarder = new KafkaForwarder(spool, options, registry); // the real KafkaProducer
        forwarder.start();

        await().until(() ->
                registry.counter("fogbridge.forwarder.errors", "reason", "dns").count() >= 3);
        ForwarderState state = forwarder.state();
        assertThat(state.connected()).isFalse();
        assertThat(state.phase()).isEqualTo(ForwarderState.Phase.RETRYING);
        assertThat(state.lastError()).isEqualTo("bootstrap servers do not resolve (does-not-resolve.invalid:9092)");
        assertThat(spool.committed(Lane.BULK)).isEqualTo(-1);
        assertThat(spool.stats().records()).isEqualTo(1);
    }

    @Test
    void anUnexpectedSpoolFailureIsRetriedFromTheCommittedPositionNotFatal() {
        for (int i = 0; i < 3; i++) {
            spool.append(envelope(Lane.BULK, "d1", "b" + i));
        }
        AtomicInteger commitFailures = new AtomicInteger(1);
        SpoolCursor failingOnce = new SpoolCursor() {
            @Override
            public List<SpooledRecord> poll(int maxRecords, long maxWaitMillis) throws InterruptedException {
                return spool.poll(maxRecords, maxWaitMillis);
            }

            @Override
            public void commit(Lane lane, long sequence) {
                if (commitFailures.getAndDecrement() > 0) {
                    throw new UncheckedIOException(new IOException("No space left on device"));
                }
                spool.commit(lane, sequence);
            }

            @Override
            public void rewind() {
                spool.rewind();
            }

            @Override
            public long committed(Lane lane) {
                return spool.committed(lane);
            }
        };
        ForwarderOptions options = ForwarderOptions.builder("127.0.0.1:1", "gw-1")
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .build();
        forwarder = new KafkaForwarder(failingOnce, options, registry, this::mockProducer);
        forwarder.start();

        MockProducer<byte[], byte[]> p0 = producer(0);
        await().until(() -> p0.history().size() == 3);
        while (p0.completeNext()) {
            // acknowledged; the commit that follows fails once
        }
        MockProducer<byte[], byte[]> p1 = producer(1);
        await().until(() -> p1.history().size() == 3);
        assertThat(p1.history().stream().map(KafkaForwarderTest::fogSeq).toList())
                .as("resent from the committed position with the same fog-seq")
                .containsExactly("gw-1/bulk/0", "gw-1/bulk/1", "gw-1/bulk/2");
        while (p1.completeNext()) {
            // acknowledge the re-sent records
        }
        await().until(() -> spool.committed(Lane.BULK) == 2);
        assertThat(forwarder.state().phase()).isEqualTo(ForwarderState.Phase.SENDING);
        assertThat(registry.get("fogbridge.forwarder.errors")
                        .tag("reason", "UncheckedIOException")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void anErrorStopsTheForwarderTheStateSaysSoForReadyzAndTheErrorIsNotSwallowed() {
        ForwarderOptions options = ForwarderOptions.builder("127.0.0.1:1", "gw-1")
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .build();
        forwarder = new KafkaForwarder(spool, options, registry, settings -> {
            throw new InternalError("simulated fatal error");
        });
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        java.util.concurrent.atomic.AtomicReference<Throwable> uncaught =
                new java.util.concurrent.atomic.AtomicReference<>();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.set(e));
        try {
            forwarder.start();

            // Awaitility would catch the thread's Error itself (its default) and fail here: the point is that it
            // reaches the process's handler
            await().dontCatchUncaughtExceptions()
                    .until(() -> forwarder.state().phase() == ForwarderState.Phase.STOPPED);
            assertThat(forwarder.state().lastError()).isEqualTo("InternalError: simulated fatal error");
            assertThat(forwarder.state().connected()).isFalse();
            // the gateway's handler halts the process on an Error; it must get to see it
            await().dontCatchUncaughtExceptions()
                    .untilAsserted(() -> assertThat(uncaught.get()).isInstanceOf(InternalError.class));
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }

    private static List<String> headers(ProducerRecord<byte[], byte[]> record) {
        List<String> out = new ArrayList<>();
        for (Header h : record.headers()) {
            out.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String fogSeq(ProducerRecord<byte[], byte[]> record) {
        return new String(record.headers().lastHeader("fog-seq").value(), StandardCharsets.UTF_8);
    }
}
