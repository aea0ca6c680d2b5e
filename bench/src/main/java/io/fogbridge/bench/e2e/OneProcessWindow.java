package io.fogbridge.bench.e2e;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Issue 16's one-connection target in the second harness style: the publishers and, against the gateway, the
 * verifying Kafka consumer in one JVM (this one), Kafka and the gateway each their own process. Each client is a
 * thread that takes one of {@code window} permits before each QoS 1 PUBLISH and gets it back with the PUBACK, the way
 * an application drives an asynchronous client. {@link E2eBench}'s load generator instead sends the next PUBLISH from
 * the PUBACK callback itself, on the client's own event loop, with no thread in between; this class is here to show
 * what that difference does to the reference and to the gateway (BENCHMARKS.md, "Performance II").
 *
 * <p>One invocation measures mosquitto alone (no persistence, no in-flight limit: the reference), the gateway with its
 * consumer reading every record back, and mosquitto again, so a drift of the machine's load shows. It exits 1 when a
 * run was broken: a PUBLISH failed or went unanswered, or (the gateway) an acknowledged message was not read back
 * from Kafka; 2 when the harness itself failed.
 *
 * <pre>
 * bench/one-connection.sh runs it after E2eBench's runs; alone:
 * java -cp … io.fogbridge.bench.e2e.OneProcessWindow --clients 1 --window 32 --duration 15 --warmup 5 --fsync group
 * </pre>
 */
public final class OneProcessWindow {

    private final int clients;
    private final int window;
    private final Payload payload;
    private final long durationMillis;
    private final long warmupMillis;

