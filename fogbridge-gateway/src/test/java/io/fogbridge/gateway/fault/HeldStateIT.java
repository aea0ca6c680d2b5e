package io.fogbridge.gateway.fault;

import static io.fogbridge.testkit.CoapDatagram.CON;
import static io.fogbridge.testkit.CoapDatagram.POST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.testkit.CoapDatagram;
import io.fogbridge.testkit.Curl;
import io.fogbridge.testkit.TestEnv;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, the memory budget: state that senders make the gateway hold on their behalf, each costing them one small
 * message, against a gateway process with the launcher's JVM options ({@code -Xmx128m}, {@code
 * -XX:+ExitOnOutOfMemoryError}), while a well-behaved CoAP device keeps posting:
 *
 * <ol>
 *   <li>CoAP block-wise uploads started and never finished: raw UDP senders on four loopback addresses send the first
 *       block (1 KiB, "more to come") of {@value #UPLOADS} uploads to as many paths. Californium allocates the whole
 *       body buffer ({@code devices.maxPayload}, 256 KiB) for each: 400 MB before they were bounded.
 *   <li>HTTP bodies begun and never finished: {@value #BODIES} connections each send the head of a 256 KiB POST and
 *       250,000 bytes of its body, and stop. Bodies are read before authentication: 150 MB before they were bounded.
 * </ol>
 *
 * <p>Proves: the gateway is alive and {@code /healthz} answers; the live heap after a full GC, taken while the
 * senders hold their state, grew by less than the two budgets (8 MiB each at {@code -Xmx128m}) and some slack; the device's
 * posts were answered 2.04 throughout and are all in Kafka; once the HTTP senders hang up, an HTTP device is served.
 */
class HeldStateIT {

    private static final String TOPIC = "fog.telemetry.acme";
    private static final int UPLOADS = 1_600;
    private static final int BODIES = 600;
    private static final int BODY_SENT = 250_000;
    /**
     * Block-wise buffers (8 MiB) + HTTP bodies (8 MiB at -Xmx128m) + the deduplicator's exchanges of the first blocks
     * (kept whole by Californium, ~3 kB each) + 600 open connections + slack. Measured: 28-30 MB.
     */
    private static final long LIVE_HEAP_GROWTH_BOUND = 40_000_000;
    /** As in {@link CoapFloodIT}: the heap the JVM commits up to -Xmx, stacks and code. */
    private static final long RSS_GROWTH_BOUND = 110_000_000;

    @TempDir
    Path dir;

    @Test
    void unfinishedUploadsAndBodiesCostBoundedMemoryAndTheDeviceIsServed() throws Exception {
        FaultRun run = FaultRun.begin("HeldStateIT");
        try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"), 0)) {
            kafka.createTopic(TOPIC, 1);
            int httpPort = TestEnv.freePort();
            int devicePort = TestEnv.freePort();
            int coapPort = TestEnv.freePort();
            Path config = Files.writeString(
                    dir.resolve("gateway.yaml"),
                    GatewayYaml.of("held-state-it", dir.resolve("gateway"), 0, httpPort, kafka.bootstrapServers())
                            + "adapters: {coap: {enabled: true, host: 127.0.0.1, port: " + coapPort + "},"
                            + " http: {enabled: true, host: 127.0.0.1, port: " + devicePort + "}}\n");
            try (GatewayProcess gateway = GatewayProcess.start(config, CoapFloodIT.LAUNCHER_JVM_OPTIONS);
                    ExecutorService threads = Executors.newCachedThreadPool()) {
                gateway.awaitReady(Duration.ofSeconds(90));
                InetSocketAddress coap = new InetSocketAddress(InetAddress.getLoopbackAddress(), coapPort);
                Set<String> acknowledged = ConcurrentHashMap.newKeySet();
                AtomicLong failed = new AtomicLong();
                AtomicBoolean posting = new AtomicBoolean(true);
                Future<?> device = threads.submit(() -> {
                    device(coap, posting, acknowledged, failed);
                    return null;
                });
                List<Socket> bodies = new ArrayList<>();
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 3);
                    long rssBefore = ProcessMemory.rss(gateway.pid());
                    long liveBefore = ProcessMemory.liveHeapAfterFullGc(gateway.pid());
                    int ackedBefore = acknowledged.size();
                    long started = System.nanoTime();

                    List<Future<?>> uploads = new ArrayList<>();
                    for (int s = 0; s < 4; s++) {
                        int source = s;
                        uploads.add(threads.submit(() -> {
                            startUploads(InetAddress.getByName("127.0.0." + (2 + source)), coap, source);
                            return null;
                        }));
                    }
                    for (Future<?> f : uploads) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                    assertThat(gateway.isAlive())
                            .as("alive after %d unfinished block-wise uploads", UPLOADS)
                            .isTrue();
                    long bodyBytes = startBodies(devicePort, bodies);
                    assertThat(gateway.isAlive())
                            .as("alive after %d unfinished HTTP bodies", BODIES)
                            .isTrue();
                    long rssMax = ProcessMemory.rss(gateway.pid());
                    long liveHeld = ProcessMemory.liveHeapAfterFullGc(gateway.pid());
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    int ackedDuring = acknowledged.size() - ackedBefore;
                    System.out.printf(
                            "%s: %d uploads begun, %d HTTP bodies begun (%d bytes sent) in %d ms; live heap %s before,"
                                    + " %s while held; RSS %s before, %s after; device: %d × 2.04, %d failed%n",
                            run.tag(),
                            UPLOADS,
                            BODIES,
                            bodyBytes,
                            took.toMillis(),
                            ProcessMemory.mb(liveBefore),
                            ProcessMemory.mb(liveHeld),
                            ProcessMemory.mb(rssBefore),
                            ProcessMemory.mb(rssMax),
                            ackedDuring,
                            failed.get());
                    assertThat(get(httpPort, "/healthz")).isEqualTo(200);
                    assertThat(liveHeld - liveBefore)
                            .as("live heap growth while the state is held (bytes)")
                            .isLessThan(LIVE_HEAP_GROWTH_BOUND);
                    assertThat(rssMax - rssBefore).as("RSS growth (bytes)").isLessThan(RSS_GROWTH_BOUND);
                    assertThat(ackedDuring)
                            .as("the device was served meanwhile")
                            .isGreaterThanOrEqualTo(3);

                    for (Socket socket : bodies) {
                        socket.close();
                    }
                    var http = Curl.post(
                            "http://127.0.0.1:" + devicePort + "/telemetry/acme/dev-http",
                            "{\"http\":1}".getBytes(StandardCharsets.UTF_8),
                            "-H",
                            "QoS-Level: 1");
                    assertThat(http.status())
                            .as("an HTTP device once the bodies' senders left")
                            .isEqualTo(202);
                    posting.set(false);
                    device.get(30, TimeUnit.SECONDS);
                    try (TelemetryTopic topic = new TelemetryTopic(kafka.bootstrapServers(), TOPIC)) {
                        await("every post answered 2.04 is in Kafka")
                                .atMost(Duration.ofSeconds(60))
                                .until(() -> topic.poll().stream()
                                        .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                                        .toList()
                                        .containsAll(acknowledged));
                    }
                    run.record(
                            UPLOADS + " CoAP block-wise uploads begun and never finished (first 1 KiB block each, raw"
                                    + " UDP from 4 loopback addresses) and " + BODIES + " HTTP POSTs of 256 KiB with"
                                    + " 250,000 body bytes sent and no more, at `fogbridge run` with `-Xmx128m`",
                            "a CoAP device: " + ackedDuring + " posts answered 2.04 meanwhile, " + failed.get()
                                    + " failed; uploads beyond `maxBlockwiseUploads` (32) refused 4.08 at their"
                                    + " second block, bodies beyond the 8 MiB budget 503",
                            "nothing: " + acknowledged.size() + " acknowledged, all in Kafka; live heap after full GC "
                                    + ProcessMemory.mb(liveBefore) + " before, " + ProcessMemory.mb(liveHeld)
                                    + " while held; RSS " + ProcessMemory.mb(rssBefore) + " before, "
                                    + ProcessMemory.mb(rssMax) + " after",
                            "none needed: alive, /healthz answered; an HTTP device served once the senders left");
                } finally {
                    posting.set(false);
                    for (Socket socket : bodies) {
                        socket.close();
                    }
                }
            }
        }
    }

    /** Confirmable POSTs of a small JSON from 127.0.0.1 every 100 ms; what was answered 2.04 is acknowledged. */
    private static void device(
            InetSocketAddress coap, AtomicBoolean posting, Set<String> acknowledged, AtomicLong failed)
            throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(3000);
            byte[] buffer = new byte[2048];
            for (int n = 0; posting.get(); n++) {
                String payload = "{\"n\":" + n + "}";
                byte[] token = {(byte) (n >> 8), (byte) n, 7, 7};
                byte[] m = CoapDatagram.request(
                        CON,
                        POST,
                        n & 0xFFFF,
                        token,
                        CoapDatagram.path("telemetry/acme/dev-ok"),
                        payload.getBytes(StandardCharsets.UTF_8));
                socket.send(new DatagramPacket(m, m.length, coap));
                try {
                    DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                    socket.receive(p);
                    if (CoapDatagram.parse(p.getData(), p.getLength()).code().equals("2.04")) {
                        acknowledged.add(payload);
                    } else {
                        failed.incrementAndGet();
                    }
                } catch (SocketTimeoutException e) {
                    failed.incrementAndGet();
                }
                LockSupport.parkNanos(100_000_000);
            }
        }
    }

    /** {@value #UPLOADS} / 4 first blocks from {@code source}, each to its own path, at 150/s (its rate is 200/s). */
    private static void startUploads(InetAddress source, InetSocketAddress coap, int s) throws Exception {
        byte[] block = new byte[1024];
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(source, 0))) {
            for (int i = 0; i < UPLOADS / 4; i++) {
                List<CoapDatagram.Option> options =
                        new ArrayList<>(CoapDatagram.path("telemetry/acme/bw-" + s + "-" + i));
                options.add(CoapDatagram.block1(0, true, 6));
                byte[] m = CoapDatagram.request(
                        CON, POST, i, new byte[] {(byte) s, (byte) (i >> 8), (byte) i}, options, block);
                socket.send(new DatagramPacket(m, m.length, coap));
                LockSupport.parkNanos(1_000_000_000L / 150);
            }
        }
    }

    /** {@value #BODIES} connections, each with the head of a 256 KiB POST and {@value #BODY_SENT} bytes of body. */
    private static long startBodies(int port, List<Socket> sockets) throws IOException {
        byte[] head = ("POST /telemetry/acme/dev-body HTTP/1.1\r\nHost: x\r\nContent-Length: " + (256 << 10)
                        + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[BODY_SENT];
        long sent = 0;
        for (int i = 0; i < BODIES; i++) {
            Socket socket = new Socket();
            sockets.add(socket);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.write(body);
            out.flush();
            sent += head.length + body.length;
        }
        return sent;
    }

    private static int get(int port, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
