package io.fogbridge.gateway.fault;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Malformed CoAP datagrams against the adapter's UDP endpoint, from a seed: requests built with {@link CoapMessage}
 * and then broken (version, reserved token lengths 9–15, option nibbles 15, option lengths past the end, a payload
 * marker with no payload, cut short, bytes changed, response codes and ACK/RST types in place of a request), plain
 * garbage, and datagrams of up to 60 KB. Answers are drained and ignored.
 *
 * <p>Runs on the calling thread; thread-safe counters.
 */
public final class CoapFuzzer {

    private final int port;
    private final Random random;
    private final AtomicLong datagrams;

    public CoapFuzzer(int port, long seed, AtomicLong datagrams) {
        this.port = port;
        this.random = new Random(seed);
        this.datagrams = datagrams;
    }

    public void run(int count) throws IOException, InterruptedException {
        try (DatagramSocket socket = new DatagramSocket()) {
            Thread.ofVirtual().start(() -> drain(socket));
            InetAddress host = InetAddress.getLoopbackAddress();
            for (int i = 0; i < count; i++) {
                byte[] d = next();
                socket.send(new DatagramPacket(d, d.length, host, port));
                datagrams.incrementAndGet();
                if (i % 50 == 49) {
                    Thread.sleep(5); // a burst, then a breath: the loopback drops what floods its buffer
                }
            }
        }
    }

    private byte[] next() {
        byte[] token = new byte[random.nextInt(9)];
        random.nextBytes(token);
        byte[] payload = ("coap-fuzz:" + Long.toHexString(random.nextLong())).getBytes(StandardCharsets.UTF_8);
        byte[] m = CoapMessage.request(
                random.nextInt(4),
                random.nextInt(10) == 0 ? random.nextInt(256) : CoapMessage.POST,
                random.nextInt(1 << 16),
                token,
                "telemetry/fz/c" + random.nextInt(8),
                payload);
        switch (random.nextInt(9)) {
            case 0 -> m[0] = (byte) (m[0] & 0x3F | random.nextInt(4) << 6); // version 0, 2, 3
            case 1 -> m[0] = (byte) (m[0] & 0xF0 | 9 + random.nextInt(7)); // reserved token length
            case 2 -> m[4 + token.length] = (byte) (0xF0 | m[4 + token.length]); // option delta 15
            case 3 -> m[4 + token.length] = (byte) (m[4 + token.length] | 0x0E); // option length past the end
            case 4 -> m = Arrays.copyOf(m, 1 + random.nextInt(m.length)); // cut short
            case 5 -> {
                m = Arrays.copyOf(m, m.length - payload.length); // payload marker, no payload
            }
            case 6 -> {
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    m[random.nextInt(m.length)] = (byte) random.nextInt(256);
                }
            }
            case 7 -> {
                m = new byte[1 + random.nextInt(random.nextInt(20) == 0 ? 60_000 : 200)];
                random.nextBytes(m);
            }
            default -> {
                // well-formed, of a random type and code
            }
        }
        return m;
    }

    private static void drain(DatagramSocket socket) {
        byte[] buffer = new byte[2048];
        try {
            while (!socket.isClosed()) {
                socket.receive(new DatagramPacket(buffer, buffer.length));
            }
        } catch (IOException e) {
            // closed
        }
    }
}
