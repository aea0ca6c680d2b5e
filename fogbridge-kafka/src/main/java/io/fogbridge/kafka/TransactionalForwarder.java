package io.fogbridge.kafka;

import io.fogbridge.api.Lane;
import io.fogbridge.api.SpoolCursor;
import io.fogbridge.api.SpooledRecord;
import io.fogbridge.api.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once path of the {@link KafkaForwarder} ({@code kafka.delivery: exactly-once}), in the manner of Kafka
 * Connect's exactly-once source connectors (KIP-618).
 *
 * <p><b>Guarantee.</b> One transactional producer per gateway ({@code transactional.id = fogbridge-<gateway id>}).
 * Each transaction carries a batch of spool records and, for every lane in the batch, a {@link SpoolPosition} (the
 * lane's highest sequence in the batch) to the compacted {@link PositionTopic}. Only after the transaction commits
 * does the spool's committed position move. Kafka's position is therefore never behind what a
 * {@code read_committed} consumer can see, and the spool's never ahead of it. After any failure, and at start, the
 * forwarder makes a new producer ({@code initTransactions()} aborts whatever transaction a predecessor left open and
 * fences that predecessor), reads the positions with {@code read_committed}, and resumes after them: records the
 * spool still holds at or below a lane's position are committed locally and not sent again. So a
 * {@code read_committed} consumer sees every record exactly once, whether the gateway crashed, Kafka went away, or a
 * commit's outcome was unknown. A {@code read_uncommitted} consumer may still see records of aborted transactions.
 *
 * <p><b>Transactions.</b> A transaction holds at most {@link ForwarderOptions#pollBatch()} records (1,000 by default)
 * gathered for at most {@value #GATHER_MILLIS} ms after the first: under load a transaction per full batch, when
 * quiet a record waits at most that long plus the commit's round trips before consumers see it. Nothing is written
 * while the spool is empty.
 *
 * <p><b>Failures.</b> Every failure (a send or commit error, a fenced producer, a timeout while Kafka is away, a
 * producer that cannot be made, a spool that throws) is handled the same way: the producer is closed without
 * waiting (its open transaction is aborted by the next {@code initTransactions()}, or by the coordinator's timeout),
 * the forwarder backs off, and starts over from Kafka's positions. A record Kafka can never take
 * ({@link RecordTooLargeException}, {@link InvalidTopicException}) is logged and left out of the next attempt, and a
 * record whose timestamp Kafka refuses is sent with the send time, as in at-least-once mode. A
 * {@code ProducerFencedException} means another producer took this gateway's transactional id: with one process per
 * gateway id that is a predecessor's late retry, and retrying fences it in turn; two live gateways with one id is a
 * misconfiguration that shows as alternating fencing errors in the log.
 *
 * <p><b>Positions belong to a spool.</b> Kafka's position is trusted over the spool's. A data dir that is wiped
 * while {@code gateway.id} stays the same starts its sequences again below the positions Kafka holds, and its
 * records would be taken as sent already: give the gateway a new id when its spool is replaced (or delete its keys
 * from {@value PositionTopic#NAME}).
 *
 * <p><b>Threads.</b> One thread owns the cursor and the producer; {@link #state()} may be called from any thread.
 */
final class TransactionalForwarder {

    /** How long a transaction gathers records after its first before it commits. */
    static final long GATHER_MILLIS = 100;

    private static final Logger log = LoggerFactory.getLogger(TransactionalForwarder.class);
    private static final long IDLE_POLL_MILLIS = 100;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** A record Kafka refused, reported by a producer callback on the producer's I/O thread. */
    private record Refusal(Lane lane, long sequence, Exception error) {}

    private final SpoolCursor cursor;
    private final ForwarderOptions options;
    private final KafkaForwarder.ProducerFactory producerFactory;
    private final Map<String, Object> producerSettings;
    private final Supplier<String> bootstrapServers;
    private final ForwarderMetrics metrics;
    private final Backoff backoff;
    private final Clock clock;
    private final Ticker ticker;
    private final RecordMapper mapper;
    private final PositionTopic positions;
    private final int maxRecords;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ConcurrentLinkedQueue<Refusal> refusals = new ConcurrentLinkedQueue<>();
    private final AtomicLong sentRecords = new AtomicLong();
    private final AtomicLong ackedRecords = new AtomicLong();

    // Forwarder-thread state.
    private final long[] kafkaPosition = new long[Lane.values().length];
    private final Map<Lane, Set<Long>> undeliverable = new LinkedHashMap<>();
    private final Map<Lane, Set<Long>> restamped = new LinkedHashMap<>();
    private Producer<byte[], byte[]> producer;
    private String attemptBootstrap;
    private long failingSinceMillis;

    // Published for state().
    private volatile boolean failing;
    private volatile String lastError;
    private volatile int inFlight;
    private volatile long oldestCreation = -1;
    private volatile boolean connected;
    private volatile boolean running;
    private volatile boolean abandon;
    private volatile boolean abandonAfterKafkaCommit;
    private volatile ForwarderState.Phase phase = ForwarderState.Phase.SENDING;
    private Thread thread;

    TransactionalForwarder(
            SpoolCursor cursor,
            ForwarderOptions options,
            KafkaForwarder.ProducerFactory producerFactory,
            Supplier<String> bootstrapServers,
            ForwarderMetrics metrics,
            Clock clock,
            Ticker ticker) {
        this.cursor = cursor;
        this.options = options;
        this.producerFactory = producerFactory;
        this.producerSettings = ProducerSettings.of(options);
        this.bootstrapServers = bootstrapServers;
        this.attemptBootstrap = options.bootstrapServers();
        this.metrics = metrics;
        this.clock = clock;
        this.ticker = ticker;
        this.backoff = new Backoff(options.backoffMin(), options.backoffMax());
        this.mapper = new RecordMapper(options.gatewayId());
        long maxBlock = Long.parseLong(
                producerSettings.get(ProducerConfig.MAX_BLOCK_MS_CONFIG).toString());
        this.positions =
                new PositionTopic(options.gatewayId(), options.clientProperties(), Duration.ofMillis(maxBlock));
        this.maxRecords = Math.min(options.pollBatch(), options.maxInFlightRecords());
        for (Lane lane : Lane.values()) {
            undeliverable.put(lane, new HashSet<>());
            restamped.put(lane, new HashSet<>());
        }
    }

    synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("forwarder already started");
        }
        running = true;
        thread = new Thread(this::run, "fogbridge-forwarder");
        thread.setDaemon(true);
        thread.start();
    }

    ForwarderState state() {
        long oldest = oldestCreation;
        long lag = oldest < 0 ? 0 : Math.max(0, clock.millis() - oldest);
        return new ForwarderState(
                connected && !failing, lastError, sentRecords.get(), ackedRecords.get(), inFlight, lag, phase);
    }

    /** Lets the current transaction commit (or fail), closes the producer. */
    void close() {
        running = false;
        closing.countDown();
        join();
    }

    /**
     * For tests of a crash: the thread stops as a killed process would, leaving the producer open: before its next
     * Kafka commit (the transaction stays open), or with {@code afterKafkaCommit} between the Kafka commit and the
     * spool's (Kafka's position is ahead of the spool's).
     */
    void abandonForTest(boolean afterKafkaCommit) {
        abandonAfterKafkaCommit = afterKafkaCommit;
        abandon = true;
        running = false;
        closing.countDown();
        join();
    }

    private void join() {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            while (running) {
                try {
                    if (producer == null) {
                        resume();
                    } else {
                        transaction();
                    }
                } catch (RuntimeException e) {
                    failed(e);
                }
            }
            if (producer != null && !abandon) {
                producer.close(CLOSE_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            log.error("Forwarder stopped by an unrecoverable error", e);
            lastError = e.toString();
            throw e;
        } finally {
            phase = ForwarderState.Phase.STOPPED;
            connected = false;
        }
    }

    /** A new producer, which fences any predecessor, then Kafka's positions: where to go on. */
    private void resume() throws InterruptedException {
        String bootstrap = bootstrapServers.get();
        attemptBootstrap = bootstrap;
        Map<String, Object> settings = new LinkedHashMap<>(producerSettings);
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Producer<byte[], byte[]> p = producerFactory.create(settings);
        producer = p; // from here on a failure closes it
        phase = ForwarderState.Phase.SENDING;
        p.initTransactions();
        positions.ensureExists(bootstrap);
        Map<Lane, Long> committed = positions.read(bootstrap);
        cursor.rewind();
        for (Lane lane : Lane.values()) {
            kafkaPosition[lane.ordinal()] = committed.getOrDefault(lane, -1L);
        }
        connected = true;
        log.info("Exactly-once forwarder resumes after the positions Kafka committed: {}", committed);
        if (failing) {
            recovered();
        }
    }

    /** Gathers a batch, sends it with its positions in one transaction, then commits the spool. */
    private void transaction() throws InterruptedException {
        List<SpooledRecord> batch = gather();
        if (batch.isEmpty()) {
            return;
        }
        long[] highest = new long[Lane.values().length];
        Arrays.fill(highest, -1);
        List<SpooledRecord> toSend = new ArrayList<>(batch.size());
        for (SpooledRecord r : batch) {
            int lane = r.lane().ordinal();
            highest[lane] = Math.max(highest[lane], r.sequence());
            if (r.sequence() > kafkaPosition[lane]
                    && !undeliverable.get(r.lane()).contains(r.sequence())) {
                toSend.add(r);
            }
        }
        inFlight = toSend.size();
        oldestCreation = toSend.isEmpty() ? -1 : toSend.get(0).envelope().creationTime();
        if (!toSend.isEmpty() || positionMoves(highest)) {
            send(toSend, highest);
            if (abandon && !abandonAfterKafkaCommit) {
                return;
            }
            producer.commitTransaction();
            if (abandon) {
                return;
            }
        }
        for (Lane lane : Lane.values()) {
            int i = lane.ordinal();
            if (highest[i] >= 0) {
                kafkaPosition[i] = Math.max(kafkaPosition[i], highest[i]);
                cursor.commit(lane, highest[i]);
                undeliverable.get(lane).removeIf(s -> s <= highest[i]);
                restamped.get(lane).removeIf(s -> s <= highest[i]);
            }
        }
        ackedRecords.addAndGet(toSend.size());
        metrics.acked(toSend.size());
        inFlight = 0;
        oldestCreation = -1;
    }

    /** Records already in Kafka were only skipped: their position needs writing only if it is new. */
    private boolean positionMoves(long[] highest) {
        for (int i = 0; i < highest.length; i++) {
            if (highest[i] > kafkaPosition[i]) {
                return true;
            }
        }
        return false;
    }

    private List<SpooledRecord> gather() throws InterruptedException {
        List<SpooledRecord> batch = new ArrayList<>(cursor.poll(maxRecords, IDLE_POLL_MILLIS));
        if (batch.isEmpty()) {
            return batch;
        }
        long deadline = ticker.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GATHER_MILLIS);
        while (batch.size() < maxRecords && running) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - ticker.nanoTime());
            if (left <= 0) {
                break;
            }
            batch.addAll(cursor.poll(maxRecords - batch.size(), left));
        }
        return batch;
    }

    private void send(List<SpooledRecord> records, long[] highest) {
        producer.beginTransaction();
        for (SpooledRecord r : records) {
            Lane lane = r.lane();
            long sequence = r.sequence();
            ProducerRecord<byte[], byte[]> record =
                    mapper.toProducerRecord(r, restamped.get(lane).contains(sequence));
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    refusals.add(new Refusal(lane, sequence, error));
                }
            });
        }
        sentRecords.addAndGet(records.size());
        metrics.sent(records.size());
        for (Lane lane : Lane.values()) {
            long h = highest[lane.ordinal()];
            if (h > kafkaPosition[lane.ordinal()]) {
                SpoolPosition position = new SpoolPosition(options.gatewayId(), lane, h);
                producer.send(new ProducerRecord<>(PositionTopic.NAME, position.key(), position.value()));
            }
        }
    }

    /** Any failure: note refused records, drop the producer (its transaction dies with it), back off, start over. */
    private void failed(RuntimeException e) throws InterruptedException {
        noteRefusals();
        KafkaFailure failure = KafkaFailure.of(e, attemptBootstrap);
        metrics.error(failure.reason());
        if (!failing || !failure.detail().equals(lastError)) {
            log.warn(
                    "Exactly-once forwarder failed, starting over from Kafka's positions after a backoff: {}",
                    failure.detail());
        }
        if (!failing) {
            failingSinceMillis = clock.millis();
        }
        failing = true;
        lastError = failure.detail();
        connected = false;
        if (producer == null) {
            phase = ForwarderState.Phase.RETRYING; // no producer could be made (names that do not resolve, say)
        } else {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException closeFailure) {
                log.debug("Closing the producer after a failure failed too", closeFailure);
            }
            producer = null;
        }
        inFlight = 0;
        closing.await(backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
    }

    private void noteRefusals() {
        for (Refusal r = refusals.poll(); r != null; r = refusals.poll()) {
            if (r.error() instanceof RecordTooLargeException || r.error() instanceof InvalidTopicException) {
                if (undeliverable.get(r.lane()).add(r.sequence())) {
                    metrics.error(KafkaFailure.of(r.error(), attemptBootstrap).reason());
                    log.error(
                            "Dropping record {}/{}/{}: Kafka can never accept it ({})",
                            options.gatewayId(),
                            r.lane().id(),
                            r.sequence(),
                            r.error().toString());
                }
            } else if (KafkaForwarder.timestampRefused(r.error())) {
                restamped.get(r.lane()).add(r.sequence());
            }
        }
    }

    private void recovered() {
        failing = false;
        lastError = null;
        log.info(
                "Kafka failure episode over after {} ms and {} failed attempts",
                clock.millis() - failingSinceMillis,
                backoff.failures());
        backoff.reset();
    }
}
