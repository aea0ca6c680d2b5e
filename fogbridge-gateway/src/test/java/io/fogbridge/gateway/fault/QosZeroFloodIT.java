package io.fogbridge.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.TestEnv;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client publishing 4 KB QoS 0 as fast as it can ({@code mosquitto_pub -l}) into a gateway with the launcher's
 * {@code -Xmx128m} (a child JVM that exits on OutOfMemoryError), while Kafka is stopped, well past the spool's bound,
 * and a well-behaved QoS 1 device (a HiveMQ MQTT 5 client, one message in flight, every 100 ms) beside it.
 *
 * <p>Two things filled the heap under such a flood. The spool used to hold every QoS 0 append in memory waiting for
 * room; and the embedded broker (HiveMQ CE) queues, without a bound, every PUBLISH it read for the uplink interceptor,
 * so a flooder faster than the interceptor filled the heap even after the spool dropped at once (measured: 17,568
 * queued publishes, 85 MB of live heap, three seconds into the flood; on a loaded CI box that was the child's death).
 * Proves: the gateway stays alive and answers {@code /readyz}; RSS grows by less than 64 MB outside the heap (the
 * heap is touched whole at start, so its own growth to 128 MiB does not count); the QoS 1
 * device is acknowledged all through the flood (no failure, never 5 s without an acknowledgement); the QoS 0 records
 * that found the spool full or the broker's queue over its bound are dropped and counted; once Kafka is back
 * everything the spool kept reaches Kafka.
 *
 * <p>The flood lasts until the spool has dropped for being full, at least {@link #FLOOD_MIN} and at most
 * {@link #FLOOD_MAX}: on a loaded box the flooder may need seconds to connect.
 */
class QosZeroFloodIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration FLOOD_MIN = Duration.ofSeconds(5);
    private static final Duration FLOOD_MAX = Duration.ofSeconds(30);
    private static final Duration LONGEST_SILENCE = Duration.ofSeconds(5);
    /** Outside the heap (which is touched whole at start): measured +33.7 MB. */
    private static final long RSS_GROWTH_LIMIT = 64L << 20;

    private static final int PAYLOAD = 4096;
    private static final String TOPIC = "fog.telemetry.t1";

    @TempDir
    Path dir;

    @Test
    void aQos0FloodWithKafkaDownIsDroppedAtTheBoundNotBufferedInTheHeap() throws Exception {
        Path mosquittoPub = TestEnv.peer("mosquitto_pub");
        TestEnv.peer("kcat");
        try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), 0)) {
            kafka.createTopic(TOPIC, 1);
            Path config = dir.resolve("gateway.yaml");
            // drop-oldest: the QoS 1 device is acknowledged although the spool is full (QoS 0 never makes room)
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "gateway: {id: flood-it, dataDir: \""
                                    + dir.resolve("gateway").toAbsolutePath() + "\"}",
                            "mqtt:",
                            "  listeners: [{host: 127.0.0.1, port: 0}]",
                            "kafka: {bootstrapServers: \"" + kafka.bootstrapServers() + "\"}",
                            "spool: {maxBytes: 16MiB, fsync: group, whenFull: drop-oldest, segmentBytes: 4MiB}",
                            "http: {host: 127.0.0.1, port: 0}",
                            ""));
            // The whole heap touched at start (AlwaysPreTouch): what RSS gains during the flood is outside the heap,
            // which -Xmx and ExitOnOutOfMemoryError bound already. Without it the first touch of the heap's own pages
            // (up to 128 MiB) counted as growth, and one CI run measured 107.6 MB.
            try (GatewayProcess gateway = GatewayProcess.start(
                    config, List.of("-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch", "-XX:+ExitOnOutOfMemoryError"))) {
                GatewayProcess.Ready ready = gateway.awaitPorts(START_TIMEOUT);
                int mqttPort = ready.mqttPort();
                int httpPort = ready.httpPort();
                try (SequencedDevice device = new SequencedDevice("t1", "dev-good", mqttPort, Duration.ofMillis(100))) {
                    device.start();
                    await("the QoS 1 device is served")
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> device.ackedCount() >= 3);
                    kafka.stop();

                    long rssBefore = ProcessMemory.rss(gateway.pid());
                    Flood flood = flood(mosquittoPub, mqttPort, httpPort, gateway, device);
                    assertThat(gateway.isAlive())
                            .as("the gateway survived the flood (it exits on OutOfMemoryError)")
                            .isTrue();
                    device.stop();
                    Readyz readyz = Readyz.fetch(httpPort);
                    assertThat(readyz.line("spool")).as(readyz.body()).startsWith("[ok]   spool: open");
                    String metrics = metrics(httpPort);
                    double full = counter(metrics, "fogbridge_spool_dropped_total", "reason=\"full\"", "qos=\"0\"");
                    double overload =
                            counter(metrics, "fogbridge_spool_dropped_total", "reason=\"overload\"", "qos=\"0\"");
                    double shed = counter(metrics, "fogbridge_mqtt_rejected_total", "reason=\"overload\"");
                    double appended = counter(metrics, "fogbridge_spool_appended_total");
                    double droppedOldest = counter(metrics, "fogbridge_spool_dropped_total", "reason=\"drop-oldest\"");
                    System.out.printf(
                            "QosZeroFloodIT: %d x %d B QoS 0 offered in %.1f s with Kafka down (%d connections of the"
                                    + " flooder); spool took %.0f, dropped %.0f as full, %.0f as overload, %.0f oldest;"
                                    + " the broker shed %.0f; RSS %s before, max %s; QoS 1 device: %d acked during"
                                    + " the flood, %d failures, longest silence %d ms; backlog %d%n",
                            flood.offered,
                            PAYLOAD,
                            flood.nanos / 1e9,
                            flood.connections,
                            appended,
                            full,
                            overload,
                            droppedOldest,
                            shed,
                            ProcessMemory.mb(rssBefore),
                            ProcessMemory.mb(flood.rssMax),
                            flood.acked,
                            device.failures(),
                            flood.longestSilenceNanos / 1_000_000,
                            readyz.spoolBacklog());
                    assertThat(full)
                            .as("QoS 0 at a full spool is dropped and counted")
                            .isPositive();
                    assertThat(flood.rssMax - rssBefore)
                            .as("RSS growth during the flood (before %s)", ProcessMemory.mb(rssBefore))
                            .isLessThan(RSS_GROWTH_LIMIT);
                    assertThat(device.failures())
                            .as("the QoS 1 device's failures (last: %s)", device.lastFailure())
                            .isZero();
                    assertThat(flood.acked)
                            .as("QoS 1 acknowledgements during the flood")
                            .isPositive();
                    assertThat(Duration.ofNanos(flood.longestSilenceNanos))
                            .as("longest time without an acknowledgement of the QoS 1 device during the flood")
                            .isLessThan(LONGEST_SILENCE);

                    kafka.restart();
                    long start = System.nanoTime();
                    await("everything the spool kept reaches Kafka")
                            .atMost(Duration.ofSeconds(120))
                            .pollInterval(Duration.ofSeconds(1))
                            .until(() -> Readyz.fetch(httpPort).spoolBacklog() == 0);
                    long distinct =
                            KcatConsumer.readAll(kafka.bootstrapServers(), TOPIC, Duration.ofSeconds(60)).stream()
                                    .map(r -> r.headers().get("fog-seq"))
                                    .distinct()
                                    .count();
                    System.out.printf(
                            "QosZeroFloodIT: %d distinct records in Kafka %d ms after it came back%n",
                            distinct, (System.nanoTime() - start) / 1_000_000);
                    // drop-oldest counts a whole dropped segment, records the forwarder sent before Kafka stopped
                    // included
                    assertThat(distinct)
                            .as(
                                    "records in Kafka: all the spool kept (appended - dropped oldest), at most all appended")
                            .isBetween((long) (appended - droppedOldest), (long) appended);
                    assertThat(gateway.isAlive()).isTrue();
                }
            }
        }
    }

    /** What the flood did, and how the gateway and the QoS 1 device fared meanwhile. */
    private record Flood(
            long offered, long nanos, int connections, long rssMax, long acked, long longestSilenceNanos) {}

    /**
     * {@code mosquitto_pub -l -q 0}: one PUBLISH per line, as fast as the socket takes them, from {@link #FLOOD_MIN}
     * until the spool dropped for being full ({@link #FLOOD_MAX} at most); a flooder the gateway disconnected is
     * started again. Samples RSS and the QoS 1 device's acknowledgements meanwhile.
     */
    private static Flood flood(
            Path mosquittoPub, int port, int httpPort, GatewayProcess gateway, SequencedDevice device)
            throws Exception {
        AtomicLong sent = new AtomicLong();
        AtomicInteger connections = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = Thread.ofPlatform().name("qos0-flooder").daemon().start(() -> {
            while (!stop.get()) {
                connections.incrementAndGet();
                floodOnce(mosquittoPub, port, sent, stop);
            }
        });
        long start = System.nanoTime();
        int ackedAtStart = device.ackedCount();
        // Sampled on a thread of its own: a /metrics call on a loaded box can take seconds.
        Sampler sampler = new Sampler(gateway, device, stop);
        Thread sampling =
                Thread.ofPlatform().name("qos0-flood-sampler").daemon().start(sampler);
        boolean full = false;
        while (true) {
            long elapsed = System.nanoTime() - start;
            if (!gateway.isAlive() || elapsed > FLOOD_MAX.toNanos() || (full && elapsed > FLOOD_MIN.toNanos())) {
                break;
            }
            full = counter(metrics(httpPort), "fogbridge_spool_dropped_total", "reason=\"full\"", "qos=\"0\"") > 0;
            Thread.sleep(500);
        }
        long nanos = System.nanoTime() - start;
        stop.set(true);
        sampling.join(TimeUnit.SECONDS.toMillis(10));
        writer.join(TimeUnit.SECONDS.toMillis(40));
        return new Flood(
                sent.get(),
                nanos,
                connections.get(),
                sampler.rssMax,
                device.ackedCount() - ackedAtStart,
                sampler.longestSilenceNanos);
    }

    /** RSS of the gateway and the gaps between the QoS 1 device's acknowledgements, every 50 ms until stopped. */
    private static final class Sampler implements Runnable {
        private final GatewayProcess gateway;
        private final SequencedDevice device;
        private final AtomicBoolean stop;
        volatile long rssMax;
        volatile long longestSilenceNanos;

        Sampler(GatewayProcess gateway, SequencedDevice device, AtomicBoolean stop) {
            this.gateway = gateway;
            this.device = device;
            this.stop = stop;
        }

        @Override
        public void run() {
            int lastAcked = device.ackedCount();
            long lastAckAt = System.nanoTime();
            while (!stop.get() && gateway.isAlive()) {
                long now = System.nanoTime();
                try {
                    rssMax = Math.max(rssMax, ProcessMemory.rss(gateway.pid()));
                } catch (IOException e) {
                    return; // the process is gone: the test says so
                }
                int acked = device.ackedCount();
                if (acked != lastAcked) {
                    lastAcked = acked;
                    lastAckAt = now;
                }
                longestSilenceNanos = Math.max(longestSilenceNanos, now - lastAckAt);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
    }

    /** One {@code mosquitto_pub -l} connection, fed until {@code stop} or until it goes away. */
    private static void floodOnce(Path mosquittoPub, int port, AtomicLong sent, AtomicBoolean stop) {
        try {
            Process pub = new ProcessBuilder(
                            mosquittoPub.toString(),
                            "-h",
                            "127.0.0.1",
                            "-p",
                            Integer.toString(port),
                            "-q",
                            "0",
                            "-i",
                            "flooder",
                            "-t",
                            "telemetry/t1/dev-a",
                            "-l")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            byte[] line = new byte[PAYLOAD];
            Arrays.fill(line, (byte) 'x');
            line[PAYLOAD - 1] = '\n';
            try (OutputStream in = pub.getOutputStream()) {
                while (!stop.get() && pub.isAlive()) {
                    byte[] seq = Long.toString(sent.get()).getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(seq, 0, line, 0, seq.length);
                    in.write(line);
                    sent.incrementAndGet();
                }
            } catch (IOException e) {
                // mosquitto_pub went away (the gateway closed the connection): the caller starts another
            }
            // mosquitto_pub -l reconnects forever when the gateway went away: bound the wait
            if (!pub.waitFor(10, TimeUnit.SECONDS)) {
                pub.destroyForcibly();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String metrics(int httpPort) throws Exception {
        return OpsMetrics.fetch(httpPort);
    }

    /** The value of the first sample of {@code name} whose labels include every one of {@code labels}; 0 if none. */
    private static double counter(String metrics, String name, String... labels) {
        Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})?\\s+(\\S+)$", Pattern.MULTILINE);
        Matcher m = sample.matcher(metrics);
        while (m.find()) {
            String l = m.group(1) == null ? "" : m.group(1);
            if (List.of(labels).stream().allMatch(l::contains)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }
}