    private OneProcessWindow(int clients, int window, int size, long durationMillis, long warmupMillis) {
        this.clients = clients;
        this.window = window;
        this.payload = new Payload(size, 7);
        this.durationMillis = durationMillis;
        this.warmupMillis = warmupMillis;
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args) ? 1 : 0;
        } catch (Exception e) {
            // the MQTT client's threads would keep a JVM that only returned from main alive
            e.printStackTrace();
            status = 2;
        }
        System.exit(status);
    }

    /** One invocation; true when a run was broken ({@link Result#broken()}). */
    private static boolean run(String[] args) throws Exception {
        CliArgs a = new CliArgs(args, Set.of());
        int clients = a.integer("clients", 1);
        int window = a.integer("window", 32);
        int size = a.integer("size", 200);
        int duration = a.integer("duration", 15);
        int warmup = a.integer("warmup", 5);
        String fsync = a.string("fsync", "group");
        String benchClasspath = System.getProperty("java.class.path");
        String gatewayClasspath = E2eBench.gatewayClasspath(a.string("gateway-dist", null), benchClasspath);
        String gatewayOpts = E2eBench.gatewayOpts(a);
        a.checkAllUsed();
        OneProcessWindow bench = new OneProcessWindow(clients, window, size, duration * 1000L, warmup * 1000L);
        Path work = Files.createTempDirectory("fogbridge-one-process-window-");
        System.out.printf(
                "one-process window harness: %d client(s), window %d, %d B, %d s (+%d s warm-up), fsync %s;"
                        + " load average %s%n",
                clients,
                window,
                size,
                duration,
                warmup,
                fsync,
                Machine.current().loadAverage());
        boolean broken;
        try {
            Result first = bench.againstMosquitto(work.resolve("mosquitto-1"));
            System.out.println("mosquitto-1: " + first);
            broken = first.broken();
            try (KafkaProcess kafka = KafkaProcess.startIn(benchClasspath, work)) {
                String tenant = "win" + Long.toString(System.currentTimeMillis() % 100_000, 36);
                try (GatewayProcess gateway = GatewayProcess.startForTenant(
                        gatewayClasspath, E2eBench.splitOptions(gatewayOpts), work, kafka, tenant, fsync)) {
                    Result r = bench.measure(
                            gateway.mqttPort(),
                            tenant,
                            bench.new Verifier(kafka.bootstrapServers(), GatewayProcess.telemetryTopic(tenant)));
                    System.out.println("gateway: " + r);
                    broken |= r.broken();
                }
            }
            Result last = bench.againstMosquitto(work.resolve("mosquitto-2"));
            System.out.println("mosquitto-2: " + last);
            broken |= last.broken();
        } finally {
            E2eBench.deleteTree(work);
        }
        return broken;
    }

    /**
     * @param rate     PUBACKs per second in the measured window
     * @param acked    every PUBLISH acknowledged, warm-up included
     * @param lost     acknowledged but not read back from Kafka (gateway runs; -1: not checked)
     */
    record Result(double rate, long acked, long failed, long lost, String load) {
        @Override
        public String toString() {
            return String.format(
                    "%,.0f msg/s acknowledged in the measured window; %,d acknowledged in all, %,d failed; %s;"
                            + " load average %s",
                    rate, acked, failed, lost < 0 ? "no consumer" : "not read back from Kafka: " + lost, load);
        }

        /** Something went wrong: a PUBLISH failed or timed out, an acknowledged one is missing, or none went through. */
        boolean broken() {
            return failed > 0 || lost > 0 || acked == 0;
        }
    }

    private Result againstMosquitto(Path dir) throws Exception {
        Files.createDirectories(dir);
        int port = E2eBench.freePort();
        Path conf = Files.writeString(
                dir.resolve("mosquitto.conf"),
                "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\nmax_inflight_messages 0\n");
        try (ChildProcess mosquitto =
                ChildProcess.start("mosquitto", List.of("mosquitto", "-c", conf.toString()), dir.resolve("log"))) {
            awaitListening(port);
            return measure(port, "mosq", null);
        }
    }

    private Result measure(int port, String tenant, Verifier verifier) throws Exception {
        List<Mqtt5AsyncClient> mqtt = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Mqtt5AsyncClient client = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier(tenant + "-w" + c)
                    .serverHost("127.0.0.1")
                    .serverPort(port)
                    .buildAsync();
            client.connectWith().cleanStart(true).send().get(60, TimeUnit.SECONDS);
            mqtt.add(client);
        }
        Thread reader =
                verifier == null ? null : Thread.ofPlatform().name("consumer").start(verifier);
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
        long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(durationMillis);
        LongAdder inWindow = new LongAdder();
        LongAdder failed = new LongAdder();
        BitSet[] acked = new BitSet[clients];
        List<Thread> publishers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int index = c;
            acked[c] = new BitSet();
            publishers.add(Thread.ofPlatform()
                    .name("publisher-" + c)
                    .start(() ->
                            publish(mqtt.get(index), index, tenant, end, measureFrom, inWindow, failed, acked[index])));
        }
        for (Thread t : publishers) {
            t.join();
        }
        long ackedTotal = 0;
        for (BitSet b : acked) {
            synchronized (b) {
                ackedTotal += b.cardinality();
            }
        }
        long lost = -1;
        if (verifier != null) {
            verifier.expect(acked);
            reader.join();
            lost = verifier.missing(acked);
        }
        for (Mqtt5AsyncClient m : mqtt) {
            m.disconnect().exceptionally(e -> null).join();
        }
        double rate = inWindow.sum() / (durationMillis / 1000.0);
        return new Result(
                rate, ackedTotal, failed.sum(), lost, Machine.current().loadAverage());
    }

    /** One client's loop: a permit per PUBLISH, given back by its PUBACK; at the end, waits for the last ones. */
    private void publish(
            Mqtt5AsyncClient mqtt,
            int client,
            String tenant,
            long end,
            long measureFrom,
            LongAdder inWindow,
            LongAdder failed,
            BitSet acked) {
        Semaphore permits = new Semaphore(window);
        String topic = "telemetry/" + tenant + "/dev-" + client;
        try {
            for (long seq = 0; System.nanoTime() < end; seq++) {
                if (!permits.tryAcquire(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no PUBACK within 10 s");
                }
                long s = seq;
                long now = Payload.nowMicros();
                mqtt.publishWith()
                        .topic(topic)
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(payload.encode(client, s, now, now))
                        .send()
                        .whenComplete((r, e) -> {
                            if (e != null || r.getError().isPresent()) {
                                failed.increment();
                            } else {
                                long at = System.nanoTime();
                                if (at >= measureFrom && at < end) {
                                    inWindow.increment();
                                }
                                synchronized (acked) {
                                    acked.set((int) s);
                                }
                            }
                            permits.release();
                        });
            }
            if (!permits.tryAcquire(window, 30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("PUBACKs still missing 30 s after the run");
            }
        } catch (InterruptedException | RuntimeException e) {
            // counted as a failed PUBLISH: the run is broken, and the harness exits 1
            failed.increment();
            System.out.println("publisher-" + client + ": " + e);
        }
    }

    private static void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("mosquitto does not listen on " + port, e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** Reads the topic from the start while the clients publish, and remembers which (client, seq) came back. */
    private final class Verifier implements Runnable {
        private final String bootstrap;
        private final String topic;
        private final BitSet[] read;
        private volatile BitSet[] expected;
        private volatile long expectedBy = Long.MAX_VALUE;

        Verifier(String bootstrap, String topic) {
            this.bootstrap = bootstrap;
            this.topic = topic;
            this.read = new BitSet[clients];
            for (int c = 0; c < clients; c++) {
                read[c] = new BitSet();
            }
        }

        /** From now on, reading stops once all of {@code acked} came back, or after 60 s. */
        void expect(BitSet[] acked) {
            expectedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            expected = acked;
        }

        long missing(BitSet[] acked) {
            long missing = 0;
            for (int c = 0; c < clients; c++) {
                BitSet m;
                synchronized (acked[c]) { // a late PUBACK of a broken run may still set bits
                    m = (BitSet) acked[c].clone();
                }
                m.andNot(read[c]);
                missing += m.cardinality();
            }
            return missing;
        }

        @Override
        public void run() {
            try (KafkaConsumer<byte[], byte[]> consumer = OneProcessLatency.fromStart(bootstrap, topic)) {
                while (!done() && System.nanoTime() < expectedBy) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        Payload.Stamp s = Payload.decode(r.value());
                        if (s != null && s.client() >= 0 && s.client() < clients) {
                            read[s.client()].set((int) s.seq());
                        }
                    }
                }
            }
        }

        private boolean done() {
            BitSet[] e = expected;
            return e != null && missing(e) == 0;
        }
    }
}
