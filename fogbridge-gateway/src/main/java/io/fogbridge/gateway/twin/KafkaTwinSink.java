package io.fogbridge.gateway.twin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The twin's way for a gateway with no route to the API server: each update as a record in {@code fog.twin.<tenant>}
 * ({@link TwinRecords}), through the same Kafka and client properties as the telemetry, for the operator in the cloud
 * to write. A round's batch is sent together and waited for once; an update Kafka did not take is offered again by
 * the reporter after its interval (the next one carries the newer state anyway). Not spooled: a twin is the latest
 * state, and what was lost in an outage is replaced by the first round after it. One thread at a time.
 */
public final class KafkaTwinSink implements TwinSink, AutoCloseable {

    private static final long SEND_TIMEOUT_SECONDS = 10;

    private final KafkaProducer<String, byte[]> producer;
    private final Function<TwinUpdate, String> tenantOf;

    /**
     * @param properties the gateway's {@code kafka.properties} (TLS, SASL)
     * @param tenantOf   the tenant of an update's device (null: the device left the twin map; dropped)
     */
    public KafkaTwinSink(String bootstrap, Map<String, String> properties, Function<TwinUpdate, String> tenantOf) {
        Map<String, Object> props = new HashMap<>(properties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, SEND_TIMEOUT_SECONDS * 1000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT_SECONDS * 1000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT_SECONDS * 1000 / 2);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "fogbridge-twin");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.tenantOf = tenantOf;
    }

    @Override
    public List<TwinUpdate> write(List<TwinUpdate> batch) {
        List<TwinUpdate> sent = new ArrayList<>();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        List<TwinUpdate> failed = new ArrayList<>();
        for (TwinUpdate update : batch) {
            String tenant = tenantOf.apply(update);
            if (tenant == null) {
                continue;
            }
            try {
                acks.add(producer.send(new ProducerRecord<>(
                        "fog.twin." + tenant, update.namespace() + "/" + update.device(), TwinRecords.toJson(update))));
                sent.add(update);
            } catch (RuntimeException e) {
                failed.add(update);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SEND_TIMEOUT_SECONDS);
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                failed.add(sent.get(i));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.addAll(sent.subList(i, sent.size()));
                break;
            }
        }
        return failed;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
