package io.fogbridge.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the {@link KafkaForwarder} reaches Kafka and how much it keeps in flight.
 *
 * @param bootstrapServers   Kafka {@code host:port[,host:port]}
 * @param gatewayId          this gateway's id; the first part of every {@code fog-seq} header
 * @param clientProperties   Kafka producer properties applied over the forwarder's defaults:
 *                           {@code security.protocol}, {@code ssl.*}, {@code sasl.*}, timeouts, tuning
 * @param maxInFlightRecords bound on records read from the spool and not yet acknowledged by Kafka;
 *                           when reached the forwarder stops reading and the spool holds the rest
 * @param pollBatch          most records taken from the spool per read
 * @param backoffMin         first wait after a failure before a new producer is made
 * @param backoffMax         cap of the exponential backoff
 * @param delivery           at-least-once (the default) or exactly-once for {@code read_committed} consumers, see
 *                           {@link Delivery}
 */
public record ForwarderOptions(
        String bootstrapServers,
        String gatewayId,
        Map<String, String> clientProperties,
        int maxInFlightRecords,
        int pollBatch,
        Duration backoffMin,
        Duration backoffMax,
        Delivery delivery) {

    public static final int DEFAULT_MAX_IN_FLIGHT = 20_000;
    public static final int DEFAULT_POLL_BATCH = 1_000;
    public static final Duration DEFAULT_BACKOFF_MIN = Duration.ofMillis(200);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);

    public ForwarderOptions {
        requireText(bootstrapServers, "bootstrapServers");
        requireText(gatewayId, "gatewayId");
        clientProperties = Map.copyOf(clientProperties == null ? Map.of() : clientProperties);
        if (maxInFlightRecords < 1) {
            throw new IllegalArgumentException("maxInFlightRecords must be >= 1, got " + maxInFlightRecords);
        }
        if (pollBatch < 1) {
            throw new IllegalArgumentException("pollBatch must be >= 1, got " + pollBatch);
        }
        Objects.requireNonNull(backoffMin, "backoffMin");
        Objects.requireNonNull(backoffMax, "backoffMax");
        Objects.requireNonNull(delivery, "delivery");
        if (backoffMin.isNegative() || backoffMin.isZero() || backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException(
                    "backoff must satisfy 0 < backoffMin <= backoffMax, got " + backoffMin + " / " + backoffMax);
        }
    }

    public static Builder builder(String bootstrapServers, String gatewayId) {
        return new Builder(bootstrapServers, gatewayId);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    public static final class Builder {
        private final String bootstrapServers;
        private final String gatewayId;
        private final Map<String, String> clientProperties = new LinkedHashMap<>();
        private int maxInFlightRecords = DEFAULT_MAX_IN_FLIGHT;
        private int pollBatch = DEFAULT_POLL_BATCH;
        private Duration backoffMin = DEFAULT_BACKOFF_MIN;
        private Duration backoffMax = DEFAULT_BACKOFF_MAX;
        private Delivery delivery = Delivery.AT_LEAST_ONCE;

        private Builder(String bootstrapServers, String gatewayId) {
            this.bootstrapServers = bootstrapServers;
            this.gatewayId = gatewayId;
        }

        public Builder clientProperty(String key, String value) {
            clientProperties.put(key, value);
            return this;
        }

        public Builder clientProperties(Map<String, String> properties) {
            clientProperties.putAll(properties);
            return this;
        }

        public Builder maxInFlightRecords(int v) {
            this.maxInFlightRecords = v;
            return this;
        }

        public Builder pollBatch(int v) {
            this.pollBatch = v;
            return this;
        }

        public Builder backoff(Duration min, Duration max) {
            this.backoffMin = min;
            this.backoffMax = max;
            return this;
        }

        public Builder delivery(Delivery v) {
            this.delivery = v;
            return this;
        }

        public ForwarderOptions build() {
            return new ForwarderOptions(
                    bootstrapServers,
                    gatewayId,
                    clientProperties,
                    maxInFlightRecords,
                    pollBatch,
                    backoffMin,
                    backoffMax,
                    delivery);
        }
    }
}
