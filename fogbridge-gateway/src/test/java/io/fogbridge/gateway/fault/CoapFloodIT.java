package io.fogbridge.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.testkit.LauncherJvmOptions;
import io.fogbridge.testkit.TestEnv;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, item 1: a flood of anonymous non-confirmable CoAP {@code POST}s (about 950 B, fresh message id and
 * token each) from raw UDP senders on four other loopback addresses, at a gateway process started with the
 * launcher's JVM options ({@code -Xmx128m}, {@code -XX:+ExitOnOutOfMemoryError}). The plain CoAP endpoint takes no
 * anonymous senders ({@code anonymous: false}, as on a 0.0.0.0 listener), so every request the gateway reads is
 * refused with 4.01. Meanwhile a registered device ({@code coap-client-openssl}, DTLS with a pre-shared key, from
 * 127.0.0.1) keeps posting telemetry.
 *
 * <p>Proves: the gateway is alive and {@code /healthz} answers after the flood; the device's posts were answered
 * 2.04 during the flood and every one of them is in Kafka; the live heap after a full GC grew by less than the
 * CoAP memory budget (README, "Memory budget") and the RSS stayed within a bound; the rate limiter counted what it
 * dropped. CI mode: 12 s at 10,000 datagrams/s; long mode ({@code -Dfault.long=true}): 60 s. {@code
 * -Dcoapflood.rate=0} floods unpaced.
 */
class CoapFloodIT {

    /**
     * The JVM options {@code bin/fogbridge run} uses on this JDK: its files (bin/jvm), and what the launcher adds to
     * them for {@code run} (LauncherCdsIT checks the running gateway's command line against the files).
     */
    static final List<String> LAUNCHER_JVM_OPTIONS =
            launcherOptions(Runtime.version().feature());

    static List<String> launcherOptions(int javaFeature) {
        List<String> options = new ArrayList<>(LauncherJvmOptions.forJdk(javaFeature));
        options.add("-XX:+ExitOnOutOfMemoryError");
        options.add("--enable-native-access=ALL-UNNAMED");
        return List.copyOf(options);
    }

    private static final String CLIENT = "coap-client-openssl";
    private static final String TOPIC = "fog.telemetry.acme";
    private static final int FLOODERS = 4;
    private static final int DATAGRAM_BYTES = 950;
    /**
     * What the flood may add to the live heap: the bounded deduplicator ({@code adapters.coap.maxExchanges}, 4,096
     * exchanges of at most ~2.5 kB: ~10 MB), the per-source table (4,096 sources × ~100 B) and slack for what other
     * stages hold at the moment of the GC. Before the fix the heap filled (OutOfMemoryError) within seconds.
     */
    private static final long LIVE_HEAP_GROWTH_BOUND = 24_000_000;
    /**
     * RSS may grow by the heap the JVM commits up to -Xmx (its first ~40 MB are committed at start) plus thread
     * stacks and the JIT's code: 96 MB above the RSS before the flood.
     */
    private static final long RSS_GROWTH_BOUND = 96_000_000;

