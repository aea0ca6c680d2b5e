package io.fogbridge.kafka;

import io.fogbridge.api.Lane;
import io.fogbridge.api.SpoolCursor;
import io.fogbridge.api.SpooledRecord;
import io.fogbridge.api.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the spool into Kafka: the at-least-once hand-off from the edge to the cloud.
 *
 * <p><b>Guarantee.</b> A lane's committed position moves to sequence {@code s} only after Kafka
 * acknowledged ({@code acks=all}, idempotent producer) every record of that lane up to {@code s}.
 * After any failure the forwarder rewinds the cursor to the committed positions and sends again,
 * so a record may reach Kafka more than once, always with the same {@code fog-seq} header
 * ({@code <gateway id>/<lane>/<sequence>}); records of one lane are sent in sequence order, and the
 * idempotent producer keeps that order within a partition.
 *
 * <p><b>Threads.</b> One thread, {@code fogbridge-forwarder}, owns the {@link SpoolCursor} (which
 * is not thread-safe): it reads, sends, and commits. Producer callbacks run on the producer's I/O
 * thread and only enqueue an acknowledgement for the forwarder thread. {@link #state()} may be
 * called from any thread.
 *
 * <p><b>Failures.</b> The producer itself retries a batch (reconnecting as needed) until its
 * {@code delivery.timeout.ms}; an outage shorter than that only delays acknowledgements. When a
 * send fails for good the forwarder stops sending, waits briefly for the in-flight records to
 * settle, closes the producer, rewinds, backs off (exponential, with jitter) and starts a new
 * producer. It retries forever: it never gives up on Kafka and never blocks ingestion, which only
 * sees the spool.
 *
 * <p><b>Poison records.</b> A record Kafka refuses for a reason no retry heals ({@link KafkaRefusal}: too large,
 * invalid or unauthorized topic, or a topic Kafka says does not exist after the producer waited {@code max.block.ms}
 * for it) must not wedge its lane, and with it every tenant: it goes to the spool's parking area
 * ({@link SpoolCursor#park}), durable before the lane is committed past it, counted
 * ({@code fogbridge.forwarder.parked{reason}}) and logged once per topic. Later records for a topic found missing
 * are parked without waiting for it again, until a recheck every {@link MissingTopics#RECHECK} finds it. A refusal
 * reported inside {@code send()} is decided with the record at hand; one reported later by the producer's I/O
 * thread rewinds like any failure and parks the record when it is read again. With exactly-once delivery poison
 * records are not parked (a transaction aborts as a whole). A record
 * whose timestamp Kafka refuses (the edge clock is further from the broker's than
 * {@code log.message.timestamp.after.max.ms}, one hour by default, or {@code before.max.ms} allow) is
 * sent again stamped with the send time instead of its arrival time, for the same reason.
 *
 * <p>Every other failure is retried the same way, so no network condition ends the thread: a producer
 * that cannot be made (the bootstrap names do not resolve yet: the box booted before its DNS, which
 * Kafka's client reports from its constructor), a spool read or commit that throws, even a bug. The
 * bootstrap list is read again for every new producer. A failure is logged when an episode starts
 * (again only if its cause changes) and the episode's length and attempt count when it ends; it is
 * counted by {@link KafkaFailure#reason()} and named in {@link ForwarderState#lastError()}. Only an
 * {@link Error} (out of memory, a broken class path) stops the thread, and {@link ForwarderState#phase()}
 * says {@code STOPPED} so {@code /readyz} fails and an orchestrator restarts the process instead of
 * leaving it to acknowledge devices into a spool nobody drains.
 *
 * <p><b>Exactly-once.</b> With {@link Delivery#EXACTLY_ONCE} in the options the thread runs a
 * {@link TransactionalForwarder} instead of the loop below; its javadoc states that guarantee. Lifecycle, state and
 * meters are the same.
 *
 * <p><b>Lifecycle.</b> {@link #start()} once, {@link #close()} once: close stops reading, gives the
 * in-flight records a few seconds to be acknowledged and committed, and closes the producer. It
 * does not close the spool.
 *
 * <p><b>Time.</b> What time decides comes from the injected {@link Ticker} (commit batching, the
 * stall check behind {@link ForwarderState#connected()}) and {@link Clock} (the lag of the oldest
 * in-flight record against its creation time), so tests move time by hand. Waits that only bound
 * how long this thread blocks on the producer or the spool (settling, backoff, polls) are real
 * time: a clock a test stands still must not hang the forwarder.
 */
public final class KafkaForwarder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaForwarder.class);
    private static final long IDLE_POLL_MILLIS = 100;
    /**
     * With records in flight and room in the window, how long a read of the spool may wait before
     * the acknowledgements that came meanwhile are applied. New records end the wait at once; only
     * commits (which free spool space and shorten a replay) wait for acknowledgements, so this can
     * be much longer than a produce round trip.
     */
    private static final long ACK_CHECK_MILLIS = 20;
    /**
     * After sending a partial batch with records in flight, how long to let new appends gather
     * before reading again. Under load the spool publishes appends per group commit, or per message
     * with few publishers under {@code interval:<ms>}; reading each as it comes costs a thread
     * wake-up per handful of records. Records wait in the producer for {@code linger.ms} (5 ms)
     * anyway, so gathering for a fraction of that costs little latency.
     */
    private static final long GATHER_MICROS = 1_000;

    /**
     * Commits are batched: each one is a durable write of the spool's commit log, which under
     * {@code fsync: group} costs the spool writer an fsync between two group commits of appends.
     * A lane is committed when this much time passed on the ticker since the last commit, when a
     * quarter of the in-flight window is committable, when closing, and before a rewind. A crash
     * loses at most this much commit progress: those records are sent again with the same fog-seq.
     */
    static final long COMMIT_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** Makes a producer from its settings; tests substitute Kafka's {@code MockProducer}. */
    interface ProducerFactory {
        Producer<byte[], byte[]> create(Map<String, Object> settings);
    }

    /** A record that goes to the parking area instead of Kafka, and why. */
    private record ToPark(SpooledRecord record, String reason) {}

    /** One producer callback, handed from the producer I/O thread to the forwarder thread. */
    private record Ack(long generation, Lane lane, long sequence, Exception error) {}

    private final SpoolCursor cursor;
    private final ForwarderOptions options;
    private final RecordMapper mapper;
    private final ProducerFactory producerFactory;
    private final Map<String, Object> producerSettings;
    private final Supplier<String> bootstrapServers;
    private final long stallMillis;
    private final ForwarderMetrics metrics;
    private final Backoff backoff;
    private final Clock clock;
    private final Ticker ticker;
    private final EnumMap<Lane, LaneWindow> windows = new EnumMap<>(Lane.class);
    private final LinkedBlockingQueue<Ack> acks = new LinkedBlockingQueue<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicLong sentRecords = new AtomicLong();
    private final AtomicLong ackedRecords = new AtomicLong();
    private final AtomicLong parkedRecords = new AtomicLong();
    /** Topics whose parking was logged: once per topic per process. */
    private final Set<String> parkLogged = new HashSet<>();
    /** The last producer generation a send failed in; set by callbacks, read before every send. */
    private final AtomicLong failedGeneration = new AtomicLong(-1);

    // Forwarder-thread state.
    private long generation;
    private int outstanding; // callbacks not yet received in this generation
    private long failingSinceMillis;
    /** The cursor may be anywhere (a failure interrupted it): rewind and re-read the committed positions first. */
    private boolean resumeNeeded = true;
    /** The current failure episode is that no producer can be made, so making one ends it. */
    private boolean producerUnavailable;

    private String attemptBootstrap;
    /** The committed position of each lane as this thread last set it, by lane ordinal. */
    private final long[] committedUpTo = new long[Lane.values().length];
    /** Refused-for-good records found out after the send: parked when the rewind reads them again. */
    private final EnumMap<Lane, Map<Long, String>> parkOnResend = new EnumMap<>(Lane.class);
    /** Records of the current send batch that go to the parking area instead of Kafka. */
    private final List<ToPark> toPark = new ArrayList<>();

    private final MissingTopics missingTopics;
    /** An error the producer reported through the callback while {@code send} was still running on this thread. */
    private Exception inlineError;

    /** Sequences whose arrival-time stamp Kafka refused, by lane: sent again with the send time. */
    private final EnumMap<Lane, Set<Long>> restamped = new EnumMap<>(Lane.class);

    private final int commitBatch;
    private long lastCommitNanos;
    private boolean settling; // acknowledgements of a failed producer prove nothing about recovery

    // Published for state() and the gauges.
    private volatile Producer<byte[], byte[]> producer;
    private volatile Metric connectionCount;
    private volatile boolean failing;
    private volatile String lastError;
    private volatile int inFlight;
    private volatile long oldestCreation = -1;
    private volatile long lastProgressNanos;
    private volatile boolean running;
    private volatile ForwarderState.Phase phase = ForwarderState.Phase.SENDING;
    private Thread thread;
    /** Non-null with {@link Delivery#EXACTLY_ONCE}: then it does the work and this class only fronts it. */
    private final TransactionalForwarder transactional;

    /** A forwarder on the system clock and ticker: what production uses. */
    public KafkaForwarder(SpoolCursor cursor, ForwarderOptions options, MeterRegistry registryOrNull) {
        this(cursor, options, registryOrNull, Clock.systemUTC(), Ticker.system());
    }

    /**
     * A forwarder whose time-based decisions follow {@code clock} (wall time: record lag) and
     * {@code ticker} (elapsed time: commit batching, stall detection); simulations pass their own.
     */
    public KafkaForwarder(
            SpoolCursor cursor, ForwarderOptions options, MeterRegistry registryOrNull, Clock clock, Ticker ticker) {
        this(cursor, options, registryOrNull, KafkaProducer::new, clock, ticker);
    }

    KafkaForwarder(
            SpoolCursor cursor, ForwarderOptions options, MeterRegistry registryOrNull, ProducerFactory factory) {
        this(cursor, options, registryOrNull, factory, Clock.systemUTC(), Ticker.system());
    }

    KafkaForwarder(
            SpoolCursor cursor,
            ForwarderOptions options,
            MeterRegistry registryOrNull,
            ProducerFactory factory,
            Clock clock,
            Ticker ticker) {
        this(cursor, options, registryOrNull, factory, options::bootstrapServers, clock, ticker);
    }

    /**
     * The seam for tests that cannot change DNS: {@code bootstrapServers} is asked again before every new
     * producer, so a test can make an unresolvable list resolvable while the forwarder retries.
     */
    KafkaForwarder(
            SpoolCursor cursor,
            ForwarderOptions options,
            MeterRegistry registryOrNull,
            ProducerFactory factory,
            Supplier<String> bootstrapServers,
            Clock clock,
            Ticker ticker) {
        this(
                cursor,
                options,
                registryOrNull,
                factory,
                bootstrapServers,
                clock,
                ticker,
                settings -> new KafkaTopics(settings, MissingTopics.CHECK_TIMEOUT));
    }

    /** The seam for tests of poison records: {@code topicCheck} makes the check from the producer settings. */
    KafkaForwarder(
            SpoolCursor cursor,
            ForwarderOptions options,
            MeterRegistry registryOrNull,
            ProducerFactory factory,
            Supplier<String> bootstrapServers,
            Clock clock,
            Ticker ticker,
            java.util.function.Function<Map<String, Object>, TopicCheck> topicCheck) {
        this.cursor = Objects.requireNonNull(cursor, "cursor");
        this.options = Objects.requireNonNull(options, "options");
        this.producerFactory = factory;
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.attemptBootstrap = options.bootstrapServers();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.lastCommitNanos = ticker.nanoTime();
        this.lastProgressNanos = ticker.nanoTime();
        this.mapper = new RecordMapper(options.gatewayId());
        this.producerSettings = ProducerSettings.of(options);
        this.stallMillis = ProducerSettings.requestTimeoutMillis(producerSettings);
        this.backoff = new Backoff(options.backoffMin(), options.backoffMax());
        for (Lane lane : Lane.values()) {
            windows.put(lane, new LaneWindow());
            restamped.put(lane, new HashSet<>());
            parkOnResend.put(lane, new HashMap<>());
        }
        this.commitBatch = Math.max(1, options.maxInFlightRecords() / 4);
        this.metrics = new ForwarderMetrics(registryOrNull, this::state);
        this.missingTopics = new MissingTopics(topicCheck.apply(producerSettings), ticker);
        this.transactional = options.delivery() == Delivery.EXACTLY_ONCE
                ? new TransactionalForwarder(cursor, options, factory, bootstrapServers, metrics, clock, ticker)
                : null;
    }

    /** Starts the forwarder thread. Returns at once; Kafka need not be reachable. */
    public synchronized void start() {
        if (transactional != null) {
            transactional.start();
            return;
        }
        if (thread != null) {
            throw new IllegalStateException("forwarder already started");
        }
        running = true;
        thread = new Thread(this::run, "fogbridge-forwarder");
        thread.setDaemon(true);
        thread.start();
    }

    /** A consistent-enough snapshot; cheap, callable from any thread. */
    public ForwarderState state() {
        if (transactional != null) {
            return transactional.state();
        }
        long oldest = oldestCreation;
        long lag = oldest < 0 ? 0 : Math.max(0, clock.millis() - oldest);
        return new ForwarderState(connected(), lastError, sentRecords.get(), ackedRecords.get(), inFlight, lag, phase);
    }

    @Override
    public void close() {
        if (transactional != null) {
            transactional.close();
            return;
        }
        Thread t;
        synchronized (this) {
            running = false;
            closing.countDown();
            t = thread;
        }
        if (t != null) {
            try {
                // Not interrupted on purpose: an interrupt would close the spool's file channels.
                t.join(SETTLE_TIMEOUT.plus(CLOSE_TIMEOUT).plusSeconds(15).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        missingTopics.close();
    }

    /** Exactly-once only: stops like a killed process would, see {@link TransactionalForwarder#abandonForTest}. */
    void abandonForTest(boolean afterKafkaCommit) {
        transactional.abandonForTest(afterKafkaCommit);
    }

    private boolean connected() {
        Producer<byte[], byte[]> p = producer; // read once: the forwarder thread may drop it meanwhile
        if (failing || p == null) {
            return false;
        }
        if (inFlight > 0 && ticker.nanoTime() - lastProgressNanos > TimeUnit.MILLISECONDS.toNanos(stallMillis)) {
            return false; // records wait longer than a request may take: the link is down or stalled
        }
        Metric connections = connectionCount;
        if (connections == null) {
            connections = findConnectionCount(p);
            connectionCount = connections;
        }
        return connections == null || ((Number) connections.metricValue()).doubleValue() > 0;
    }

    private static Metric findConnectionCount(Producer<byte[], byte[]> producer) {
        for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
            if (e.getKey().name().equals("connection-count")
                    && e.getKey().group().equals("producer-metrics")) {
                return e.getValue();
            }
        }
        return null;
    }

    private void run() {
        try {
            while (running) {
                attempt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            // Retrying in this thread cannot cure these. The state says why for /readyz, and the Error goes on to
            // the thread's uncaught-exception handler: the gateway's halts the process so a supervisor restarts it.
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.error("Forwarder stopped by a fatal error; nothing is forwarded until the gateway restarts", e);
            throw e;
        } finally {
            producer = null;
            phase = ForwarderState.Phase.STOPPED;
        }
    }

    /**
     * One producer's life: make it, forward until a send fails or the forwarder closes. Any failure on the way
     * (the producer cannot be made, the spool throws, a bug) is backed off here and the caller tries again.
     */
    private void attempt() throws InterruptedException {
        Producer<byte[], byte[]> p = null;
        try {
            if (resumeNeeded) {
                resume();
            }
            p = newProducer();
            if (p == null) {
                return;
            }
            Exception failure = forward(p);
            if (failure == null) {
                shutDown(p);
                return;
            }
            recover(p, failure);
        } catch (RuntimeException e) {
            unexpected(p, e);
        }
    }

    /** Starts from the spool's committed positions: at start, and after a failure left the cursor anywhere. */
    private void resume() {
        cursor.rewind();
        for (Lane lane : Lane.values()) {
            committedUpTo[lane.ordinal()] = cursor.committed(lane);
        }
        resumeNeeded = false;
    }

    /** A new producer on the bootstrap list as it reads now, or null (after a backoff) if none can be made. */
    private Producer<byte[], byte[]> newProducer() throws InterruptedException {
        String bootstrap = bootstrapServers.get();
        attemptBootstrap = bootstrap;
        Map<String, Object> settings = new LinkedHashMap<>(producerSettings);
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Producer<byte[], byte[]> p;
        try {
            p = producerFactory.create(settings);
        } catch (RuntimeException e) {
            // Kafka's constructor throws for names that do not resolve (a ConfigException, not retriable by its
            // type), for a missing key store and more; the next attempt may find the world changed.
            phase = ForwarderState.Phase.RETRYING;
            producerUnavailable = true;
            failed(KafkaFailure.of(e, bootstrap), null);
            backOff();
            return null;
        }
        generation++;
        outstanding = 0;
        connectionCount = null;
        producer = p;
        phase = ForwarderState.Phase.SENDING;
        if (producerUnavailable) {
            producerUnavailable = false;
            recovered("a Kafka producer could be made");
        }
        return p;
    }

    /**
     * A failure nobody planned for, in the spool or in this code. It is logged with its stack trace once per
     * episode, and retried like any other: a thread that stopped here would leave the gateway acknowledging
     * devices and forwarding nothing.
     */
    private void unexpected(Producer<byte[], byte[]> p, RuntimeException e) throws InterruptedException {
        failed(KafkaFailure.of(e, attemptBootstrap), e);
        if (p != null) {
            try {
                p.close(Duration.ZERO);
            } catch (RuntimeException closeFailure) {
                log.debug("Closing the producer after a failure failed too", closeFailure);
            }
        }
        producer = null;
        forgetInFlight();
        resumeNeeded = true;
        backOff();
    }

    /**
     * Counts a failure and makes it the reported error; logs it only when an episode starts or its cause
     * changes, so an outage of hours is a few lines, not one per attempt. {@code trace} non-null logs an
     * error with its stack trace (something unplanned), else a warning.
     */
    private void failed(KafkaFailure failure, Throwable trace) {
        metrics.error(failure.reason());
        if (!failing || !failure.detail().equals(lastError)) {
            if (trace != null) {
                log.error("Forwarder failed unexpectedly, retrying after a backoff: {}", failure.detail(), trace);
            } else {
                log.warn("Kafka not reachable, retrying after a backoff: {}", failure.detail());
            }
        } else {
            log.debug("Kafka failure again (attempt {}): {}", backoff.failures() + 1, failure.detail());
        }
        if (!failing) {
            failingSinceMillis = clock.millis();
        }
        failing = true;
        lastError = failure.detail();
    }

    private void backOff() throws InterruptedException {
        closing.await(backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads, sends and commits until a send fails (returns the cause) or the forwarder closes (returns null). */
    private Exception forward(Producer<byte[], byte[]> p) throws InterruptedException {
        while (running) {
            Exception failure = drainAcks(0);
            commitLanes(false);
            if (failure != null) {
                return failure;
            }
            int room = options.maxInFlightRecords() - inFlight;
            if (room > 0) {
                // Block on the spool, not on Kafka: an append wakes this thread at once, and the
                // acknowledgements that arrive meanwhile are applied on the next turn.
                List<SpooledRecord> batch = cursor.poll(Math.min(options.pollBatch(), room), pollWaitMillis());
                if (!batch.isEmpty()) {
                    failure = send(p, batch);
                    if (failure != null) {
                        return failure;
                    }
                    if (batch.size() < options.pollBatch() && inFlight > 0) {
                        closing.await(GATHER_MICROS, TimeUnit.MICROSECONDS);
                    }
                }
            } else {
                // Window full: only an acknowledgement can make room.
                failure = drainAcks(50);
                commitLanes(false);
                if (failure != null) {
                    return failure;
                }
            }
        }
        return null;
    }

    /** How long a spool read may wait: idle, until a pending commit is due; with records in flight, briefly. */
    private long pollWaitMillis() {
        if (inFlight > 0) {
            return ACK_CHECK_MILLIS;
        }
        if (commitPending()) {
            long dueIn = COMMIT_EVERY_NANOS - (ticker.nanoTime() - lastCommitNanos);
            return Math.max(1, Math.min(IDLE_POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(dueIn) + 1));
        }
        return IDLE_POLL_MILLIS;
    }

    private Exception send(Producer<byte[], byte[]> p, List<SpooledRecord> batch) {
        long gen = generation;
        int sentNow = 0;
        try {
            for (SpooledRecord record : batch) {
                // KafkaProducer reports some failures (metadata timeout) through the callback, on this
                // thread, without throwing: stop at once, or the lane's next record would overtake it.
                if (failedGeneration.get() == gen) {
                    return parkRefused(); // drainAcks() returns the cause next
                }
                Exception failure = sendOne(p, gen, record);
                if (failure != null) {
                    Exception parking = parkRefused();
                    return parking != null ? parking : failure;
                }
                sentNow++;
            }
            return parkRefused();
        } finally {
            sentRecords.addAndGet(sentNow);
            metrics.sent(sentNow);
            updateOldest();
        }
    }

    private Exception sendOne(Producer<byte[], byte[]> p, long gen, SpooledRecord record) {
        Lane lane = record.lane();
        long sequence = record.sequence();
        if (inFlight == 0) {
            lastProgressNanos = ticker.nanoTime();
        }
        windows.get(lane).sent(sequence, record.envelope().creationTime());
        inFlight++;
        String parkReason = parkReasonBeforeSend(record);
        if (parkReason != null) {
            toPark.add(new ToPark(record, parkReason));
            return null;
        }
        Set<Long> sendTime = restamped.get(lane);
        ProducerRecord<byte[], byte[]> kafkaRecord =
                mapper.toProducerRecord(record, !sendTime.isEmpty() && sendTime.contains(sequence));
        inlineError = null;
        try {
            p.send(kafkaRecord, (metadata, error) -> {
                if (error != null && Thread.currentThread() == thread) {
                    // refused inside send() (metadata wait, size check): decided right here, with the record at hand
                    inlineError = error;
                    return;
                }
                if (error != null) {
                    failedGeneration.set(gen);
                }
                acks.add(new Ack(gen, lane, sequence, error));
            });
        } catch (KafkaException e) {
            inlineError = e;
        }
        Exception error = inlineError;
        inlineError = null;
        if (error == null) {
            outstanding++;
            return null;
        }
        String reason = refusedForGood(record.envelope().topic(), error);
        if (reason != null) {
            toPark.add(new ToPark(record, reason));
            return null;
        }
        if (timestampRefused(error)) {
            restamp(lane, sequence, error);
        }
        return error;
    }

    /** Why the record goes to the parking area without being sent (its topic is known to be missing), or null. */
    private String parkReasonBeforeSend(SpooledRecord record) {
        Map<Long, String> later = parkOnResend.get(record.lane());
        if (!later.isEmpty()) {
            String reason = later.remove(record.sequence());
            if (reason != null) {
                return reason;
            }
        }
        return missingTopics.stillMissing(record.envelope().topic());
    }

    /**
     * Why Kafka will never take a record it refused with {@code error}, or null when sending again may work. A topic
     * that may be missing is asked for (bounded wait): only Kafka saying it does not exist parks the record.
     */
    private String refusedForGood(String topic, Throwable error) {
        return switch (KafkaRefusal.classify(error)) {
            case PARK -> KafkaFailure.of(error, attemptBootstrap).detail();
            case TOPIC_MAY_BE_MISSING -> missingTopics.confirmMissing(topic);
            case RETRY -> null;
        };
    }

    /**
     * Writes the records refused for good to the spool's parking area (durable when it returns), and only then
     * counts them as done in their windows, so the lanes are committed past them. Logged once per topic.
     *
     * @return a failure to write them (they stay in their lanes: the caller rewinds), or null
     */
    private Exception parkRefused() {
        if (toPark.isEmpty()) {
            return null;
        }
        Map<String, List<SpooledRecord>> byReason = new LinkedHashMap<>();
        for (ToPark t : toPark) {
            byReason.computeIfAbsent(t.reason(), r -> new ArrayList<>()).add(t.record());
        }
        try {
            for (Map.Entry<String, List<SpooledRecord>> e : byReason.entrySet()) {
                int dropped = cursor.park(e.getValue(), e.getKey());
                if (dropped > 0) {
                    log.error("Parking area full: {} records refused by Kafka dropped ({})", dropped, e.getKey());
                }
            }
        } catch (RuntimeException e) {
            toPark.clear();
            return e;
        }
        for (ToPark t : toPark) {
            if (windows.get(t.record().lane()).acked(t.record().sequence())) {
                inFlight--;
            }
            parkedRecords.incrementAndGet();
            metrics.parked(
                    t.reason().contains(":")
                            ? t.reason().substring(0, t.reason().indexOf(':'))
                            : "other");
            String topic = t.record().envelope().topic();
            if (parkLogged.size() < 10_000 && parkLogged.add(topic)) {
                log.warn(
                        "Kafka refuses records for topic {} for good ({}): parking them in the spool's parked/ area;"
                                + " other topics keep flowing. Fix the cause, then run 'fogbridge spool replay-parked'",
                        topic,
                        t.reason());
            }
        }
        toPark.clear();
        lastProgressNanos = ticker.nanoTime();
        return null;
    }

    /**
     * Applies every queued acknowledgement, waiting up to {@code waitMillis} for the first one.
     * Returns the first failure of the current producer, if any.
     */
    private Exception drainAcks(long waitMillis) throws InterruptedException {
        Ack ack = waitMillis > 0 ? acks.poll(waitMillis, TimeUnit.MILLISECONDS) : acks.poll();
        Exception failure = null;
        int ackedNow = 0;
        while (ack != null) {
            if (ack.generation() == generation) {
                outstanding--;
                if (ack.error() == null) {
                    if (windows.get(ack.lane()).acked(ack.sequence())) {
                        inFlight--;
                        ackedNow++;
                    }
                    Set<Long> sendTime = restamped.get(ack.lane());
                    if (!sendTime.isEmpty()) {
                        sendTime.remove(ack.sequence());
                    }
                } else {
                    if (KafkaRefusal.classify(ack.error()) == KafkaRefusal.Kind.PARK) {
                        // found out after the send: the rewind this failure causes reads it again, and then it is
                        // parked
                        parkOnResend
                                .get(ack.lane())
                                .put(
                                        ack.sequence(),
                                        KafkaFailure.of(ack.error(), attemptBootstrap)
                                                .detail());
                    }
                    if (timestampRefused(ack.error())) {
                        restamp(ack.lane(), ack.sequence(), ack.error());
                    }
                    if (failure == null) {
                        failure = ack.error();
                    }
                }
            }
            ack = acks.poll();
        }
        if (ackedNow > 0) {
            ackedRecords.addAndGet(ackedNow);
            metrics.acked(ackedNow);
            lastProgressNanos = ticker.nanoTime();
            if (failing && !settling) {
                recovered("Kafka acknowledges again");
            }
        }
        updateOldest();
        return failure;
    }

    /**
     * Kafka refused the record's timestamp: sent again (after the rewind this failure causes) with the send time, so
     * a wrong edge clock cannot wedge the lane until real time catches up with the stamps. Logged once per episode.
     */
    private void restamp(Lane lane, long sequence, Exception cause) {
        boolean first = restamped.values().stream().allMatch(Set::isEmpty);
        restamped.get(lane).add(sequence);
        if (first) {
            log.warn(
                    "Kafka refuses the arrival-time stamps of records ({}): the edge clock and Kafka's are further"
                            + " apart than the topic allows; sending them again stamped with the send time",
                    KafkaFailure.of(cause, bootstrapServers.get()).detail());
        }
    }

    /** A timestamp outside the broker's {@code log.message.timestamp.after/before.max.ms}. */
    static boolean timestampRefused(Throwable error) {
        // Kafka reports it per record as INVALID_TIMESTAMP, which the client surfaces as an InvalidRecordException
        // whose message names the timestamp ("Timestamp … is out of range").
        return error instanceof InvalidTimestampException
                || (error instanceof InvalidRecordException
                        && error.getMessage() != null
                        && error.getMessage().contains("imestamp"));
    }

    /**
     * Moves each lane's committed position to its window's commit point, when forced or when a
     * batch of commits is due (see {@link #COMMIT_EVERY_NANOS}).
     */
    private void commitLanes(boolean force) {
        long now = ticker.nanoTime();
        boolean due = force || now - lastCommitNanos >= COMMIT_EVERY_NANOS;
        boolean committed = false;
        for (Map.Entry<Lane, LaneWindow> e : windows.entrySet()) {
            int lane = e.getKey().ordinal();
            long point = e.getValue().commitPoint();
            if (point > committedUpTo[lane] && (due || point - committedUpTo[lane] >= commitBatch)) {
                cursor.commit(e.getKey(), point);
                committedUpTo[lane] = point;
                e.getValue().committed();
                committed = true;
            }
        }
        if (committed) {
            lastCommitNanos = now;
        }
    }

    private boolean commitPending() {
        for (Map.Entry<Lane, LaneWindow> e : windows.entrySet()) {
            if (e.getValue().commitPoint() > committedUpTo[e.getKey().ordinal()]) {
                return true;
            }
        }
        return false;
    }

    /** After a failure: settle, drop the producer, rewind, back off. */
    private void recover(Producer<byte[], byte[]> p, Exception failure) throws InterruptedException {
        failed(KafkaFailure.of(failure, attemptBootstrap), null);

        // Let what is in flight settle so acknowledged records are committed and not re-sent.
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        settling = true;
        try {
            while (outstanding > 0 && System.nanoTime() < deadline && running) {
                drainAcks(20);
                commitLanes(true);
            }
            commitLanes(true); // everything acknowledged before the rewind, so it is not sent again
        } finally {
            settling = false;
        }
        p.close(Duration.ZERO);
        producer = null;
        forgetInFlight();
        resumeNeeded = true; // the next attempt rewinds, and if the rewind throws it retries again before reading
        backOff();
    }

    /** Drops what the current producer owes: the next producer resends it from the committed position. */
    private void forgetInFlight() {
        acks.clear();
        for (LaneWindow window : windows.values()) {
            window.reset();
        }
        inFlight = 0;
        updateOldest();
    }

    private void recovered(String how) {
        failing = false;
        lastError = null;
        log.info(
                "Kafka failure episode over ({}) after {} ms and {} failed attempts",
                how,
                clock.millis() - failingSinceMillis,
                backoff.failures());
        backoff.reset();
    }

    /** On close: give in-flight records a moment to be acknowledged and committed, then close the producer. */
    private void shutDown(Producer<byte[], byte[]> p) throws InterruptedException {
        // No flush(): with Kafka down it would block for the whole delivery timeout.
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        while (outstanding > 0 && System.nanoTime() < deadline) {
            drainAcks(20);
        }
        drainAcks(0);
        commitLanes(true);
        p.close(CLOSE_TIMEOUT);
    }

    private void updateOldest() {
        long oldest = -1;
        for (LaneWindow window : windows.values()) {
            long o = window.oldestCreation();
            if (o >= 0 && (oldest < 0 || o < oldest)) {
                oldest = o;
            }
        }
        oldestCreation = oldest;
    }
}
