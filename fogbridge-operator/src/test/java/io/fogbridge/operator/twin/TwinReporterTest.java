package io.fogbridge.operator.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fogbridge.gateway.twin.TwinProperties;
import io.fogbridge.gateway.twin.TwinReporter;
import io.fogbridge.operator.Devices;
import io.fogbridge.operator.OperatorFixture;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceProperty;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The twin's bounded churn against fabric8's mock API server, counting the PATCH requests on {@code devices/status}:
 * one device at 50 messages a second, its temperature changing with every message, over a window of W with
 * {@code reportInterval} I, may cause at most W/I + 1 writes. The default run is shortened (3 s at 500 ms: at most
 * 7); {@code -Dfogbridge.twin.long=true} runs the figure (60 s at the default 10 s: at most 7).
 */
class TwinReporterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final boolean LONG = Boolean.getBoolean("fogbridge.twin.long");
    private static final Duration WINDOW = LONG ? Duration.ofSeconds(60) : Duration.ofSeconds(3);
    private static final Duration INTERVAL = LONG ? TwinReporter.DEFAULT_REPORT_INTERVAL : Duration.ofMillis(500);

    private static KubernetesMockServer server;
    private static KubernetesClient client;

    @BeforeAll
    static void startServer() {
        server = OperatorFixture.mockServer();
        client = server.createClient();
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.destroy();
    }

    @Test
    void fiftyMessagesASecondCauseAtMostOneStatusWritePerIntervalAndTheLastValueIsReported() throws Exception {
        Device device = Devices.mqtt("plant-1", "lathe-7", "lathe");
        DeviceProperty temperature = new DeviceProperty();
        temperature.jsonPath = "$.temperature";
        device.getSpec().properties = Map.of("temperature", temperature);
        client.resource(device).create();
        drainStatusWrites();

        TwinReporter reporter = new TwinReporter(
                new KubernetesTwinSink(client), Clock.systemUTC(), INTERVAL, TwinReporter.DEFAULT_LAST_SEEN_REFRESH);
        ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor();
        flusher.scheduleWithFixedDelay(reporter::flush, 50, 50, TimeUnit.MILLISECONDS);
        int sent = 0;
        long end = System.nanoTime() + WINDOW.toNanos();
        try {
            while (System.nanoTime() < end) {
                JsonNode payload = JSON.readTree("{\"temperature\":" + (20 + sent % 10) + ",\"rpm\":1200}");
                reporter.observe(
                        "plant-1", "lathe-7", TwinProperties.extract(Map.of("temperature", "$.temperature"), payload));
                sent++;
                Thread.sleep(20);
            }
        } finally {
            flusher.shutdown();
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        }
        int lastTemperature = 20 + (sent - 1) % 10;
        long bound = WINDOW.toMillis() / INTERVAL.toMillis() + 1;
        int inWindow = drainStatusWrites();
        // The latest value still pending goes with the next write its interval allows: exactly one more.
        Thread.sleep(INTERVAL.toMillis());
        reporter.flush();
        int after = drainStatusWrites();
        System.out.printf(
                "twin: %d messages in %s, reportInterval %s: %d status writes in the window (bound %d), %d after%n",
                sent, WINDOW, INTERVAL, inWindow, bound, after);
        assertThat(sent).as("messages sent").isGreaterThan((int) (WINDOW.toMillis() / 40));
        assertThat(inWindow).as("PATCH devices/status for %d messages", sent).isBetween(2, (int) bound);
        assertThat(after).isLessThanOrEqualTo(1);

        Device reported = client.resources(Device.class)
                .inNamespace("plant-1")
                .withName("lathe-7")
                .get();
        assertThat(reported.getStatus().reported.get("temperature").value.asInt())
                .isEqualTo(lastTemperature);
        assertThat(reported.getStatus().reported).doesNotContainKey("rpm");
        assertThat(reported.getStatus().lastSeen).isNotNull();
        assertThat(reported.getStatus().condition("Connected").orElseThrow().status)
                .isEqualTo(Condition.Status.TRUE);

        // Only on change: the same value again writes nothing, however often it comes.
        for (int i = 0; i < 20; i++) {
            reporter.observe(
                    "plant-1",
                    "lathe-7",
                    Map.of("temperature", JSON.getNodeFactory().numberNode(lastTemperature)));
        }
        Thread.sleep(INTERVAL.toMillis() + 50);
        assertThat(reporter.flush()).as("writes for unchanged values").isZero();
        assertThat(drainStatusWrites()).isZero();
    }

    /** PATCH requests on devices/status that reached the mock since the last call. */
    private static int drainStatusWrites() throws InterruptedException {
        int writes = 0;
        var request = server.takeRequest(10, TimeUnit.MILLISECONDS);
        while (request != null) {
            if (request.getMethod().equals("PATCH") && request.getPath().endsWith("/status")) {
                writes++;
            }
            request = server.takeRequest(10, TimeUnit.MILLISECONDS);
        }
        return writes;
    }
}
