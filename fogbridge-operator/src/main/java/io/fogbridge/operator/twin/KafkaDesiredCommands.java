package io.fogbridge.operator.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@link DesiredCommands} as Kafka records in {@code fog.command.<tenant>}, in the command contract of
 * ARCHITECTURE.md: key and {@code device_id} the device, {@code subject: desired}, {@code correlation-id},
 * {@code response-required: true}, {@code ttl} in milliseconds, {@code content-type: application/json}. One idempotent
 * producer per Kafka cluster (a Gateway's {@code spec.kafka.bootstrap}), made on first use; {@code extra} holds the
 * operator's own client properties (TLS, SASL) for all of them. Thread-safe.
 */
public final class KafkaDesiredCommands implements DesiredCommands, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEND_TIMEOUT_SECONDS = 10;

    private final Map<String, Object> extra;
    private final DesiredRefusals refusals;
    private final Map<String, KafkaProducer<String, byte[]>> producers = new ConcurrentHashMap<>();
    private final Map<String, DesiredResponses> responses = new ConcurrentHashMap<>();

    /** Without reading responses. */
    public KafkaDesiredCommands(Map<String, Object> extra) {
        this(extra, null);
    }

    /**
     * @param refusals told of every non-2xx response to a {@code desired} command in {@code fog.command_response.*}
     *                 of each Kafka cluster a command went to (a consumer per cluster, started with its producer); null:
     *                 responses are not read
     */
    public KafkaDesiredCommands(Map<String, Object> extra, DesiredRefusals refusals) {
        this.extra = Map.copyOf(extra);
        this.refusals = refusals;
    }

    @Override
    public void send(
            String bootstrap,
            String tenant,
            String device,
            String correlationId,
            Duration ttl,
            Map<String, JsonNode> values)
            throws Exception {
        ProducerRecord<String, byte[]> record =
                new ProducerRecord<>("fog.command." + tenant, device, JSON.writeValueAsBytes(new TreeMap<>(values)));
        header(record, "device_id", device);
        header(record, "subject", SUBJECT);
        header(record, "correlation-id", correlationId);
        header(record, "response-required", "true");
        header(record, "ttl", Long.toString(ttl.toMillis()));
        header(record, "content-type", "application/json");
        if (refusals != null) {
            responses.computeIfAbsent(bootstrap, b -> new DesiredResponses(b, extra, refusals).start());
        }
        producers.computeIfAbsent(bootstrap, this::producer).send(record).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static void header(ProducerRecord<String, byte[]> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private KafkaProducer<String, byte[]> producer(String bootstrap) {
        Map<String, Object> props = new HashMap<>(extra);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, SEND_TIMEOUT_SECONDS * 1000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT_SECONDS * 1000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT_SECONDS * 1000 / 2);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void close() {
        responses.values().forEach(DesiredResponses::close);
        producers.values().forEach(p -> p.close(Duration.ofSeconds(5)));
    }
}
