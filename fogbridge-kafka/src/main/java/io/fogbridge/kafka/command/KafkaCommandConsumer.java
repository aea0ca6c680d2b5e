package io.fogbridge.kafka.command;

import io.fogbridge.kafka.command.CommandRecordParser.Malformed;
import io.fogbridge.kafka.command.CommandRecordParser.Valid;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code fog.command.<tenant>} for the configured tenants and hands each record to a
 * {@link CommandHandler}: valid commands to {@link CommandHandler#command}, malformed ones to
 * {@link CommandHandler#malformed} (a 400 response), so a bad record never stalls the partition.
 *
 * <p><b>Guarantee.</b> Auto-commit is off. After each poll, the consumer waits until every record of the batch
 * is settled (the handler's futures completed) and only then commits the batch's offsets synchronously. If
 * any record could not be settled, nothing of the batch is committed: the consumer seeks back to the first
 * record of the batch in every partition and reads it again after a pause (the handler ignores commands it
 * already holds). At-least-once: a crash after settling but before the commit hands the batch over again.
 *
 * <p><b>Group.</b> The group {@code fogbridge-<gatewayId>} has one static member ({@code group.instance.id} = the
 * group id), so a gateway restarted after a crash consumes again at once instead of waiting out the dead
 * incarnation's session. Two processes with the same gateway id fence each other: one gateway id, one process.
 *
 * <p><b>Threads.</b> One daemon thread owns the Kafka consumer. {@link #start()} once, {@link #close()} once.
 */
public final class KafkaCommandConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaCommandConsumer.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long RETRY_PAUSE_MS = 1_000;

    private final CommandConsumerOptions options;
    private final CommandHandler handler;
    private final Clock clock;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Thread thread;

    public KafkaCommandConsumer(CommandConsumerOptions options, CommandHandler handler) {
        this.options = options;
        this.handler = handler;
        this.clock = Clock.systemUTC();
        this.consumer =
                new KafkaConsumer<>(properties(options), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "fogbridge-command-consumer");
        thread.setDaemon(true);
    }

    public void start() {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        thread.start();
        log.info("consuming commands from {} as group {}", options.topics(), options.groupId());
    }

    @Override
    public void close() {
        if (running.getAndSet(false)) {
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            consumer.subscribe(options.topics());
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty() && !settle(records)) {
                    rewind(records);
                    Thread.sleep(RETRY_PAUSE_MS);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("command consumer stopped", e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("closing the command consumer failed", e);
            }
        }
    }

    /** Hands every record over, waits until all are settled, then commits. False if anything failed. */
    private boolean settle(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
        List<CompletableFuture<Void>> settled = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            settled.add(handOver(record));
            offsets.put(
                    new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        }
        try {
            CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new))
                    .get(options.settleTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("{} command records not settled ({}); reading them again", records.count(), e.toString());
            return false;
        }
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("committing command offsets failed ({}); the records will be handed over again", e.toString());
            return false;
        }
        return true;
    }

    private CompletableFuture<Void> handOver(ConsumerRecord<byte[], byte[]> record) {
        try {
            return switch (CommandRecordParser.parse(record, clock.millis())) {
                case Valid valid -> handler.command(valid.command());
                case Malformed bad -> {
                    log.info(
                            "malformed command at {}/{}/{}: {}",
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            bad.reason());
                    yield handler.malformed(bad.tenant(), bad.device(), bad.correlationId(), bad.reason());
                }
            };
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            consumer.seek(partition, records.records(partition).getFirst().offset());
        }
    }

    private static Properties properties(CommandConsumerOptions options) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, options.groupId());
        // Static membership: the group has one member, this gateway. A gateway restarted after a crash takes over
        // its partitions at once; as a new dynamic member it would wait for the dead one's session to time out
        // (45 s), and for every further crashed incarnation again, with no command delivered meanwhile.
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, options.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "fogbridge-commands-" + options.gatewayId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A new gateway starts at the oldest command still in the topic: commands with a ttl left are delivered.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "5000");
        props.putAll(options.clientProperties());
        return props;
    }
}
