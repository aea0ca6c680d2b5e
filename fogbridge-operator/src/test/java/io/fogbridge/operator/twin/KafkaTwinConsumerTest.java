package io.fogbridge.operator.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import io.fogbridge.gateway.twin.TwinRecords;
import io.fogbridge.gateway.twin.TwinSink;
import io.fogbridge.gateway.twin.TwinUpdate;
import io.fogbridge.localkafka.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's end of the Kafka twin path against a real broker, with a sink slower than the updates: while it
 * writes, 2,000 updates of two devices pile up (four polls' worth at the consumer's 500 records a poll). The next round
 * reads them all before it writes, so each device's newest twin is written once, not once per poll.
 */
class KafkaTwinConsumerTest {

    @TempDir
    Path dir;

    @Test
    void aBacklogIsReadToItsEndAndEachDevicesNewestTwinWrittenOnce() throws Exception {
        List<List<TwinUpdate>> writes = new CopyOnWriteArrayList<>();
        CountDownLatch firstWriteHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TwinSink slow = batch -> {
            writes.add(List.copyOf(batch));
            if (writes.size() == 1) {
                firstWriteHeld.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return List.of();
        };
        try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), 0);
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            admin.createTopics(List.of(new NewTopic("fog.twin.acme", 1, (short) 1)))
                    .all()
                    .get();
            try (KafkaTwinConsumer consumer = new KafkaTwinConsumer(kafka.bootstrapServers(), Map.of(), slow).start()) {
                TopicPartition partition = new TopicPartition("fog.twin.acme", 0);
                TwinGroup.awaitAssigned(admin, partition);

                send(producer, "lathe-1", 0).get();
                assertThat(firstWriteHeld.await(30, TimeUnit.SECONDS)).isTrue();
                List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
                for (int i = 1; i <= 1000; i++) {
                    sent.add(send(producer, "lathe-1", i));
                    sent.add(send(producer, "lathe-2", i));
                }
                for (java.util.concurrent.Future<?> ack : sent) {
                    ack.get();
                }
                release.countDown();

                await().atMost(Duration.ofSeconds(30)).until(() -> writes.stream()
                        .flatMap(List::stream)
                        .filter(u -> u.device().equals("lathe-2"))
                        .anyMatch(u -> value(u) == 1000));
                List<TwinUpdate> afterBacklog = writes.subList(1, writes.size()).stream()
                        .flatMap(List::stream)
                        .toList();
                assertThat(afterBacklog)
                        .as("one write per device, its newest twin")
                        .extracting(u -> u.device() + "=" + value(u))
                        .containsExactlyInAnyOrder("lathe-1=1000", "lathe-2=1000");
            }
        }
    }

    private static java.util.concurrent.Future<?> send(KafkaProducer<String, byte[]> producer, String device, int n) {
        Instant at = Instant.parse("2026-12-04T19:00:00Z").plusMillis(n);
        TwinUpdate update = new TwinUpdate(
                "plant-1", device, true, at, Map.of("count", new TwinUpdate.Reading(IntNode.valueOf(n), at)));
        return producer.send(new ProducerRecord<>("fog.twin.acme", "plant-1/" + device, TwinRecords.toJson(update)));
    }

    private static int value(TwinUpdate update) {
        return update.reported().get("count").value().asInt();
    }
}
