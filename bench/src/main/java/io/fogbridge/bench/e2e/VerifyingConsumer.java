package io.fogbridge.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The verifying consumer, run as its own process by {@link E2eBench}: reads every partition of the
 * telemetry topic from the beginning (no group: nothing to rebalance), and for each record of ours takes
 * latency = now − the send time in the payload, and books the sequence number in its client's
 * {@link ClientLedger}.
 *
 * <p>Stdout: {@code READY} once assigned, {@code PROGRESS <json>} every second. Stdin: {@code MEASURE_FROM
 * <epochMicros>} (latency counts only records sent from then on: the warm-up is left out), then
 * {@code EXPECT <json>} (the load generator's RESULT): the consumer then reads until every acknowledged
 * message arrived or nothing arrived for {@code --idle-timeout-ms}, and prints {@code RESULT <json>}.
 */
public final class VerifyingConsumer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrap;
    private final String topic;
    private final long idleTimeoutMillis;
    private final Map<Integer, ClientLedger> ledgers = new HashMap<>();
    private final Histogram latencyMicros = new Histogram(TimeUnit.HOURS.toMicros(1), 3);
    /**
     * From the actual PUBLISH instead of the intended one: without the load generator's own lateness at a
     * fixed rate (equal to {@link #latencyMicros} when it runs as fast as possible).
     */
    private final Histogram fromActualSendMicros = new Histogram(TimeUnit.HOURS.toMicros(1), 3);

    private volatile long measureFromMicros = Long.MAX_VALUE;
    private volatile JsonNode expected;
    private long received;
    private long foreign;

    private VerifyingConsumer(CliArgs a) {
        bootstrap = a.string("bootstrap", "127.0.0.1:9092");
        topic = a.string("topic", "fog.telemetry.bench");
        idleTimeoutMillis = a.longValue("idle-timeout-ms", 30_000);
        a.checkAllUsed();
    }

    public static void main(String[] args) throws Exception {
        new VerifyingConsumer(new CliArgs(args, Set.of())).run();
        System.exit(0);
    }

    private void run() throws Exception {
        Thread.ofPlatform().daemon().name("commands").start(this::readCommands);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position); // resolve positions now, before the load starts
            System.out.println("READY " + partitions.size());
            System.out.flush();
            long startNanos = System.nanoTime();
            long nextPrint = startNanos + TimeUnit.SECONDS.toNanos(1);
            long lastArrival = System.nanoTime();
            while (true) {
                var records = consumer.poll(Duration.ofMillis(100));
                long nowMicros = Payload.nowMicros();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    book(record.value(), nowMicros);
                }
                long now = System.nanoTime();
                if (!records.isEmpty()) {
                    lastArrival = now;
                }
                if (now >= nextPrint) {
                    nextPrint += TimeUnit.SECONDS.toNanos(1);
                    printProgress((now - startNanos) / 1e9);
                }
                JsonNode expect = expected;
                if (expect != null
                        && (allArrived(expect)
                                || now - lastArrival > TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis))) {
                    break;
                }
            }
        }
        System.out.println("RESULT " + JSON.writeValueAsString(result(expected)));
        System.out.flush();
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Readable = returned by a fetch: fetch as soon as one byte is there, and not more than 100 ms later.
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        return p;
    }

    private void book(byte[] value, long nowMicros) {
        Payload.Stamp stamp = Payload.decode(value);
        if (stamp == null) {
            foreign++;
            return;
        }
        received++;
        ledgers.computeIfAbsent(stamp.client(), c -> new ClientLedger()).record(stamp.seq());
        if (stamp.sendMicros() >= measureFromMicros) {
            latencyMicros.recordValue(
                    Math.min(latencyMicros.getHighestTrackableValue(), Math.max(0, nowMicros - stamp.sendMicros())));
            fromActualSendMicros.recordValue(Math.min(
                    fromActualSendMicros.getHighestTrackableValue(),
                    Math.max(0, nowMicros - stamp.actualSendMicros())));
        }
    }

    private boolean allArrived(JsonNode expect) {
        long wanted = expect.get("ackedTotal").asLong();
        long unique = ledgers.values().stream().mapToLong(ClientLedger::unique).sum();
        return unique >= wanted;
    }

    private void printProgress(double seconds) {
        ObjectNode line = JSON.createObjectNode().put("t", seconds).put("received", received);
        System.out.println("PROGRESS " + line);
        System.out.flush();
    }

    private void readCommands() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("MEASURE_FROM ")) {
                    measureFromMicros = Long.parseLong(
                            line.substring("MEASURE_FROM ".length()).trim());
                } else if (line.startsWith("EXPECT ")) {
                    expected = JSON.readTree(line.substring("EXPECT ".length()));
                }
            }
        } catch (Exception e) {
            System.err.println("verifying consumer: " + e);
        }
        // The parent went away without saying what to expect: stop rather than linger.
        if (expected == null) {
            System.exit(3);
        }
    }

    private ObjectNode result(JsonNode expect) {
        Map<Integer, BitSet> unconfirmed = new HashMap<>();
        for (JsonNode pair : expect.get("unconfirmed")) {
            unconfirmed
                    .computeIfAbsent(pair.get(0).asInt(), c -> new BitSet())
                    .set(pair.get(1).asInt());
        }
        long missing = 0;
        JsonNode sent = expect.get("sent");
        for (int client = 0; client < sent.size(); client++) {
            ClientLedger ledger = ledgers.getOrDefault(client, new ClientLedger());
            missing += ledger.missing(sent.get(client).asLong(), unconfirmed.get(client));
        }
        ObjectNode r = JSON.createObjectNode();
        r.put("received", received);
        r.put(
                "unique",
                ledgers.values().stream().mapToLong(ClientLedger::unique).sum());
        r.put("missing", missing);
        r.put(
                "duplicates",
                ledgers.values().stream().mapToLong(ClientLedger::duplicates).sum());
        r.put(
                "reordered",
                ledgers.values().stream().mapToLong(ClientLedger::reordered).sum());
        r.put("foreign", foreign);
        r.put("latencyCount", latencyMicros.getTotalCount());
        r.put("p50Ms", latencyMicros.getValueAtPercentile(50) / 1000.0);
        r.put("p95Ms", latencyMicros.getValueAtPercentile(95) / 1000.0);
        r.put("p99Ms", latencyMicros.getValueAtPercentile(99) / 1000.0);
        r.put("p999Ms", latencyMicros.getValueAtPercentile(99.9) / 1000.0);
        r.put("maxMs", latencyMicros.getMaxValue() / 1000.0);
        r.put("fromActualSendP50Ms", fromActualSendMicros.getValueAtPercentile(50) / 1000.0);
        r.put("fromActualSendP99Ms", fromActualSendMicros.getValueAtPercentile(99) / 1000.0);
        return r;
    }
}
