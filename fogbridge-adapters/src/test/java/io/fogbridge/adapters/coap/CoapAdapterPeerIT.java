package io.fogbridge.adapters.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.adapters.CoapClient;
import io.fogbridge.adapters.TestDevices;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CoAP adapter against libcoap's clients (plain and DTLS-PSK), with a recording uplink. */
class CoapAdapterPeerIT {

    static final TestDevices.RecordingUplink uplink = new TestDevices.RecordingUplink();
    static final TestDevices.QueueInbox inbox = new TestDevices.QueueInbox();
    static CoapAdapter adapter;
    static String plain;
    static String secure;

    @BeforeAll
    static void start() throws Exception {
        PskKeys keys = PskKeys.of(Map.of(
                "sensor-1@acme", "sensor-1-key".getBytes(StandardCharsets.UTF_8),
                "disabled-1@acme", "disabled-key".getBytes(StandardCharsets.UTF_8),
                "ghost@acme", "ghost-key".getBytes(StandardCharsets.UTF_8)));
        CoapAdapterOptions options = new CoapAdapterOptions(
                "127.0.0.1", 0, 0, keys, 100, Duration.ofSeconds(5), Duration.ofSeconds(10), null);
        adapter = new CoapAdapter(options, TestDevices.registry(), inbox, null);
        adapter.start(uplink);
        plain = "coap://127.0.0.1:" + adapter.port();
        secure = "coaps://127.0.0.1:" + adapter.dtlsPort();
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

    @Test
    void anonymousOnLoopbackNamesTheDevice() throws Exception {
        var result =
                CoapClient.post("coap-client-notls", plain + "/telemetry/acme/sensor-2", "{\"t\":1}", "-t", "json");
        assertThat(result.code()).as(result.log()).isEqualTo("2.04");
        assertThat(result.pdu()).contains("t:ACK");
        InboundMessage message = uplink.messages.getFirst();
        assertThat(message.topic()).isEqualTo("telemetry/acme/sensor-2");
        assertThat(message.qos()).isEqualTo(QoS.AT_LEAST_ONCE);
        assertThat(message.contentType()).isEqualTo("application/json");
        assertThat(message.sender().authenticated()).isFalse();

        var non = CoapClient.post("coap-client-notls", plain + "/telemetry/acme/sensor-2", "x", "-N");
        assertThat(non.code()).as(non.log()).isEqualTo("2.04");
        assertThat(uplink.messages.get(1).qos()).isEqualTo(QoS.AT_MOST_ONCE);
    }

    @Test
    void anonymousSendersNameOnlyIdsARegistryWouldAccept() throws Exception {
        for (String device : new String[] {"%EF%BB%BFdev-a", "d".repeat(129), "dev%00a", "dev%0Aa"}) {
            var result = CoapClient.post("coap-client-notls", plain + "/telemetry/acme/" + device, "x");
            assertThat(result.code()).as(device + ": " + result.log()).isEqualTo("4.00");
        }
        assertThat(CoapClient.post("coap-client-notls", plain + "/telemetry/" + "t".repeat(129) + "/dev-a", "x")
                        .code())
                .isEqualTo("4.00");
        assertThat(uplink.messages).isEmpty();
        assertThat(CoapClient.post("coap-client-notls", plain + "/telemetry/acme/dev-a.1_b", "x")
                        .code())
                .isEqualTo("2.04");
    }

    @Test
    void plainWithoutDeviceIsUnauthorizedAndErrorsMap() throws Exception {
        assertThat(CoapClient.post("coap-client-notls", plain + "/telemetry", "x")
                        .code())
                .isEqualTo("4.01");
        assertThat(CoapClient.post("coap-client-notls", plain + "/telemetry/acme/a/b", "x")
                        .code())
                .isEqualTo("4.00");
        assertThat(CoapClient.post("coap-client-notls", plain + "/event/acme/sensor-2", "y".repeat(101))
                        .code())
                .isEqualTo("4.13");
        uplink.next = new Outcome.Rejected(503, "spool-full", true);
        assertThat(CoapClient.post("coap-client-notls", plain + "/event/acme/sensor-2", "z")
                        .code())
                .isEqualTo("5.03");
    }

    @Test
    void dtlsPskIdentifiesTheDevice() throws Exception {
        var result = CoapClient.post(
                "coap-client-openssl", secure + "/event", "open", "-u", "sensor-1@acme", "-k", "sensor-1-key");
        assertThat(result.code()).as(result.log()).isEqualTo("2.04");
        InboundMessage message = uplink.messages.getFirst();
        assertThat(message.topic()).isEqualTo("event/acme/sensor-1");
        assertThat(message.sender().device()).isEqualTo("sensor-1");

        var other = CoapClient.post(
                "coap-client-openssl",
                secure + "/event/acme/sensor-2",
                "open",
                "-u",
                "sensor-1@acme",
                "-k",
                "sensor-1-key");
        assertThat(other.code()).as(other.log()).isEqualTo("4.03");
        var disabled = CoapClient.post(
                "coap-client-openssl", secure + "/event", "open", "-u", "disabled-1@acme", "-k", "disabled-key");
        assertThat(disabled.code()).as(disabled.log()).isEqualTo("4.03");
        var wrongKey = CoapClient.post(
                "coap-client-openssl", secure + "/event", "open", "-u", "sensor-1@acme", "-k", "guess", "-B", "3");
        assertThat(wrongKey.code()).as(wrongKey.log()).isNull();
        assertThat(uplink.messages).hasSize(1);
    }

    @Test
    void ttdCarriesACommandBack() throws Exception {
        inbox.offer(TestDevices.command("sensor-1", "setValve", "corr-9", "{\"open\":1}"));
        var result = CoapClient.post(
                "coap-client-openssl", secure + "/telemetry?ttd=2", "{}", "-u", "sensor-1@acme", "-k", "sensor-1-key");
        assertThat(result.code()).as(result.log()).isEqualTo("2.04");
        assertThat(result.payload()).isEqualTo("{\"open\":1}");
        assertThat(result.pdu()).contains("command=setValve").contains("corr-9");
        // the adapter records the delivery after the response is written, so the peer can see it first
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(inbox.delivered)
                .extracting(c -> c.correlationId())
                .contains("corr-9"));

        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(700);
            } catch (InterruptedException e) {
                return;
            }
            inbox.offer(TestDevices.command("sensor-2", "stop", null, "now"));
        });
        var later = CoapClient.post("coap-client-notls", plain + "/telemetry/acme/sensor-2?ttd=5", "{}");
        assertThat(later.code()).as(later.log()).isEqualTo("2.04");
        assertThat(later.payload()).isEqualTo("now");
        assertThat(later.log()).contains("t:CON c:2.04"); // separate response after an empty ACK
    }
}
