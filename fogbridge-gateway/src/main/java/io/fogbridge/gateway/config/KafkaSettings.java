package io.fogbridge.gateway.config;

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
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> properties, int maxInFlight) {

    public KafkaSettings {
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, properties, maxInFlight);
    }

    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", properties=" + properties.keySet()
                + ", maxInFlight=" + maxInFlight + "]";
    }
}
