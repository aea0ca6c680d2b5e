package io.fogbridge.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The load generator, run as its own process by {@link E2eBench}: {@code clients} MQTT 5 connections to the
 * gateway publishing QoS 1 telemetry with {@link Payload}s, either as fast as the PUBACKs allow ({@code --rate 0})
 * or at a fixed total rate spread evenly over the clients.
 *
 * <p>Stdout protocol (one line each): {@code CONNECTED <n>}, {@code STARTED <epochMicros>}, then
 * {@code PROGRESS <json>} every second, and at the end {@code RESULT <json>} with what each client sent and
 * which sequence numbers were not acknowledged, so the verifying consumer can tell missing from refused.
 */
public final class LoadGenerator {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String host;
    private final int port;
    private final int clientCount;
    private final int window;
    private final double rate;
    private final long messages;
    private final long durationMillis;
    private final long warmupMillis;
    private final String tenant;
    private final Payload payload;
    private final LoadCounters counters = new LoadCounters();
    private final List<LoadClient> clients = new ArrayList<>();
    private volatile boolean stopped;

    private LoadGenerator(CliArgs a) {
        host = a.string("host", "127.0.0.1");
        port = a.integer("port", 1883);
        clientCount = a.integer("clients", 10);
        window = a.integer("window", 1);
        rate = Double.parseDouble(a.string("rate", "0"));
        messages = a.longValue("messages", 0);
        durationMillis = a.longValue("duration-ms", 30_000);
        warmupMillis = a.longValue("warmup-ms", 0);
        tenant = a.string("tenant", "bench");
        payload = new Payload(a.integer("size", 200), 42);
        a.checkAllUsed();
    }

    public static void main(String[] args) throws Exception {
        new LoadGenerator(new CliArgs(args, Set.of())).run();
        System.exit(0);
    }

    private void run() throws Exception {
        connectAll();
        System.out.println("CONNECTED " + clients.size());
        long startMicros = Payload.nowMicros();
        long startNanos = System.nanoTime();
        System.out.println("STARTED " + startMicros);
        System.out.flush();

        Window measured = new Window();
        if (warmupMillis == 0) {
            measured.begin(startNanos, 0);
        }
        Thread progress =
                Thread.ofPlatform().daemon().name("progress").start(() -> reportProgress(startNanos, measured));
        if (rate > 0) {
            driveFixedRate(startMicros, startNanos);
        } else {
            driveFlat(startNanos);
        }
        long stopNanos = System.nanoTime();
        long ackedAtStop = counters.acked.sum();
        measured.end(stopNanos, ackedAtStop, startNanos);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (LoadClient client : clients) {
            client.drain(deadline);
        }
        progress.interrupt();
        System.out.println("RESULT " + JSON.writeValueAsString(result(startMicros, startNanos, measured)));
        System.out.flush();
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (LoadClient client : clients) {
            closing.add(client.mqtt().disconnect());
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, 5, TimeUnit.SECONDS)
                .exceptionally(e -> null)
                .join();
    }

    private void connectAll() throws Exception {
        // A few connects at a time: a thousand at once only makes the gateway time some out.
        Semaphore parallel = new Semaphore(50);
        List<CompletableFuture<?>> connects = new ArrayList<>();
        String run = Long.toString(System.currentTimeMillis() % 100_000, 36);
        for (int i = 0; i < clientCount; i++) {
            Mqtt5AsyncClient mqtt = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier("bench-" + run + "-" + i)
                    .serverHost(host)
                    .serverPort(port)
                    .buildAsync();
            clients.add(new LoadClient(i, mqtt, "telemetry/" + tenant + "/dev-" + i, payload, window, counters));
            parallel.acquire();
            connects.add(mqtt.connectWith()
                    .cleanStart(true)
                    .keepAlive(60)
                    .send()
                    .orTimeout(60, TimeUnit.SECONDS)
                    .whenComplete((ack, error) -> parallel.release()));
        }
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    }

