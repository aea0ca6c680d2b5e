package io.fogbridge.bench.e2e;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The second harness style of issue 16: load generator and verifying consumer in <em>one</em> process (this one),
 * latency counted from each message's <em>intended</em> send time, so a load generator or gateway that falls behind
 * shows as latency (coordinated omission counted). Kafka and the gateway are their own processes, as in {@link
 * E2eBench}; everything else differs on purpose from that harness: no per-client window (each client publishes at
 * its schedule, the HiveMQ client queues what the broker's receive maximum does not let through), the consumer uses
 * Kafka's client defaults, and it shares this JVM (heap, GC, cores) with the publishers.
 *
 * <p>Besides the end-to-end figure it splits each message's time where it can, so a gap between the harnesses can be
 * placed: <b>schedule lag</b> (actual − intended send: the load generator itself), <b>PUBLISH → PUBACK</b> (broker,
 * pipeline, spool), <b>to the gateway</b> (the record's Kafka timestamp, the gateway's arrival time, − actual send:
 * client, TCP, broker), and <b>gateway → consumer</b> (receive − arrival: spool, forwarder, producer linger, Kafka,
 * consumer poll). Same machine, same clock; the arrival time has millisecond resolution.
 *
 * <pre>
 * bench/latency-one-process.sh --rate 5000 --clients 100 --duration 30 --warmup 10 --runs 3
 * </pre>
 *
 * Options: {@code --gateway-dist} (as E2eBench), {@code --gateway-opts}, {@code --fsync}, {@code --size},
 * {@code --runs} (each with a fresh gateway and topic, one Kafka).
 */
public final class OneProcessLatency {

    private final int clients;
    private final double rate;
    private final int size;
    private final long durationMillis;
    private final long warmupMillis;

    private OneProcessLatency(int clients, double rate, int size, long durationMillis, long warmupMillis) {
        this.clients = clients;
        this.rate = rate;
        this.size = size;
        this.durationMillis = durationMillis;
        this.warmupMillis = warmupMillis;
    }

    public static void main(String[] args) throws Exception {
        CliArgs a = new CliArgs(args, Set.of());
        int clients = a.integer("clients", 100);
        double rate = Double.parseDouble(a.string("rate", "5000"));
        int size = a.integer("size", 200);
        int duration = a.integer("duration", 30);
        int warmup = a.integer("warmup", 10);
        int runs = a.integer("runs", 1);
        String fsync = a.string("fsync", "group");
        String benchClasspath = System.getProperty("java.class.path");
        String gatewayClasspath = E2eBench.gatewayClasspath(a.string("gateway-dist", null), benchClasspath);
        String gatewayOpts = E2eBench.gatewayOpts(a);
        a.checkAllUsed();
        Path work = Files.createTempDirectory("fogbridge-one-process-");
        Machine machine = Machine.current();
        System.out.printf(
                "one-process harness: %d clients, %.0f msg/s, %d B, %d s (+%d s warm-up), fsync %s, %d run(s);"
                        + " load average %s%n",
                clients, rate, size, duration, warmup, fsync, runs, machine.loadAverage());
        try (KafkaProcess kafka = KafkaProcess.startIn(benchClasspath, work)) {
            for (int run = 1; run <= runs; run++) {
                String tenant = "one" + run + Long.toString(System.currentTimeMillis() % 100_000, 36);
                try (GatewayProcess gateway = GatewayProcess.startForTenant(
                        gatewayClasspath, E2eBench.splitOptions(gatewayOpts), work, kafka, tenant, fsync)) {
                    Result r = new OneProcessLatency(clients, rate, size, duration * 1000L, warmup * 1000L)
                            .measure(
                                    gateway.mqttPort(),
                                    kafka.bootstrapServers(),
                                    GatewayProcess.telemetryTopic(tenant),
                                    tenant);
                    System.out.printf(
                            "run %d (load average %s): %s%n",
                            run, Machine.current().loadAverage(), r);
                }
            }
        } finally {
            E2eBench.deleteTree(work);
        }
        System.exit(0);
    }

    /** Percentiles in milliseconds, and what was sent, acknowledged and read in the measured window. */
    record Result(
            long sent,
            long acked,
            long measured,
            long received,
            Histogram endToEnd,
            Histogram fromActual,
            Histogram scheduleLag,
            Histogram puback,
            Histogram toGateway,
            Histogram gatewayToConsumer) {
        @Override
        public String toString() {
            return String.format(
                    "sent %,d acked %,d, measured %,d, read back %,d of them; from the intended send %s | schedule lag"
                            + " %s | PUBLISH->PUBACK %s | to the gateway %s | gateway->consumer %s | from the actual send"
                            + " %s",
                    sent,
                    acked,
                    measured,
                    received,
                    pct(endToEnd),
                    pct(scheduleLag),
                    pct(puback),
                    pct(toGateway),
                    pct(gatewayToConsumer),
                    pct(fromActual));
        }

        private static String pct(Histogram h) {
            return String.format(
                    "p50 %.1f p99 %.1f max %.1f ms",
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
        }
    }

    private Result measure(int mqttPort, String bootstrap, String topic, String tenant) throws Exception {
        Payload payload = new Payload(size, 7);
        List<Mqtt5AsyncClient> mqtt = connect(mqttPort, tenant);
        LongAdder sent = new LongAdder();
        LongAdder acked = new LongAdder();
        Recorder puback = new Recorder(3);
        long startMicros = Payload.nowMicros() + 500_000; // after the consumer is positioned
        long measureFrom = startMicros + warmupMillis * 1000;
        long endMicros = startMicros + durationMillis * 1000 + warmupMillis * 1000;
        Consumer consumer = new Consumer(bootstrap, topic, measureFrom, endMicros);
        Thread reader = Thread.ofPlatform().name("consumer").start(consumer);
        consumer.ready.join();
        long startNanos = System.nanoTime() + (startMicros - Payload.nowMicros()) * 1000;
        double intervalNanos = 1e9 / rate;
        for (long k = 0; ; k++) {
            long due = startNanos + (long) (k * intervalNanos);
            long intended = startMicros + (due - startNanos) / 1000;
            if (intended >= endMicros) {
                break;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int c = (int) (k % clients);
            long actual = Payload.nowMicros();
            long actualNanos = System.nanoTime();
            boolean counted = intended >= measureFrom;
            sent.increment();
            mqtt.get(c)
                    .publishWith()
                    .topic("telemetry/" + tenant + "/dev-" + c)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload.encode(c, k / clients, intended, actual))
                    .send()
                    .whenComplete((r, e) -> {
                        if (e == null && r.getError().isEmpty()) {
                            acked.increment();
                            if (counted) {
                                puback.recordValue(Math.max(0, (System.nanoTime() - actualNanos) / 1000));
                            }
                        }
                    });
        }
        consumer.expectedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        reader.join();
        for (Mqtt5AsyncClient m : mqtt) {
            m.disconnect().exceptionally(e -> null).join();
        }
        return new Result(
                sent.sum(),
                acked.sum(),
                consumer.measured(),
                consumer.endToEnd.getTotalCount(),
                consumer.endToEnd,
                consumer.fromActual,
                consumer.scheduleLag,
                puback.getIntervalHistogram(),
                consumer.toGateway,
                consumer.gatewayToConsumer);
    }

    private List<Mqtt5AsyncClient> connect(int port, String tenant) {
        List<Mqtt5AsyncClient> list = new ArrayList<>();
        List<CompletableFuture<?>> connects = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Mqtt5AsyncClient m = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier(tenant + "-" + i)
                    .serverHost("127.0.0.1")
                    .serverPort(port)
                    .buildAsync();
            list.add(m);
            connects.add(m.connectWith().cleanStart(true).send());
        }
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new))
                .orTimeout(120, TimeUnit.SECONDS)
                .join();
        return list;
    }

    /**
     * A consumer with the client's defaults (the independent style: nothing tuned for latency), on partition 0 of
     * {@code topic}, positioned at its start.
     */
    static KafkaConsumer<byte[], byte[]> fromStart(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        consumer.position(tp);
        return consumer;
    }

    /** Reads the topic from the start with the client's defaults; books each record sent in the measured window. */
    private final class Consumer implements Runnable {
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final Histogram endToEnd = histogram();
        final Histogram fromActual = histogram();
        final Histogram scheduleLag = histogram();
        final Histogram toGateway = histogram();
        final Histogram gatewayToConsumer = histogram();
        private final String bootstrap;
        private final String topic;
        private final long measureFrom;
        private final long endMicros;
        volatile long expectedBy = Long.MAX_VALUE;

        Consumer(String bootstrap, String topic, long measureFrom, long endMicros) {
            this.bootstrap = bootstrap;
            this.topic = topic;
            this.measureFrom = measureFrom;
            this.endMicros = endMicros;
        }

        /** Messages the schedule put in the measured window. */
        long measured() {
            return (long) ((endMicros - measureFrom) / 1e6 * rate);
        }

        @Override
        public void run() {
            try (KafkaConsumer<byte[], byte[]> c = fromStart(bootstrap, topic)) {
                ready.complete(null);
                long expected = measured();
                while (endToEnd.getTotalCount() < expected && System.nanoTime() < expectedBy) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                        long now = Payload.nowMicros();
                        Payload.Stamp s = Payload.decode(r.value());
                        if (s != null && s.sendMicros() >= measureFrom && s.sendMicros() < endMicros) {
                            record(endToEnd, now - s.sendMicros());
                            record(fromActual, now - s.actualSendMicros());
                            record(scheduleLag, s.actualSendMicros() - s.sendMicros());
                            record(toGateway, r.timestamp() * 1000 - s.actualSendMicros());
                            record(gatewayToConsumer, now - r.timestamp() * 1000);
                        }
                    }
                }
            } catch (RuntimeException e) {
                ready.completeExceptionally(e);
                throw e;
            }
        }

        private static void record(Histogram h, long micros) {
            h.recordValue(Math.min(h.getHighestTrackableValue(), Math.max(0, micros)));
        }

        private static Histogram histogram() {
            return new Histogram(TimeUnit.HOURS.toMicros(1), 3);
        }
    }
}
