package io.fogbridge.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer configuration of the forwarder: idempotent, {@code acks=all}, batched for
 * throughput, quick to reconnect. {@link ForwarderOptions#clientProperties()} is applied over the
 * defaults, so a deployment can add TLS/SASL or retune anything except what the delivery guarantee
 * rests on: {@code acks=all}, {@code enable.idempotence=true}, at most 5 requests in flight per
 * connection (idempotence keeps order only up to 5) and the byte-array serializers. Those are
 * applied after the client properties and always win; a client property that tried to change one
 * is logged as a warning, not an error, so a stale config file does not stop the gateway. With
 * {@link Delivery#EXACTLY_ONCE} the same step sets {@code transactional.id = fogbridge-<gateway id>}, stable across
 * restarts so a new producer fences its predecessor.
 */
final class ProducerSettings {

    /** Default request timeout; also how long a record may wait before the forwarder reports "not connected". */
    static final int REQUEST_TIMEOUT_MS = 15_000;

    /** Producer buffer.memory default: bounded by the forwarder's in-flight window, see {@link #of}. */
    static final long BUFFER_MEMORY_BYTES = 16L * 1024 * 1024;

    /** Idempotence keeps order within a partition only with at most this many requests in flight. */
    static final int MAX_IN_FLIGHT_PER_CONNECTION = 5;

    private static final Logger log = LoggerFactory.getLogger(ProducerSettings.class);

    private ProducerSettings() {}

    /** {@link #BUFFER_MEMORY_BYTES}, or an eighth of a heap smaller than 128 MiB (at least 1 MiB). */
    static long bufferMemoryFor(long maxHeapBytes) {
        return Math.max(1L << 20, Math.min(BUFFER_MEMORY_BYTES, maxHeapBytes / 8));
    }

    static Map<String, Object> of(ForwarderOptions options) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "fogbridge-" + options.gatewayId());
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, Integer.toString(MAX_IN_FLIGHT_PER_CONNECTION));
        // Throughput: small linger, large batches, cheap compression (see the module README for figures).
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // The forwarder never has more than maxInFlightRecords (20,000) unacknowledged, a few MiB of
        // batches at telemetry sizes; 16 MiB covers that with room and, unlike Kafka's 32 MiB default
        // or the earlier 64 MiB, keeps a heap-capped edge JVM (bin/fogbridge: -Xmx128m) from filling
        // its heap with pooled batches while it drains a backlog after an outage.
        // A smaller heap than the launcher's gets an eighth of it (kafka.properties buffer.memory still wins).
        p.put(
                ProducerConfig.BUFFER_MEMORY_CONFIG,
                Long.toString(bufferMemoryFor(Runtime.getRuntime().maxMemory())));
        // Outages: the producer keeps retrying a batch for delivery.timeout.ms before the forwarder
        // sees a failure and rewinds; reconnect attempts back off up to 2 s so a returning broker is
        // found quickly; send() blocks at most 10 s for metadata of a new topic.
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(REQUEST_TIMEOUT_MS));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "2000");
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "2000");
        p.putAll(options.clientProperties());
        enforceGuarantee(p);
        if (options.delivery() == Delivery.EXACTLY_ONCE) {
            force(p, ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(options.gatewayId()));
        } else if (p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG) != null) {
            log.warn(
                    "Kafka client property {} ignored: set kafka.delivery: exactly-once for transactions",
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        }
        return p;
    }

    /**
     * The guarantee: Kafka acknowledges only what every in-sync replica has, and retries never
     * duplicate or reorder within a partition. Runs after the client properties, so nothing undoes it.
     */
    private static void enforceGuarantee(Map<String, Object> p) {
        force(p, ProducerConfig.ACKS_CONFIG, "all");
        force(p, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        force(p, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        force(p, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Object inFlight = p.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        if (!withinInFlightBound(inFlight)) {
            log.warn(
                    "Kafka client property {}={} ignored: the idempotent producer keeps order only with 1-{}; using {}",
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                    inFlight,
                    MAX_IN_FLIGHT_PER_CONNECTION,
                    MAX_IN_FLIGHT_PER_CONNECTION);
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, Integer.toString(MAX_IN_FLIGHT_PER_CONNECTION));
        }
    }

    static String transactionalId(String gatewayId) {
        return "fogbridge-" + gatewayId;
    }

    private static void force(Map<String, Object> p, String key, String value) {
        Object given = p.put(key, value);
        if (given != null && !given.toString().trim().equalsIgnoreCase(value)) {
            log.warn(
                    "Kafka client property {}={} ignored: the forwarder's delivery guarantee needs {}",
                    key,
                    given,
                    value);
        }
    }

    private static boolean withinInFlightBound(Object value) {
        try {
            int n = Integer.parseInt(value.toString().trim());
            return n >= 1 && n <= MAX_IN_FLIGHT_PER_CONNECTION;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The request timeout in effect (a client property may override the default). */
    static long requestTimeoutMillis(Map<String, Object> settings) {
        return Long.parseLong(
                settings.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG).toString());
    }
}
