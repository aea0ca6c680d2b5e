package io.fogbridge.adapters.coap;

import static io.fogbridge.testkit.CoapDatagram.ACK;
import static io.fogbridge.testkit.CoapDatagram.CON;
import static io.fogbridge.testkit.CoapDatagram.POST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.adapters.TestDevices;
import io.fogbridge.testkit.CoapDatagram;
import io.fogbridge.testkit.CoapDatagram.Message;
import io.fogbridge.testkit.CoapDatagram.Option;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What senders can make the CoAP adapter keep, at its bounds, with a raw UDP sender playing the device byte by byte
 * (so the adapter is checked against RFC 7252/7959, not against Californium's own client): requests waiting for a
 * command ({@code maxTtdWaiting} in all, one per device), block-wise uploads in progress ({@code
 * maxBlockwiseUploads}) and what answered exchanges keep of their requests (at most one block, never an assembled body).
 */
class CoapStateBoundsIT {

    private final TestDevices.RecordingUplink uplink = new TestDevices.RecordingUplink();
    private final TestDevices.QueueInbox inbox = new TestDevices.QueueInbox();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private CoapAdapter adapter;
    private DatagramSocket socket;
    private int messageId = 1;

    @AfterEach
    void stop() {
        if (socket != null) {
            socket.close();
        }
        if (adapter != null) {
            adapter.close();
        }
    }

    /** Anonymous plain CoAP on loopback, 64 KiB bodies, ttd up to 30 s. */
    private void start(CoapLimits limits) throws Exception {
        CoapAdapterOptions options = new CoapAdapterOptions(
                "127.0.0.1", 0, -1, null, 64 << 10, Duration.ofSeconds(5), Duration.ofSeconds(30), null, limits);
        adapter = new CoapAdapter(options, TestDevices.registry(), inbox, meters);
        adapter.start(uplink);
        socket = new DatagramSocket();
        socket.setSoTimeout(200);
    }

    @Test
    void requestsWaitingForACommandAreBoundedInAllAndOnePerDevice() throws Exception {
        start(new CoapLimits(200, 400, 100, 5000, 100, 1024, 3, 0));
        for (String device : List.of("dev-1", "dev-2", "dev-3")) {
            byte[] token = token(device);
            int mid = post(device + "?ttd=20", token, bytes("waits " + device));
            Message ack = next(m -> m.messageId() == mid);
            assertThat(ack.type()).as("an empty ACK: durable, now waiting").isEqualTo(ACK);
            assertThat(ack.code()).isEqualTo("0.00");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> waiting() == 3);

        int refusedMid = post("dev-4?ttd=20", token("dev-4"), bytes("one too many"));
        Message refused = next(m -> m.messageId() == refusedMid);
        assertThat(refused.code()).isEqualTo("5.03");
        assertThat(refused.option(CoapDatagram.MAX_AGE).uint()).isEqualTo(20);
        assertThat(refused.text()).contains("maxTtdWaiting = 3");
        assertThat(payloads()).as("refused before its payload was forwarded").doesNotContain("one too many");

        // dev-1 asks again (its client gave up on the first request, say): the first one's wait ends, 2.04 without
        // a command, and the newer one takes its place.
        byte[] again = token("dev-1-again");
        int againMid = post("dev-1?ttd=20", again, bytes("waits dev-1 again"));
        assertThat(next(m -> m.messageId() == againMid).code()).isEqualTo("0.00");
        Message ended = next(m -> Arrays.equals(m.token(), token("dev-1")));
        assertThat(ended.code()).isEqualTo("2.04");
        assertThat(ended.payload()).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> waiting() == 3);

        inbox.offer(TestDevices.command("dev-1", "setValve", "c-1", "{\"open\":true}"));
        Message command = next(m -> Arrays.equals(m.token(), again) && m.payload().length > 0);
        assertThat(command.text()).isEqualTo("{\"open\":true}");
        await().atMost(Duration.ofSeconds(5)).until(() -> inbox.delivered.size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> waiting() == 2);
    }

    @Test
    void blockwiseUploadsInProgressAreBoundedAndAnsweredExchangesKeepNoPayload() throws Exception {
        start(new CoapLimits(200, 400, 100, 5000, 100, 1024, 10, 2));
        byte[] block = new byte[1024];
        Arrays.fill(block, (byte) 'b');
        for (String device : List.of("dev-a", "dev-b", "dev-c")) {
            int mid = upload(device, 0, true, block);
            assertThat(next(m -> m.messageId() == mid).code())
                    .as("first block of %s", device)
                    .isEqualTo("2.31");
        }
        int lateMid = upload("dev-c", 1, false, block);
        assertThat(next(m -> m.messageId() == lateMid).code())
                .as("the third upload was not kept: its second block is incomplete")
                .isEqualTo("4.08");
        for (String device : List.of("dev-a", "dev-b")) {
            int mid = upload(device, 1, false, block);
            assertThat(next(m -> m.messageId() == mid).code())
                    .as("last block of %s", device)
                    .isEqualTo("2.04");
        }
        assertThat(uplink.messages).hasSize(2).allSatisfy(m -> assertThat(m.payload())
                .hasSize(2048));

        // with room again, the third device's upload goes through
        int restart = upload("dev-c", 0, true, block);
        assertThat(next(m -> m.messageId() == restart).code()).isEqualTo("2.31");
        int last = upload("dev-c", 1, false, block);
        assertThat(next(m -> m.messageId() == last).code()).isEqualTo("2.04");

        assertThat(adapter.rememberedPayloadBytes())
                .as(
                        "exchanges remembered for retransmissions keep at most one block, not the assembled body (%s"
                                + " remembered)",
                        meters.get("fogbridge.coap.exchanges").gauge().value())
                .isLessThanOrEqualTo(block.length);
    }

    private int upload(String device, int num, boolean more, byte[] block) throws Exception {
        List<Option> options = new ArrayList<>(CoapDatagram.path("telemetry/acme/" + device));
        options.add(CoapDatagram.block1(num, more, 6));
        return send(CoapDatagram.request(CON, POST, messageId, token(device + num), options, block));
    }

    /** A confirmable POST to {@code telemetry/acme/<pathAndQuery>}; its message id. */
    private int post(String pathAndQuery, byte[] token, byte[] payload) throws Exception {
        String[] parts = pathAndQuery.split("\\?", 2);
        List<Option> options = new ArrayList<>(CoapDatagram.path("telemetry/acme/" + parts[0]));
        if (parts.length > 1) {
            options.add(CoapDatagram.query(parts[1]));
        }
        return send(CoapDatagram.request(CON, POST, messageId, token, options, payload));
    }

    private int send(byte[] datagram) throws Exception {
        socket.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), adapter.port()));
        return messageId++;
    }

    /** The next message that matches, within 10 s; a confirmable one on the way is acknowledged. */
    private Message next(Predicate<Message> wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        byte[] buffer = new byte[2048];
        while (System.nanoTime() < deadline) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            }
            Message m = CoapDatagram.parse(packet.getData(), packet.getLength());
            if (m.type() == CON) {
                byte[] ack = CoapDatagram.request(ACK, 0, m.messageId(), new byte[0], List.of(), new byte[0]);
                socket.send(new DatagramPacket(ack, ack.length, packet.getSocketAddress()));
            }
            if (wanted.test(m)) {
                return m;
            }
        }
        throw new AssertionError("no such CoAP message within 10 s");
    }

    private double waiting() {
        return meters.get("fogbridge.coap.ttd.waiting").gauge().value();
    }

    private List<String> payloads() {
        return uplink.messages.stream()
                .map(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .toList();
    }

    private static byte[] token(String name) {
        return Arrays.copyOf(name.getBytes(StandardCharsets.US_ASCII), 8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
