package io.fogbridge.gateway.fault;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one Kafka topic from the beginning with a real consumer (all partitions assigned, no group
 * commits) and keeps every record, in partition and offset order per partition, as a {@link Delivered}.
 *
 * <p>Not thread-safe: one test thread polls it.
 */
public final class TelemetryTopic implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final List<Delivered> records = new ArrayList<>();

    public TelemetryTopic(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // Only what Kafka acknowledged to the producer (acks=all) counts as delivered.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once and returns every record read so far. */
    public List<Delivered> poll() {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
            records.add(Delivered.of(r));
        }
        return List.copyOf(records);
    }

    /** Polls until every partition's position reached its end offset as of now; returns every record read. */
    public List<Delivered> readToEnd(Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not read " + end + " within " + timeout);
            }
            poll();
        }
        return List.copyOf(records);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    /** One record as the checks need it. */
    public record Delivered(int partition, long offset, String key, byte[] value, String fogSeq, String deviceId) {

        static Delivered of(ConsumerRecord<byte[], byte[]> r) {
            return new Delivered(
                    r.partition(),
                    r.offset(),
                    r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                    r.value() == null ? new byte[0] : r.value(),
                    header(r, "fog-seq"),
                    header(r, "device_id"));
        }

        private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
            Header h = r.headers().lastHeader(name);
            return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "p" + partition + "@" + offset + " key=" + key + " fog-seq=" + fogSeq + " value="
                    + new String(value, 0, Math.min(value.length, 40), StandardCharsets.UTF_8);
        }
    }
}
