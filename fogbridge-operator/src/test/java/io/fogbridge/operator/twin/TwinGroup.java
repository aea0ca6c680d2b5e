package io.fogbridge.operator.twin;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits on the operator's twin consumer group, seen from Kafka. A test writes a twin record only once a consumer is
 * assigned its partition: the consumer starts a new topic at its end, so a record written before would be skipped and
 * prove nothing.
 */
public final class TwinGroup {

    private TwinGroup() {}

    /** Until a member of {@link KafkaTwinConsumer#GROUP} is assigned {@code partition} (at most 30 s). */
    public static void awaitAssigned(Admin admin, TopicPartition partition) {
        await().atMost(Duration.ofSeconds(30)).until(() -> admin
                .describeConsumerGroups(List.of(KafkaTwinConsumer.GROUP))
                .all()
                .get()
                .get(KafkaTwinConsumer.GROUP)
                .members()
                .stream()
                .anyMatch(m -> m.assignment().topicPartitions().contains(partition)));
    }

    /** Until the group has committed at least {@code offset} on {@code partition} (at most 30 s). */
    public static void awaitCommitted(Admin admin, TopicPartition partition, long offset) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(KafkaTwinConsumer.GROUP)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(partition);
            return committed != null && committed.offset() >= offset;
        });
    }
}
