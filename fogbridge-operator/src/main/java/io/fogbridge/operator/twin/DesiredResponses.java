package io.fogbridge.operator.twin;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code fog.command_response.*} of one Kafka cluster for the responses to {@code desired} commands (their
 * correlation id holds {@code -desired-}) and hands the refusals (status not 2xx, and not the gateway's own
 * {@code delivery-failure}) to {@link DesiredRefusals}.
 * A new consumer group starts at the beginning (a refusal may come before the consumer joins); {@link DesiredRefusals}
 * ignores a response to a command that is no longer the Device's. Its own thread.
 */
final class DesiredResponses {

    private static final Logger LOG = LoggerFactory.getLogger(DesiredResponses.class);
    private static final Pattern TOPICS = Pattern.compile("fog\\.command_response\\..+");
    private static final String TOPIC_PREFIX = "fog.command_response.";
    private static final int BODY_KEPT = 200;

    private final KafkaConsumer<String, byte[]> consumer;
    private final DesiredRefusals refusals;
    private final Thread thread;
    private volatile boolean closed;

    DesiredResponses(String bootstrap, Map<String, Object> extra, DesiredRefusals refusals) {
        Map<String, Object> props = new HashMap<>(extra);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "fogbridge-operator-desired");
        // From the start of a new group: an old response names a command that is no longer the Device's and is ignored.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5000);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.refusals = refusals;
        this.thread =
                Thread.ofPlatform().name("fogbridge-desired-responses").daemon().unstarted(this::run);
    }

    DesiredResponses start() {
        consumer.subscribe(TOPICS);
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (!closed) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    String correlationId = header(record, "correlation-id");
                    String status = header(record, "status");
                    // The gateway's own delivery failures (404, 408, 503) are not the device's answer: the ttl
                    // retry covers them.
                    if (correlationId == null
                            || !correlationId.contains("-desired-")
                            || status == null
                            || "true".equals(header(record, "delivery-failure"))) {
                        continue;
                    }
                    try {
                        int code = Integer.parseInt(status);
                        if (code / 100 != 2) {
                            String body = new String(record.value(), StandardCharsets.UTF_8);
                            refusals.refused(
                                    record.topic().substring(TOPIC_PREFIX.length()),
                                    record.key() != null ? record.key() : header(record, "device_id"),
                                    correlationId,
                                    code,
                                    body.length() > BODY_KEPT ? body.substring(0, BODY_KEPT) : body);
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("response {} not handled: {}", correlationId, e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
