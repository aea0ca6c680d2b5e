package io.fogbridge.operator.twin;

import io.fogbridge.gateway.discovery.ProposalRecords;
import io.fogbridge.gateway.twin.NewcomerRecords;
import io.fogbridge.gateway.twin.TwinRecords;
import io.fogbridge.gateway.twin.TwinSink;
import io.fogbridge.gateway.twin.TwinUpdate;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's end of the Kafka twin path: reads {@code fog.twin.<tenant>} (every tenant, by pattern) and writes
 * each Device's latest update into its status through a {@link TwinSink} (the fabric8 {@link KubernetesTwinSink}).
 * The gateways already bound the churn (one update per device per {@code reportInterval}); of a poll's records only
 * the newest per Device is written. Offsets are committed after the writes, so an operator that dies re-writes at
 * most a poll's worth; a write the API server refused is not retried (the device's next update carries newer state).
 * Newcomer records of plug-and-play onboarding in the same topics go to their own consumer ({@link DeviceProposals}),
 * and the proposals of the gateways' scheduled field scans to theirs ({@link #discovered}).
 * Runs on a thread of its own until {@link #close}.
 */
public final class KafkaTwinConsumer implements AutoCloseable {

    /** The consumer group every operator replica joins: one of them reads a twin topic's partition. */
    public static final String GROUP = "fogbridge-operator-twin";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTwinConsumer.class);
    static final Pattern TOPICS = Pattern.compile("fog\\.twin\\..+");
    /**
     * How long one round reads on before it writes: until the topics are read to their end, or this long. Writes are
     * slower than updates come when many devices report (10,000 at 1 Hz against a few hundred status writes a second),
     * and a round that wrote one poll's worth would fall behind for good, writing every stale update minutes late; a
     * round that reads to the end writes each device's newest twin once, so the lag stays one round. At 10,000 devices a
     * round's backlog is some 50,000 records, which 2 s of reading did not cover (the drain took three rounds,
     * BENCHMARKS.md); 10 s delays a round's writes by at most that.
     */
    static final Duration CATCH_UP = Duration.ofSeconds(10);

    private final KafkaConsumer<String, byte[]> consumer;
    private final TwinSink sink;
    private final Consumer<NewcomerRecords.Report> newcomers;
    private Consumer<ProposalRecords.Report> discovered = report -> {};
    private final Thread thread;
    private volatile boolean closed;

    /** @param extra client properties (TLS, SASL) */
    public KafkaTwinConsumer(String bootstrap, Map<String, Object> extra, TwinSink sink) {
        this(bootstrap, extra, sink, report -> {});
    }

    /**
     * @param extra     client properties (TLS, SASL)
     * @param newcomers hears the gateways' newcomer reports of plug-and-play onboarding ({@link DeviceProposals})
     */
    public KafkaTwinConsumer(
            String bootstrap, Map<String, Object> extra, TwinSink sink, Consumer<NewcomerRecords.Report> newcomers) {
        this.newcomers = newcomers;
        Map<String, Object> props = new HashMap<>(extra);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // New tenants' topics are found within seconds, not the default five minutes.
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5000);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.sink = sink;
        this.thread =
                Thread.ofPlatform().name("fogbridge-twin-consumer").daemon().unstarted(this::run);
    }

    /**
     * Hears the proposals of the gateways' scheduled field scans ({@link DiscoveryProposals}), each only from the
     * topic of its own tenant. Before {@link #start}.
     */
    public synchronized KafkaTwinConsumer discovered(Consumer<ProposalRecords.Report> proposals) {
        this.discovered = proposals;
        return this;
    }

    public synchronized KafkaTwinConsumer start() {
        consumer.subscribe(TOPICS);
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (!closed) {
                Map<String, TwinUpdate> newest = new LinkedHashMap<>();
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                long catchUpEnds = System.nanoTime() + CATCH_UP.toNanos();
                while (!records.isEmpty()) {
                    for (ConsumerRecord<String, byte[]> record : records) {
                        take(record, newest);
                    }
                    if (System.nanoTime() >= catchUpEnds) {
                        break;
                    }
                    records = consumer.poll(Duration.ofMillis(50));
                }
                if (!newest.isEmpty()) {
                    List<TwinUpdate> failed = sink.write(new ArrayList<>(newest.values()));
                    if (!failed.isEmpty()) {
                        LOG.warn("twin: {} of {} status writes failed", failed.size(), newest.size());
                    }
                }
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("twin consumer stopped", e);
        } finally {
            consumer.close();
        }
    }

    /** A proposal or a newcomer is handed on at once; a twin update replaces the device's older one in {@code newest}. */
    private void take(ConsumerRecord<String, byte[]> record, Map<String, TwinUpdate> newest) {
        try {
            if (ProposalRecords.isProposal(record.value())) {
                discover(record.topic(), ProposalRecords.fromJson(record.value()));
                return;
            }
            if (NewcomerRecords.isNewcomer(record.value())) {
                propose(NewcomerRecords.fromJson(record.value()));
                return;
            }
            // Each update carries every property's latest value, so the newest one alone is the twin.
            TwinUpdate update = TwinRecords.fromJson(record.value());
            newest.put(update.namespace() + "/" + update.device(), update);
        } catch (IOException e) {
            LOG.warn("{} offset {}: skipped: {}", record.topic(), record.offset(), e.getMessage());
        }
    }

    private void propose(NewcomerRecords.Report report) {
        try {
            newcomers.accept(report);
        } catch (RuntimeException e) { // one bad report must not stop the twins of every gateway
            LOG.warn("newcomer {} not proposed: {}", report.newcomer().name(), e.toString());
        }
    }

    private void discover(String topic, ProposalRecords.Report report) {
        if (!topic.equals("fog.twin." + report.tenant())) {
            LOG.warn("{}: a proposal for tenant {} in another tenant's topic; ignored", topic, report.tenant());
            return;
        }
        try {
            discovered.accept(report);
        } catch (RuntimeException e) { // one bad proposal must not stop the twins of every gateway
            LOG.warn("discovered {} not proposed: {}", report.device().endpoint(), e.toString());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (!thread.isAlive() && thread.getState() == Thread.State.NEW) {
            consumer.close(); // never started: the thread's finally will not run
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
