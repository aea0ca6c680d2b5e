package io.fogbridge.gateway.fault;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A well-behaved CoAP device on plain UDP: a confirmable {@code POST /telemetry/<tenant>/<device>} (anonymous, as the
 * adapter allows on loopback), retransmitted with the same message id every 2 s up to 4 times as RFC 7252 asks; the
 * piggy-backed 2.04 in the ACK means durable.
 */
public final class CoapDevice extends PacedDevice {

    private static final int RETRANSMISSIONS = 4;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(2);

    private final DatagramSocket socket;
    private final InetAddress host = InetAddress.getLoopbackAddress();
    private final int port;
    private final String path;
    private int messageId = (int) (System.nanoTime() & 0x7FFF);

    public CoapDevice(String tenant, String device, int port, Duration period) throws Exception {
        super(device, period);
        this.port = port;
        this.path = "telemetry/" + tenant + "/" + device;
        this.socket = new DatagramSocket();
        socket.setSoTimeout((int) ACK_TIMEOUT.toMillis());
    }

    @Override
    protected String send(long seq, byte[] payload) throws Exception {
        messageId = (messageId + 1) & 0xFFFF;
        byte[] token = {(byte) (seq >> 24), (byte) (seq >> 16), (byte) (seq >> 8), (byte) seq};
        byte[] request = CoapMessage.request(CoapMessage.CON, CoapMessage.POST, messageId, token, path, payload);
        byte[] buffer = new byte[1500];
        for (int attempt = 0; attempt <= RETRANSMISSIONS; attempt++) {
            socket.send(new DatagramPacket(request, request.length, host, port));
            long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(answer);
                } catch (SocketTimeoutException e) {
                    break;
                }
                byte[] m = java.util.Arrays.copyOf(answer.getData(), answer.getLength());
                if (m.length >= 4 && CoapMessage.messageId(m) == messageId && CoapMessage.type(m) == CoapMessage.ACK) {
                    int code = CoapMessage.code(m);
                    return code == CoapMessage.CHANGED
                            ? null
                            : "CoAP " + (code >> 5) + "." + String.format("%02d", code & 31);
                }
            }
        }
        return "no ACK after " + RETRANSMISSIONS + " retransmissions";
    }

    @Override
    public void close() {
        super.close();
        socket.close();
    }
}
