package io.fogbridge.adapters.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.adapters.CoapClient;
import io.fogbridge.adapters.TestDevices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CoAP adapter's guards against floods, on real sockets: a plain endpoint that takes no anonymous senders answers
 * 4.01 (libcoap's {@code coap-client-notls}, confirmable and not) and remembers nothing of it; datagrams over a
 * source's rate are dropped unanswered and counted.
 */
class CoapFloodGuardIT {

    private final TestDevices.RecordingUplink uplink = new TestDevices.RecordingUplink();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private CoapAdapter adapter;

    @AfterEach
    void stop() {
        if (adapter != null) {
            adapter.close();
        }
    }

    private void start(CoapLimits limits) throws Exception {
        CoapAdapterOptions options = new CoapAdapterOptions(
                "127.0.0.1", 0, -1, null, 1024, Duration.ofSeconds(5), Duration.ofSeconds(5), false, limits);
        adapter = new CoapAdapter(options, TestDevices.registry(), null, meters);
        adapter.start(uplink);
    }

    @Test
    void refusedRequestsAreAnsweredAndLeaveNoState() throws Exception {
        start(CoapLimits.DEFAULTS);
        String uri = "coap://127.0.0.1:" + adapter.port() + "/telemetry/acme/sensor-1";
        var confirmable = CoapClient.post("coap-client-notls", uri, "x");
        assertThat(confirmable.code()).as(confirmable.log()).isEqualTo("4.01");
        assertThat(confirmable.pdu()).contains("t:ACK");
        assertThat(confirmable.log()).contains(UnauthenticatedRefusal.REASON);
        var nonConfirmable = CoapClient.post("coap-client-notls", uri, "x", "-N");
        assertThat(nonConfirmable.code()).as(nonConfirmable.log()).isEqualTo("4.01");

        send(300, 0);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.counter("fogbridge.coap.auth.failed").count() >= 302);
        assertThat(meters.get("fogbridge.coap.exchanges").gauge().value())
                .as("nothing remembered for refused requests")
                .isZero();
        assertThat(uplink.messages).isEmpty();
    }

    @Test
    void datagramsOverASourcesRateAreDroppedAndCounted() throws Exception {
        start(new CoapLimits(10, 20, 100, 1_000, 100, 64));
        send(1_000, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> dropped() >= 500);
        Thread.sleep(500); // let the protocol threads answer what was let in
        double answered = meters.counter("fogbridge.coap.auth.failed").count();
        assertThat(answered)
                .as("answered: the burst and what the rate refilled meanwhile (%s dropped)", dropped())
                .isBetween(20.0, 200.0);
    }

    private double dropped() {
        return meters.get("fogbridge.coap.dropped")
                .tag("reason", "source-rate")
                .functionCounter()
                .count();
    }

    /** {@code count} anonymous NON POSTs to /telemetry from one socket, each with its own message id, paced. */
    private void send(int count, int firstMid) throws Exception {
        byte[] path = "telemetry".getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket socket = new DatagramSocket()) {
            for (int i = 0; i < count; i++) {
                int mid = (firstMid + i) & 0xFFFF;
                byte[] m = new byte[4 + 1 + path.length + 2];
                m[0] = 0x50; // version 1, NON, no token
                m[1] = 0x02; // POST
                m[2] = (byte) (mid >> 8);
                m[3] = (byte) mid;
                m[4] = (byte) (11 << 4 | path.length); // Uri-Path
                System.arraycopy(path, 0, m, 5, path.length);
                m[5 + path.length] = (byte) 0xFF;
                m[6 + path.length] = 'x';
                socket.send(new DatagramPacket(m, m.length, InetAddress.getLoopbackAddress(), adapter.port()));
                // ~5,000/s: faster, the kernel drops what the socket buffer cannot hold before the adapter sees it
                LockSupport.parkNanos(200_000);
            }
        }
    }
}
