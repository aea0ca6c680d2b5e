package io.fogbridge.kafka.command;

import io.fogbridge.api.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link KafkaCommandConsumer}.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param gatewayId        this gateway; the consumer group is {@code fogbridge-<gatewayId>}, so each gateway sees
 *                         every command of its tenants
 * @param tenants          tenants whose {@code fog.command.<tenant>} topics this gateway consumes
 * @param clientProperties Kafka consumer properties applied over the defaults (TLS, SASL …)
 * @param settleTimeout    how long a poll batch may take to settle before it is read again
 * @param backoffMin       first wait after the consumer failed (e.g. its bootstrap names do not resolve) before
 *                         a new one is made
 * @param backoffMax       cap of that exponential backoff
 */
public record CommandConsumerOptions(
        String bootstrapServers,
        String gatewayId,
        List<String> tenants,
        Map<String, String> clientProperties,
        Duration settleTimeout,
        Duration backoffMin,
        Duration backoffMax) {

    public static final Duration DEFAULT_BACKOFF_MIN = Duration.ofMillis(200);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);

    public CommandConsumerOptions {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(gatewayId, "gatewayId");
        tenants = List.copyOf(tenants);
        if (tenants.isEmpty()) {
            throw new IllegalArgumentException("at least one tenant is needed to consume commands");
        }
        clientProperties = Map.copyOf(clientProperties == null ? Map.of() : clientProperties);
        Objects.requireNonNull(settleTimeout, "settleTimeout");
        Objects.requireNonNull(backoffMin, "backoffMin");
        Objects.requireNonNull(backoffMax, "backoffMax");
        if (backoffMin.isNegative() || backoffMin.isZero() || backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException(
                    "backoff must satisfy 0 < backoffMin <= backoffMax, got " + backoffMin + " / " + backoffMax);
        }
    }

    public CommandConsumerOptions(
            String bootstrapServers,
            String gatewayId,
            List<String> tenants,
            Map<String, String> clientProperties,
            Duration settleTimeout) {
        this(
                bootstrapServers,
                gatewayId,
                tenants,
                clientProperties,
                settleTimeout,
                DEFAULT_BACKOFF_MIN,
                DEFAULT_BACKOFF_MAX);
    }

    public CommandConsumerOptions(
            String bootstrapServers, String gatewayId, List<String> tenants, Map<String, String> clientProperties) {
        this(bootstrapServers, gatewayId, tenants, clientProperties, Duration.ofSeconds(30));
    }

    /** These options with another retry backoff; tests shorten it. */
    public CommandConsumerOptions withBackoff(Duration min, Duration max) {
        return new CommandConsumerOptions(
                bootstrapServers, gatewayId, tenants, clientProperties, settleTimeout, min, max);
    }

    public String groupId() {
        return "fogbridge-" + gatewayId;
    }

    public List<String> topics() {
        return tenants.stream().map(Topics::commandTopic).toList();
    }
}
