package io.fogbridge.kafka;

import io.fogbridge.api.Lane;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compacted topic where the exactly-once forwarder keeps each lane's {@link SpoolPosition}
 * ({@value #NAME}, one partition, shared by all gateways: keys carry the gateway id).
 *
 * <p>{@link #read} returns what committed transactions wrote, read with {@code isolation.level=read_committed} up to
 * the last stable offset: a transaction still open (a fenced predecessor's) is not a position. Both calls block on
 * Kafka for at most their timeout and throw a {@link KafkaException} when it is not reachable; the caller retries.
 * Not thread-safe: the forwarder thread uses it.
 */
final class PositionTopic {

    static final String NAME = "fog.gateway-offsets";

    private static final Logger log = LoggerFactory.getLogger(PositionTopic.class);

    private final String gatewayId;
    private final Map<String, String> securityProperties;
    private final Duration timeout;
    private boolean ensured;

    /**
     * @param clientProperties the deployment's Kafka client properties; only the connection ones ({@code security.*},
     *                         {@code ssl.*}, {@code sasl.*}, {@code client.dns.lookup}) are passed on, the producer
     *                         tuning means nothing to a consumer
     */
    PositionTopic(String gatewayId, Map<String, String> clientProperties, Duration timeout) {
        this.gatewayId = gatewayId;
        this.timeout = timeout;
        Map<String, String> security = new HashMap<>();
        clientProperties.forEach((k, v) -> {
            if (k.startsWith("security.")
                    || k.startsWith("ssl.")
                    || k.startsWith("sasl.")
                    || k.equals("client.dns.lookup")) {
                security.put(k, v);
            }
        });
        this.securityProperties = Map.copyOf(security);
    }

    /**
     * Creates the topic compacted, once per forwarder, if it does not exist. A refusal other than "exists" (no
     * permission to create topics, say) is logged and ignored: an operator may have created it, or the broker
     * auto-creates it (then not compacted: it only grows by a few bytes per transaction).
     */
    void ensureExists(String bootstrap) throws InterruptedException {
        if (ensured) {
            return;
        }
        Map<String, Object> p = new HashMap<>(securityProperties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            NewTopic topic = new NewTopic(NAME, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                if (e.getCause() instanceof TimeoutException t) {
                    throw t;
                }
                log.warn(
                        "Cannot create the position topic {} ({}); relying on it existing",
                        NAME,
                        e.getCause().toString());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("creating the position topic " + NAME + " took longer than " + timeout);
        }
        ensured = true;
    }

    /** The last committed position of each lane of this gateway; lanes with none are absent. */
    Map<Lane, Long> read(String bootstrap) {
        Map<String, Object> p = new HashMap<>(securityProperties);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "fogbridge-" + gatewayId + "-positions");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Map<Lane, Long> positions = new EnumMap<>(Lane.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<PartitionInfo> infos = consumer.partitionsFor(NAME, timeout);
            if (infos == null || infos.isEmpty()) {
                return positions;
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed the end offsets are the last stable offsets: everything before them is decided.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("reading " + NAME + " took longer than " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    SpoolPosition position = SpoolPosition.decode(gatewayId, r.key(), r.value());
                    if (position != null) {
                        // Positions only grow, so the highest is the last one committed, whatever compaction left.
                        positions.merge(position.lane(), position.sequence(), Math::max);
                    }
                }
            }
        }
        return positions;
    }

    private boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), timeout) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
