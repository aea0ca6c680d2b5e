package io.fogbridge.kafka.command;

import io.fogbridge.api.log.Untrusted;
import io.fogbridge.kafka.Backoff;
import io.fogbridge.kafka.KafkaFailure;
import io.fogbridge.kafka.command.CommandConsumerState.Phase;
import io.fogbridge.kafka.command.CommandRecordParser.Malformed;
import io.fogbridge.kafka.command.CommandRecordParser.Valid;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
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
 * record of the batch in every partition and reads it again after a backoff (the handler ignores commands it
 * already holds). At-least-once: a crash after settling but before the commit hands the batch over again.
 * While batches do not settle, {@link #state()} says {@link Phase#STALLED} with the cause, and each failed
 * round counts in {@code fogbridge.commands.consumer.errors{reason="not-settled"}}; the handler, not the
 * consumer, decides which records can never settle and answers them instead (the router refuses a command it
 * cannot store with a failure response), so a restart does not meet the same record again.
 *
 * <p><b>Group.</b> The group {@code fogbridge-<gatewayId>} has one static member ({@code group.instance.id} = the
 * group id), so a gateway restarted after a crash consumes again at once instead of waiting out the dead
 * incarnation's session. Two processes with the same gateway id fence each other: one gateway id, one process.
 *
 * <p><b>Failures.</b> The Kafka consumer is made on the consumer thread, not in the constructor, so a gateway
 * whose bootstrap names do not resolve yet (Kafka's client throws for that from its constructor) starts and
 * serves devices. When the consumer cannot be made, or a poll or commit throws, it is closed and a new one is
 * made after a backoff (exponential, with jitter), forever: no network condition ends the thread. The failure
 * is logged when an episode starts and the episode's length and attempt count when it ends, counted in
 * {@code fogbridge.commands.consumer.errors{reason}} and shown by {@link #state()}. Only an {@link Error}
 * stops the thread, and {@link #state()} then says {@link Phase#STOPPED}.
 *
 * <p><b>Threads.</b> One daemon thread owns the Kafka consumer. {@link #start()} once, {@link #close()} once;
 * {@link #state()} from any thread.
 */
public final class KafkaCommandConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaCommandConsumer.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final int MAX_FETCH_BYTES = 8 * 1024 * 1024;

    private final CommandConsumerOptions options;
    private final CommandHandler handler;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Backoff backoff;
    /** Between rounds of a batch that did not settle; separate, so a working connection does not reset it. */
    private final Backoff settleBackoff;

    private final AtomicBoolean running = new AtomicBoolean();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;

    // Consumer-thread state.
    private long failingSinceMillis;
    private long stalledSinceMillis;

    // Published for state(); the consumer itself is touched from close() only to wake it up.
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile Metric connectionCount;
    private volatile boolean failing;
    private volatile boolean stalled;
    private volatile String lastError;
    private volatile Phase phase = Phase.CONSUMING;

    public KafkaCommandConsumer(CommandConsumerOptions options, CommandHandler handler) {
        this(options, handler, null);
    }

    /** Registers {@code fogbridge.commands.consumer.*} meters in {@code registryOrNull}, if given. */
    public KafkaCommandConsumer(CommandConsumerOptions options, CommandHandler handler, MeterRegistry registryOrNull) {
        this.options = options;
        this.handler = handler;
        this.registry = registryOrNull;
        this.clock = Clock.systemUTC();
        this.backoff = new Backoff(options.backoffMin(), options.backoffMax());
        this.settleBackoff = new Backoff(options.backoffMin(), options.backoffMax());
        this.thread = new Thread(this::run, "fogbridge-command-consumer");
        thread.setDaemon(true);
        if (registryOrNull != null) {
            Gauge.builder("fogbridge.commands.consumer.connected", () -> state().connected() ? 1 : 0)
                    .description("1 while the command consumer holds a connection to Kafka, else 0")
                    .register(registryOrNull);
        }
    }

    /** A snapshot; cheap, callable from any thread. */
    public CommandConsumerState state() {
        Metric connections = connectionCount;
        boolean connected = consumer != null
                && !failing
                && (phase == Phase.CONSUMING || phase == Phase.STALLED)
                && (connections == null || ((Number) connections.metricValue()).doubleValue() > 0);
        return new CommandConsumerState(connected, lastError, phase);
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
            closing.countDown();
            // The consumer thread checks running after publishing a new consumer, so one of us wakes it.
            KafkaConsumer<byte[], byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            while (running.get()) {
                consumeUntilFailure();
                if (running.get()) {
                    closing.await(backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.error("command consumer stopped by a fatal error; no command arrives until the gateway restarts", e);
            throw e; // to the uncaught-exception handler, which ends the gateway so a supervisor restarts it
        } finally {
            phase = Phase.STOPPED;
        }
    }

    /** One Kafka consumer's life: make it, subscribe, poll until it fails (logged, counted) or we close. */
    private void consumeUntilFailure() throws InterruptedException {
        KafkaConsumer<byte[], byte[]> c = null;
        try {
            c = new KafkaConsumer<>(properties(options), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            connectionCount = findConnectionCount(c);
            consumer = c;
            if (!running.get()) {
                return; // close() may have missed this consumer: do not poll it
            }
            c.subscribe(options.topics());
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
                if (failing) {
                    recovered();
                }
                if (records.isEmpty()) {
                    continue;
                }
                String notSettled = settle(c, records);
                if (notSettled == null) {
                    settled();
                } else {
                    stalled(notSettled);
                    rewind(c, records);
                    closing.await(settleBackoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                failed(e, false);
            }
        } catch (RuntimeException e) {
            // Not resolvable, not authorized, a broken record path: a new consumer after a backoff may work.
            failed(e, c != null && !(e instanceof KafkaException));
        } finally {
            consumer = null;
            connectionCount = null;
            if (c != null) {
                try {
                    c.close(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    log.debug("closing the command consumer failed", e);
                }
            }
        }
    }

    /** Counts and reports a failure; logs it when an episode starts or its cause changes, not per attempt. */
    private void failed(RuntimeException e, boolean unexpected) {
        KafkaFailure failure = KafkaFailure.of(e, options.bootstrapServers());
        if (registry != null) {
            registry.counter("fogbridge.commands.consumer.errors", "reason", failure.reason())
                    .increment();
        }
        if (!failing || !failure.detail().equals(lastError)) {
            if (unexpected) {
                log.error("command consumer failed unexpectedly, retrying after a backoff: {}", failure.detail(), e);
            } else {
                log.warn("command consumer cannot consume, retrying after a backoff: {}", failure.detail());
            }
        } else {
            log.debug("command consumer failed again (attempt {}): {}", backoff.failures() + 1, failure.detail());
        }
        if (!failing) {
            failingSinceMillis = clock.millis();
        }
        failing = true;
        lastError = failure.detail();
        phase = Phase.RETRYING;
    }

    private void recovered() {
        if (failing) {
            log.info(
                    "command consumer consuming again after {} ms and {} failed attempts",
                    clock.millis() - failingSinceMillis,
                    backoff.failures());
        }
        failing = false;
        lastError = null;
        phase = stalled ? Phase.STALLED : Phase.CONSUMING;
        backoff.reset();
    }

    /** A batch did not settle: counted every round, logged when the episode starts or its cause changes. */
    private void stalled(String cause) {
        if (registry != null) {
            registry.counter("fogbridge.commands.consumer.errors", "reason", "not-settled")
                    .increment();
        }
        String detail = "command records not settled: " + cause;
        if (!stalled) {
            stalledSinceMillis = clock.millis();
            log.warn("{}; reading them again after a backoff", detail);
        } else if (!detail.equals(lastError)) {
            log.warn("{} (attempt {})", detail, settleBackoff.failures() + 1);
        }
        stalled = true;
        lastError = detail;
        phase = Phase.STALLED;
    }

    private void settled() {
        if (stalled) {
            log.info(
                    "command records settled again after {} ms and {} failed rounds",
                    clock.millis() - stalledSinceMillis,
                    settleBackoff.failures());
            stalled = false;
            lastError = null;
            phase = Phase.CONSUMING;
        }
        settleBackoff.reset();
    }

    private static Metric findConnectionCount(KafkaConsumer<byte[], byte[]> consumer) {
        // Looked up on the owning thread: the consumer is not thread-safe, but a Metric's value is.
        for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
            if (e.getKey().name().equals("connection-count")
                    && e.getKey().group().equals("consumer-metrics")) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Hands every record over, waits until all are settled, then commits. Null, or why it did not. */
    private String settle(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records)
            throws InterruptedException {
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
        } catch (java.util.concurrent.ExecutionException e) {
            return String.valueOf(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            return "not settled within " + options.settleTimeout();
        }
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            return "committing the offsets failed: " + e;
        }
        return null;
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
                            Untrusted.of(bad.reason()));
                    yield handler.malformed(bad.tenant(), bad.device(), bad.correlationId(), bad.reason());
                }
            };
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void rewind(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
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
        // Fetched records wait in the heap until their batch settles: bound them well below the default 50 MiB
        // (a record larger than this still comes, one at a time).
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(MAX_FETCH_BYTES));
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "5000");
        props.putAll(options.clientProperties());
        return props;
    }
}
