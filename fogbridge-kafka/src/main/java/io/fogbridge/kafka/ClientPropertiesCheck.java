package io.fogbridge.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Checks the Kafka client properties of the config ({@code kafka.properties}) the way the clients will read them, so
 * that a gateway that passed {@code config check} does not find out in its forwarder thread, retrying forever: each
 * value parsed and validated by Kafka's own producer and consumer definitions, the forwarder's defaults under them as
 * {@link ProducerSettings} applies them. Makes no client, opens no connection and no file (a key store that is missing
 * now may be mounted before the gateway starts). Stateless and thread-safe.
 */
public final class ClientPropertiesCheck {

    private ClientPropertiesCheck() {}

    /**
     * What the Kafka clients would refuse in {@code properties}; empty when they would take them.
     *
     * @return one message per problem, naming the property
     */
    public static List<String> problems(Map<String, String> properties) {
        List<String> problems = new ArrayList<>();
        try {
            ForwarderOptions options = ForwarderOptions.builder("localhost:9092", "config-check")
                    .clientProperties(properties)
                    .build();
            new ProducerConfig(ProducerSettings.of(options));
        } catch (KafkaException | IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        try {
            Map<String, Object> consumer = new HashMap<>(properties);
            consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
            consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "config-check");
            consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            new ConsumerConfig(consumer);
        } catch (KafkaException | IllegalArgumentException e) {
            if (!problems.contains(e.getMessage())) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }
}
