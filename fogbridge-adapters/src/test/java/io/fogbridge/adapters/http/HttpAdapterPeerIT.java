package io.fogbridge.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.adapters.TestDevices;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.testkit.Curl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP adapter against the real curl, with a recording uplink (no spool): status codes, auth, topics, ttd. */
class HttpAdapterPeerIT {

    static final TestDevices.RecordingUplink uplink = new TestDevices.RecordingUplink();
    static final TestDevices.QueueInbox inbox = new TestDevices.QueueInbox();
    static HttpAdapter adapter;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        HttpAdapterOptions options = new HttpAdapterOptions(
                "127.0.0.1", 0, 100, Duration.ofSeconds(5), Duration.ofSeconds(5), false, null, false);
        adapter = new HttpAdapter(options, TestDevices.registry(), inbox, null);
        adapter.start(uplink);
        base = "http://127.0.0.1:" + adapter.port();
    }

    @AfterAll
    static void stop() {
        adapter.close();
    }

    @BeforeEach
    void reset() {
        uplink.messages.clear();
        uplink.next = new Outcome.Accepted(Lane.BULK, 1);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void telemetryWithBasicAuthIsAcceptedOnTheDevicesTopic() throws Exception {
        var result = Curl.post(
                base + "/telemetry",
                bytes("{\"t\":21}"),
                "-u",
                "sensor-1@acme:s3cret",
                "-H",
                "Content-Type: application/json",
                "-H",
                "QoS-Level: 1");
        assertThat(result.status()).isEqualTo(202);
        InboundMessage message = uplink.messages.getFirst();
        assertThat(message.topic()).isEqualTo("telemetry/acme/sensor-1");
        assertThat(message.qos()).isEqualTo(QoS.AT_LEAST_ONCE);
        assertThat(message.contentType()).isEqualTo("application/json");
        assertThat(message.sender().device()).isEqualTo("sensor-1");
        assertThat(new String(message.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"t\":21}");
    }

    @Test
    void errorsAreMappedToStatusCodes() throws Exception {
        assertThat(Curl.post(base + "/telemetry", bytes("x")).status()).isEqualTo(401);
        assertThat(Curl.post(base + "/telemetry", bytes("x"), "-u", "sensor-1@acme:wrong")
                        .status())
                .isEqualTo(401);
        assertThat(Curl.post(base + "/telemetry", bytes("x"), "-u", "disabled-1@acme:s3cret")
                        .status())
                .isEqualTo(403);
        assertThat(Curl.post(base + "/telemetry/acme/sensor-2", bytes("x"), "-u", "sensor-1@acme:s3cret")
                        .status())
                .isEqualTo(403);
        assertThat(Curl.post(base + "/telemetry", new byte[101], "-u", "sensor-1@acme:s3cret")
                        .status())
                .isEqualTo(413);
        assertThat(Curl.post(base + "/nothing", bytes("x"), "-u", "sensor-1@acme:s3cret")
                        .status())
                .isEqualTo(400);
        assertThat(Curl.post(base + "/command/res/42?status=abc", bytes("x"), "-u", "sensor-1@acme:s3cret")
                        .status())
                .isEqualTo(400);
        assertThat(uplink.messages).isEmpty();
        uplink.next = new Outcome.Rejected(503, "spool-full", true);
        assertThat(Curl.post(base + "/event", bytes("x"), "-u", "sensor-1@acme:s3cret")
                        .status())
                .isEqualTo(503);
        // and the adapter still serves others
        uplink.next = new Outcome.Accepted(Lane.PRIORITY, 2);
        assertThat(Curl.post(base + "/event", bytes("x"), "-u", "sensor-2@acme:s3cret")
                        .status())
                .isEqualTo(202);
    }

    @Test
    void aGatewayActsForItsViaDevicesAndRespondsToCommands() throws Exception {
        assertThat(Curl.post(base + "/telemetry/acme/sensor-1", bytes("v"), "-u", "edge-gw@acme:s3cret")
                        .status())
                .isEqualTo(202);
        assertThat(Curl.post(
                                base + "/command/res/acme/sensor-1/req-7?status=200",
                                bytes("ok"),
                                "-u",
                                "edge-gw@acme:s3cret")
                        .status())
                .isEqualTo(202);
        assertThat(uplink.messages)
                .extracting(InboundMessage::topic)
                .containsExactly("telemetry/acme/sensor-1", "command/acme/sensor-1/res/req-7/200");
        assertThat(uplink.messages.get(1).qos()).isEqualTo(QoS.AT_LEAST_ONCE);
    }

    @Test
    void ttdReturnsAPendingCommandOnce() throws Exception {
        inbox.offer(TestDevices.command("sensor-2", "setValve", "corr-1", "{\"open\":true}"));
        var first = Curl.post(base + "/telemetry?ttd=2", bytes("{}"), "-u", "sensor-2@acme:s3cret");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.headers())
                .containsEntry("fog-command", "setValve")
                .containsEntry("fog-command-request-id", "corr-1");
        assertThat(first.body()).isEqualTo("{\"open\":true}");
        // the adapter records the delivery after the response is written, so the peer can see it first
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(inbox.delivered)
                .extracting(c -> c.correlationId())
                .contains("corr-1"));

        var second = Curl.post(base + "/telemetry?ttd=1", bytes("{}"), "-u", "sensor-2@acme:s3cret");
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.body()).isEmpty();
    }

    @Test
    void aCommandArrivingDuringTheWaitIsReturned() throws Exception {
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            inbox.offer(TestDevices.command("sensor-1", "stop", null, "now"));
        });
        var result = Curl.post(base + "/event?ttd=5", bytes("{}"), "-u", "sensor-1@acme:s3cret");
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.headers()).containsEntry("fog-command", "stop").doesNotContainKey("fog-command-request-id");
        assertThat(result.body()).isEqualTo("now");
    }
}