    private void driveFlat(long startNanos) throws InterruptedException {
        long perClient = messages == 0 ? 0 : (messages + clientCount - 1) / clientCount;
        for (LoadClient client : clients) {
            client.startFlat(perClient, () -> stopped);
        }
        long endNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(durationMillis);
        while (!stopped) {
            boolean quotaDone = messages > 0 && counters.acked.sum() + counters.failed.sum() >= perClient * clientCount;
            if (System.nanoTime() >= endNanos || quotaDone) {
                stopped = true;
            } else {
                Thread.sleep(5);
            }
        }
    }

    /** Message k goes to client k mod n at start + k/rate: every client at rate/n, spread evenly. */
    private void driveFixedRate(long startMicros, long startNanos) {
        double intervalNanos = 1e9 / rate;
        long endNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(durationMillis);
        for (long k = 0; messages == 0 || k < messages; k++) {
            long dueNanos = startNanos + (long) (k * intervalNanos);
            long wait = dueNanos - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (dueNanos >= endNanos) {
                break;
            }
            clients.get((int) (k % clientCount)).due(startMicros + (dueNanos - startNanos) / 1_000, () -> stopped);
        }
        stopped = true;
    }

    private void reportProgress(long startNanos, Window measured) {
        long nextPrint = startNanos + TimeUnit.SECONDS.toNanos(1);
        long warmupEnd = startNanos + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
        while (!Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            long now = System.nanoTime();
            if (!measured.started() && now >= warmupEnd) {
                measured.begin(now, counters.acked.sum());
                counters.pubackMicros.getIntervalHistogram(); // PUBACK latency: only the measured window
            }
            if (now >= nextPrint) {
                nextPrint += TimeUnit.SECONDS.toNanos(1);
                ObjectNode line = JSON.createObjectNode()
                        .put("t", (now - startNanos) / 1e9)
                        .put("sent", counters.sent.sum())
                        .put("acked", counters.acked.sum())
                        .put("failed", counters.failed.sum());
                System.out.println("PROGRESS " + line);
                System.out.flush();
            }
        }
    }

    private ObjectNode result(long startMicros, long startNanos, Window measured) {
        ObjectNode r = JSON.createObjectNode();
        r.put("clients", clients.size());
        r.put("startMicros", startMicros);
        r.put("sentTotal", counters.sent.sum());
        r.put("ackedTotal", counters.acked.sum());
        r.put("failedTotal", counters.failed.sum());
        r.put("measuredSeconds", measured.seconds());
        r.put("measuredRate", measured.rate());
        r.put("measuredFromMicros", startMicros + (measured.beginNanos - startNanos) / 1_000);
        Histogram puback = counters.pubackMicros.getIntervalHistogram();
        r.put("pubackP50Ms", puback.getValueAtPercentile(50) / 1000.0);
        r.put("pubackP99Ms", puback.getValueAtPercentile(99) / 1000.0);
        ArrayNode sent = r.putArray("sent");
        ArrayNode unconfirmed = r.putArray("unconfirmed");
        for (int i = 0; i < clients.size(); i++) {
            LoadClient client = clients.get(i);
            sent.add(client.sent());
            BitSet bad = client.unconfirmed();
            for (int seq = bad.nextSetBit(0); seq >= 0; seq = bad.nextSetBit(seq + 1)) {
                unconfirmed.addArray().add(i).add(seq);
            }
        }
        return r;
    }

    /** The measured window: from the end of the warm-up to the stop; acknowledged messages in it per second. */
    private static final class Window {
        private volatile long beginNanos;
        private volatile long beginAcked;
        private volatile boolean begun;
        private long endNanos;
        private long endAcked;

        boolean started() {
            return begun;
        }

        void begin(long nanos, long acked) {
            beginNanos = nanos;
            beginAcked = acked;
            begun = true;
        }

        void end(long nanos, long acked, long startNanos) {
            if (!begun) {
                // shorter than the warm-up: measure the whole run rather than nothing
                begin(startNanos, 0);
            }
            endNanos = nanos;
            endAcked = acked;
        }

        double seconds() {
            return (endNanos - beginNanos) / 1e9;
        }

        double rate() {
            return seconds() <= 0 ? 0 : (endAcked - beginAcked) / seconds();
        }
    }
}
