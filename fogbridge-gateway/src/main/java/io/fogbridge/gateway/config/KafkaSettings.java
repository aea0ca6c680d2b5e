package io.fogbridge.gateway.config;

import io.fogbridge.kafka.Delivery;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code kafka.*}.
 *
 * @param bootstrapServers {@code host:port[,host:port…]}; null only in {@link ConfigLoader#defaults()}, where the
 *                         demo fills in the broker it starts
 * @param properties       passed to the Kafka clients as they are (TLS, SASL …); may hold secrets, so
 *                         {@link #toString()} shows only the names
 * @param maxInFlight      {@code max.in.flight.requests.per.connection} of the idempotent producer (1-5)
 * @param delivery         {@code kafka.delivery}: at-least-once (default) or exactly-once for read_committed consumers
 */
public record KafkaSettings(
        String bootstrapServers, Map<String, String> properties, int maxInFlight, Delivery delivery) {

    public KafkaSettings {
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        delivery = delivery == null ? Delivery.AT_LEAST_ONCE : delivery;
    }

    /** At-least-once, as before {@code kafka.delivery} existed. */
    public KafkaSettings(String bootstrapServers, Map<String, String> properties, int maxInFlight) {
        this(bootstrapServers, properties, maxInFlight, Delivery.AT_LEAST_ONCE);
    }

    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, properties, maxInFlight, delivery);
    }

    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", properties=" + properties.keySet()
                + ", maxInFlight=" + maxInFlight + ", delivery=" + delivery.id() + "]";
    }
}
