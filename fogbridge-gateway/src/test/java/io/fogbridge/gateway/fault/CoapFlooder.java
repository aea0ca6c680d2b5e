package io.fogbridge.gateway.fault;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A raw UDP sender that floods one CoAP endpoint with anonymous non-confirmable {@code POST}s, each with a fresh
 * message id and token (so no deduplicator can fold them), from its own source address: several flooders on
 * 127.0.0.2, 127.0.0.3 … look like several hosts on the plant network. It never reads what comes back.
 *
 * <p>Paced in 1 ms steps to {@code perSecond} (0 = as fast as the socket takes them). Not thread-safe: one thread
 * runs it; {@link #sent} may be read from any.
 */
public final class CoapFlooder {

    private final InetAddress source;
    private final InetSocketAddress target;
    private final String path;
    private final int datagramBytes;
    private final AtomicLong sent;

    /** @param datagramBytes the size of each whole datagram (header, token, options and payload) */
    public CoapFlooder(InetAddress source, InetSocketAddress target, String path, int datagramBytes, AtomicLong sent) {
        this.source = source;
        this.target = target;
        this.path = path;
        this.datagramBytes = datagramBytes;
        this.sent = sent;
    }

    /** Sends until {@code duration} passed. */
    public void run(Duration duration, int perSecond) throws Exception {
        byte[] token = new byte[8];
        int overhead = CoapMessage.request(CoapMessage.NON, CoapMessage.POST, 0, token, path, new byte[1]).length - 1;
        byte[] payload = new byte[Math.max(1, datagramBytes - overhead)];
        Arrays.fill(payload, (byte) 'x');
        long started = System.nanoTime();
        long end = started + duration.toNanos();
        long count = 0;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(source, 0))) {
            while (System.nanoTime() < end) {
                count++;
                for (int i = 0; i < 8; i++) {
                    token[i] = (byte) (count >>> (8 * i));
                }
                byte[] m = CoapMessage.request(
                        CoapMessage.NON, CoapMessage.POST, (int) (count & 0xFFFF), token, path, payload);
                socket.send(new DatagramPacket(m, m.length, target));
                sent.incrementAndGet();
                if (perSecond > 0) {
                    long due = started + count * 1_000_000_000L / perSecond;
                    long ahead = due - System.nanoTime();
                    if (ahead > 1_000_000) {
                        LockSupport.parkNanos(ahead);
                    }
                }
            }
        }
    }
}
