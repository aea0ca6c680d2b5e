package io.fogbridge.kafka.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Command;
import io.fogbridge.localkafka.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer against a real broker when its handler cannot settle a record (a disk that refuses the write):
 * the failure shows in {@link KafkaCommandConsumer#state()} (what {@code /readyz} reports) and in {@code
 * fogbridge.commands.consumer.errors{reason="not-settled"}}, the record is read again after a growing backoff,
 * nothing is committed past it meanwhile, and once it settles the consumer reports consuming and commits.
 */
class KafkaCommandConsumerIT {

    @TempDir
    Path dir;

    @Test
    void aBatchThatDoesNotSettleIsStalledCountedAndReadAgainWithBackoff() throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), 0)) {
            kafka.createTopic("fog.command.acme", 1);
            AtomicInteger failuresLeft = new AtomicInteger(4);
            List<Long> attempts = new CopyOnWriteArrayList<>();
            List<String> settled = new CopyOnWriteArrayList<>();
            CommandHandler diskFull = new CommandHandler() {
                @Override
                public CompletableFuture<Void> command(Command command) {
                    attempts.add(System.nanoTime());
                    if (failuresLeft.getAndDecrement() > 0) {
                        return CompletableFuture.failedFuture(new IOException("No space left on device"));
                    }
                    settled.add(command.correlationId());
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public CompletableFuture<Void> malformed(
                        String tenant, String device, String correlationId, String reason) {
                    return CompletableFuture.completedFuture(null);
                }
            };
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            CommandConsumerOptions options = new CommandConsumerOptions(
                            kafka.bootstrapServers(), "gw-stall", List.of("acme"), Map.of())
                    .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));
            try (KafkaCommandConsumer consumer = new KafkaCommandConsumer(options, diskFull, registry);
                    KafkaProducer<String, byte[]> producer = producer(kafka);
                    Admin admin = kafka.admin()) {
                consumer.start();
                producer.send(command("c1")).get();

                await().atMost(Duration.ofSeconds(30))
                        .until(() -> consumer.state().phase() == CommandConsumerState.Phase.STALLED);
                CommandConsumerState stalled = consumer.state();
                assertThat(stalled.lastError()).contains("not settled").contains("No space left on device");
                assertThat(stalled.connected()).as("Kafka itself is reachable").isTrue();
                assertThat(committed(admin))
                        .as("nothing committed past the unsettled record")
                        .isNull();

                await().atMost(Duration.ofSeconds(30)).until(() -> settled.contains("c1"));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> consumer.state().phase() == CommandConsumerState.Phase.CONSUMING);
                assertThat(consumer.state().lastError()).isNull();
                assertThat(registry.counter("fogbridge.commands.consumer.errors", "reason", "not-settled")
                                .count())
                        .isEqualTo(4.0);
                await().atMost(Duration.ofSeconds(10)).until(() -> committed(admin) != null && committed(admin) == 1);
                // 100, 200, 400, 800 ms (with jitter): the rounds spread out instead of spinning
                long first = attempts.getFirst();
                long last = attempts.get(4);
                assertThat(Duration.ofNanos(last - first)).isGreaterThan(Duration.ofMillis(700));

                producer.send(command("c2")).get();
                await().atMost(Duration.ofSeconds(10)).until(() -> settled.contains("c2"));
            }
        }
    }

    private static Long committed(Admin admin) throws Exception {
        OffsetAndMetadata offset = admin.listConsumerGroupOffsets("fogbridge-gw-stall")
                .partitionsToOffsetAndMetadata()
                .get()
                .get(new TopicPartition("fog.command.acme", 0));
        return offset == null ? null : offset.offset();
    }

    private static KafkaProducer<String, byte[]> producer(KafkaBroker kafka) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<String, byte[]> command(String correlationId) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>("fog.command.acme", "dev-1", new byte[] {1});
        record.headers()
                .add("subject", "set".getBytes(StandardCharsets.UTF_8))
                .add("correlation-id", correlationId.getBytes(StandardCharsets.UTF_8))
                .add("ttl", "60000".getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