    private static final Pattern RESPONSE = Pattern.compile("v:1 t:(?:CON|NON|ACK) c:([245]\\.\\d\\d)");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    @Test
    void aFloodOfRefusedRequestsLeavesMemoryBoundedAndTheDeviceServed() throws Exception {
        FaultRun run = FaultRun.begin("CoapFloodIT");
        Duration flood = run.size(Duration.ofSeconds(12), Duration.ofSeconds(60));
        int rate = Integer.getInteger("coapflood.rate", 10_000);
        Path client = TestEnv.peer(CLIENT);
        try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), 0)) {
            kafka.createTopic(TOPIC, 1);
            int httpPort = TestEnv.freePort();
            int coapPort = TestEnv.freePort();
            int dtlsPort = TestEnv.freePort();
            Path config = writeConfig(kafka.bootstrapServers(), httpPort, coapPort, dtlsPort);
            try (GatewayProcess gateway = GatewayProcess.start(config, LAUNCHER_JVM_OPTIONS);
                    ExecutorService threads = Executors.newCachedThreadPool()) {
                gateway.awaitReady(Duration.ofSeconds(90));
                Set<String> acknowledged = ConcurrentHashMap.newKeySet();
                AtomicLong answered = new AtomicLong();
                AtomicLong failed = new AtomicLong();
                AtomicBoolean devicePosting = new AtomicBoolean(true);
                Future<?> device = threads.submit(() -> {
                    for (int n = 0; devicePosting.get(); n++) {
                        String payload = "{\"n\":" + n + "}";
                        if ("2.04".equals(post(client, dtlsPort, payload))) {
                            acknowledged.add(payload);
                            answered.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                        Thread.sleep(200);
                    }
                    return null;
                });
                try {
                    await(run.tag() + ": the device is served before the flood")
                            .atMost(Duration.ofSeconds(60))
                            .until(() -> answered.get() >= 3);
                    long rssBefore = ProcessMemory.rss(gateway.pid());
                    long liveBefore = ProcessMemory.liveHeapAfterFullGc(gateway.pid());
                    long answeredBefore = answered.get();
                    long failedBefore = failed.get();

                    AtomicLong sent = new AtomicLong();
                    List<Future<?>> flooders = new ArrayList<>();
                    InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), coapPort);
                    for (int i = 0; i < FLOODERS; i++) {
                        CoapFlooder f = new CoapFlooder(
                                InetAddress.getByName("127.0.0." + (2 + i)),
                                target,
                                "telemetry/t1/dev-a",
                                DATAGRAM_BYTES,
                                sent);
                        flooders.add(threads.submit(() -> {
                            f.run(flood, rate / FLOODERS);
                            return null;
                        }));
                    }
                    long rssMax = rssBefore;
                    long started = System.nanoTime();
                    while (flooders.stream().anyMatch(f -> !f.isDone()) && gateway.isAlive()) {
                        try {
                            rssMax = Math.max(rssMax, ProcessMemory.rss(gateway.pid()));
                        } catch (IOException e) {
                            break; // the process is going away: the check below says so
                        }
                        Thread.sleep(250);
                    }
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    long answeredDuring = answered.get() - answeredBefore;
                    long failedDuring = failed.get() - failedBefore;
                    System.out.printf(
                            "%s: %d datagrams in %d ms; device meanwhile: %d × 2.04, %d failed; RSS before %s, max %s%n",
                            run.tag(),
                            sent.get(),
                            took.toMillis(),
                            answeredDuring,
                            failedDuring,
                            ProcessMemory.mb(rssBefore),
                            ProcessMemory.mb(rssMax));

                    assertThat(gateway.isAlive())
                            .as(
                                    "%s: the gateway survived the flood (it was gone %d ms into it, after %d"
                                            + " datagrams; its log is above)",
                                    run.tag(), took.toMillis(), sent.get())
                            .isTrue();
                    for (Future<?> f : flooders) {
                        f.get(10, TimeUnit.SECONDS);
                    }
                    assertThat(get(httpPort, "/healthz"))
                            .as("%s: /healthz answers", run.tag())
                            .isEqualTo(200);
                    long liveAfter = ProcessMemory.liveHeapAfterFullGc(gateway.pid());
                    long rssAfter = ProcessMemory.rss(gateway.pid());
                    System.out.printf(
                            "%s: live heap after a full GC: before %s, after %s; RSS after %s%n",
                            run.tag(),
                            ProcessMemory.mb(liveBefore),
                            ProcessMemory.mb(liveAfter),
                            ProcessMemory.mb(rssAfter));
                    assertThat(answeredDuring)
                            .as("%s: the device's posts were answered 2.04 during the flood", run.tag())
                            .isGreaterThanOrEqualTo(3);
                    assertThat(liveAfter - liveBefore)
                            .as("%s: live heap growth (bytes)", run.tag())
                            .isLessThan(LIVE_HEAP_GROWTH_BOUND);
                    assertThat(rssMax - rssBefore)
                            .as("%s: RSS growth during the flood (bytes)", run.tag())
                            .isLessThan(RSS_GROWTH_BOUND);
                    long dropped = droppedByRateLimit(httpPort);
                    assertThat(dropped)
                            .as("%s: the rate limits counted what they dropped", run.tag())
                            .isPositive();
                    devicePosting.set(false);
                    device.get(30, TimeUnit.SECONDS);
                    try (TelemetryTopic topic = new TelemetryTopic(kafka.bootstrapServers(), TOPIC)) {
                        await(run.tag() + ": every post answered 2.04 is in Kafka")
                                .atMost(Duration.ofSeconds(60))
                                .until(() -> topic.poll().stream()
                                        .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                                        .toList()
                                        .containsAll(acknowledged));
                    }
                    run.record(
                            "CoAP flood: " + sent.get() + " anonymous NON POSTs of " + DATAGRAM_BYTES + " B (fresh"
                                    + " message id and token) in " + FaultRun.seconds(took) + " from " + FLOODERS
                                    + " source addresses, all refused, at a gateway with -Xmx128m",
                            "a DTLS-PSK device (coap-client): " + answeredDuring + " posts answered 2.04 during the"
                                    + " flood, " + failedDuring + " failed; " + dropped
                                    + " datagrams dropped by the per-source rate limit",
                            "nothing: " + acknowledged.size() + " acknowledged, all in Kafka; live heap after full GC "
                                    + ProcessMemory.mb(liveBefore) + " before, " + ProcessMemory.mb(liveAfter)
                                    + " after; RSS " + ProcessMemory.mb(rssBefore) + " before, max "
                                    + ProcessMemory.mb(rssMax) + " during",
                            "none needed: alive, /healthz answered throughout");
                } finally {
                    devicePosting.set(false);
                }
            }
        }
    }

    private Path writeConfig(String bootstrap, int httpPort, int coapPort, int dtlsPort) throws Exception {
        Files.writeString(dir.resolve("devices.yaml"), "tenants:\n  acme:\n    devices:\n      sensor-1: {}\n");
        Path psk = Files.writeString(dir.resolve("psk.txt"), "sensor-1@acme = text:sensor-1-secret\n");
        Files.setPosixFilePermissions(psk, PosixFilePermissions.fromString("rw-------"));
        String yaml = String.join(
                "\n",
                "gateway: {id: coap-flood-it, dataDir: \"" + dir.resolve("gateway") + "\"}",
                "mqtt: {listeners: [{host: 127.0.0.1, port: " + TestEnv.freePort() + "}], registry: \""
                        + dir.resolve("devices.yaml") + "\"}",
                "kafka: {bootstrapServers: \"" + bootstrap + "\"}",
                "spool: {maxBytes: 200MiB}",
                "http: {host: 127.0.0.1, port: " + httpPort + "}",
                // anonymous: false is what a 0.0.0.0 listener has by default: every plain request is refused 4.01.
                "adapters: {coap: {enabled: true, host: 127.0.0.1, anonymous: false, port: " + coapPort + ", dtlsPort: "
                        + dtlsPort + ", pskFile: \"" + psk + "\"}}",
                "");
        return Files.writeString(dir.resolve("gateway.yaml"), yaml);
    }

    /** One DTLS-PSK POST with libcoap's client; the response code, or null when none came within 5 s. */
    private static String post(Path client, int dtlsPort, String payload) throws Exception {
        Process p = new ProcessBuilder(
                        client.toString(),
                        "-m",
                        "post",
                        "-e",
                        payload,
                        "-u",
                        "sensor-1@acme",
                        "-k",
                        "sensor-1-secret",
                        "-B",
                        "5",
                        "-v",
                        "6",
                        "coaps://127.0.0.1:" + dtlsPort + "/telemetry")
                .redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(20, TimeUnit.SECONDS);
        String code = null;
        Matcher m = RESPONSE.matcher(log);
        while (m.find()) {
            if (!m.group(1).equals("0.00")) {
                code = m.group(1);
            }
        }
        return code;
    }

    private static int get(int port, String path) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static long droppedByRateLimit(int port) throws Exception {
        String metrics = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = Pattern.compile("fogbridge_coap_dropped_total\\{[^}]*reason=\"[a-z]+-rate\"[^}]*} ([0-9.E+]+)")
                .matcher(metrics);
        long dropped = 0;
        while (m.find()) {
            dropped += (long) Double.parseDouble(m.group(1));
        }
        return dropped;
    }
}
