package io.fogbridge.gateway.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One fuzzing connection's worth of raw MQTT against a listener, from a seed: a CONNECT (valid, or mutated now and
 * then), then packets drawn at random: valid and mutated PUBLISH (QoS 0–2) and SUBSCRIBE, a second CONNECT (a
 * protocol violation), PINGREQ, and plain garbage. Mutations change the remaining length, the flags, single bytes
 * and bits, cut the packet short or splice random bytes in. When the server closes the connection (as it should on
 * a malformed packet) the fuzzer connects again; every CONNECT counts as a packet.
 *
 * <p>When a connection ends, the bytes sent on it are framed again as a server frames a stream (first byte,
 * remaining length, body: a lying length makes the server take part of the next packet as payload, or cut this one
 * short) and every frame is read with {@link MqttPacket#readPublish} under both protocol levels; what reads as a
 * publish goes to the shared allow-list: payload (hex) → the topics it was sent on. Whatever reaches Kafka from the
 * fuzzer must be in it.
 *
 * <p>Runs on the calling thread ({@link #run}); the allow-list and counters are shared and thread-safe.
 */
public final class MqttFuzzer {

    /** Tenant of the fuzzer's well-formed publishes: {@code telemetry/fz/<device>} routes to {@code fog.telemetry.fz}. */
    public static final String TENANT = "fz";

    private final int port;
    private final int worker;
    private final Random random;
    private final Map<String, Set<String>> published;
    private final AtomicLong connections;
    private final AtomicLong packets;
    private Socket socket;
    private OutputStream out;
    /** Every byte written on the current connection, for {@link #rememberPublishes}. */
    private final java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();

    private int level = 4;
    private int packetId;

    public MqttFuzzer(
            int port,
            int worker,
            long seed,
            Map<String, Set<String>> published,
            AtomicLong connections,
            AtomicLong packets) {
        this.port = port;
        this.worker = worker;
        this.random = new Random(seed);
        this.published = published;
        this.connections = connections;
        this.packets = packets;
    }

    /** A fresh allow-list for {@link #published}. */
    public static Map<String, Set<String>> allowList() {
        return new ConcurrentHashMap<>();
    }

    /** Sends {@code count} packets (CONNECTs included), reconnecting whenever the server hangs up. */
    public void run(int count) throws InterruptedException {
        try {
            for (int sent = 0; sent < count; sent++) {
                if (socket == null) {
                    open();
                    sent++;
                    continue;
                }
                byte[] packet = next();
                if (!send(packet)) {
                    close();
                }
                // A pause, so the server reads each packet before the next: otherwise a whole connection's worth
                // sits in the socket buffer and only its first malformed packet is ever looked at.
                Thread.sleep(1 + random.nextInt(10));
            }
        } finally {
            close();
        }
    }

    private void open() throws InterruptedException {
        level = random.nextInt(3) == 0 ? 5 : 4;
        byte[] connect = MqttPacket.connect(level, "fz-" + worker + "-" + connections.incrementAndGet(), 30);
        if (random.nextInt(5) == 0) {
            connect = mutate(connect);
        }
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(5_000);
            socket = s;
            out = s.getOutputStream();
            Thread.ofVirtual().name("fuzz-drain-" + worker).start(() -> drain(s));
            send(connect);
        } catch (IOException e) {
            close();
            Thread.sleep(50); // the listener is busy or gone: try again shortly
        }
    }

    private byte[] next() {
        int kind = random.nextInt(100);
        if (kind < 35) {
            return publish(false);
        } else if (kind < 60) {
            return publish(true);
        } else if (kind < 70) {
            return MqttPacket.subscribe(level, nextPacketId(), filter(), random.nextInt(3));
        } else if (kind < 80) {
            return mutate(MqttPacket.subscribe(level, nextPacketId(), filter(), random.nextInt(3)));
        } else if (kind < 85) {
            return MqttPacket.connect(level, "fz-again-" + worker, 30);
        } else if (kind < 92) {
            return MqttPacket.pingreq();
        } else {
            byte[] garbage = new byte[1 + random.nextInt(64)];
            random.nextBytes(garbage);
            return garbage;
        }
    }

    private byte[] publish(boolean mutated) {
        String topic = "telemetry/" + TENANT + "/d" + random.nextInt(8) + (random.nextBoolean() ? "" : "/x");
        byte[] payload = ("fuzz:" + worker + ":" + Long.toHexString(random.nextLong()))
                .repeat(1 + random.nextInt(4))
                .getBytes(StandardCharsets.UTF_8);
        byte[] packet = MqttPacket.publish(level, topic, payload, random.nextInt(3), nextPacketId());
        return mutated ? mutate(packet) : packet;
    }

    /** Frames the connection's bytes as a server would and adds every frame that reads as a publish. */
    private void rememberPublishes() {
        byte[] bytes = stream.toByteArray();
        stream.reset();
        int at = 0;
        while (at < bytes.length) {
            int remaining = 0;
            int lengthBytes = 0;
            boolean more = true;
            while (more) {
                if (lengthBytes == 4 || at + 1 + lengthBytes >= bytes.length) {
                    return; // a length no server accepts, or the stream ends inside it
                }
                int digit = bytes[at + 1 + lengthBytes] & 0xFF;
                remaining |= (digit & 0x7F) << (7 * lengthBytes);
                lengthBytes++;
                more = (digit & 0x80) != 0;
            }
            int end = at + 1 + lengthBytes + remaining;
            if (end > bytes.length) {
                return; // the server still waits for the rest
            }
            byte[] frame = Arrays.copyOfRange(bytes, at, end);
            for (int asLevel : new int[] {4, 5}) {
                MqttPacket.Publish p = MqttPacket.readPublish(frame, asLevel);
                if (p != null) {
                    published
                            .computeIfAbsent(HexFormat.of().formatHex(p.payload()), k -> ConcurrentHashMap.newKeySet())
                            .add(p.topic());
                }
            }
            at = end;
        }
    }

    private String filter() {
        String[] filters = {"command/fz/#", "#", "telemetry/+/d1", "a/b/+/#", "$SYS/#", "", "+/+", "x#", "a/+b"};
        return filters[random.nextInt(filters.length)];
    }

    private int nextPacketId() {
        packetId = packetId % 65_535 + 1;
        return random.nextInt(50) == 0 ? 0 : packetId; // now and then the forbidden id 0
    }

    byte[] mutate(byte[] packet) {
        byte[] p = packet.clone();
        switch (random.nextInt(7)) {
            case 0 -> { // the remaining length lies
                int len =
                        switch (random.nextInt(4)) {
                            case 0 -> MqttPacket.MAX_REMAINING;
                            case 1 -> Math.max(0, p.length - 2 - random.nextInt(4));
                            case 2 -> p.length + random.nextInt(100);
                            default -> random.nextInt(1 << 14);
                        };
                byte[] body = Arrays.copyOfRange(p, 1 + lengthBytes(p), p.length);
                return join(new byte[] {p[0]}, MqttPacket.remainingLength(len), body);
            }
            case 1 -> p[0] = (byte) ((p[0] & 0xF0) | random.nextInt(16)); // flags: QoS 3, DUP, RETAIN, reserved
            case 2 -> p[0] = (byte) ((random.nextInt(16) << 4) | (p[0] & 0x0F)); // another packet type
            case 3 -> { // some bytes overwritten
                for (int i = 0; i < 1 + random.nextInt(3); i++) {
                    p[random.nextInt(p.length)] = (byte) random.nextInt(256);
                }
            }
            case 4 -> p[random.nextInt(p.length)] ^= (byte) (1 << random.nextInt(8)); // one bit
            case 5 -> {
                return Arrays.copyOf(p, random.nextInt(p.length)); // cut short
            }
            default -> { // random bytes spliced in
                int at = random.nextInt(p.length + 1);
                byte[] junk = new byte[1 + random.nextInt(16)];
                random.nextBytes(junk);
                return join(Arrays.copyOf(p, at), junk, Arrays.copyOfRange(p, at, p.length));
            }
        }
        return p;
    }

    private static int lengthBytes(byte[] p) {
        int n = 0;
        while (1 + n < p.length && n < 4 && (p[1 + n] & 0x80) != 0) {
            n++;
        }
        return Math.min(n + 1, p.length - 1);
    }

    private static byte[] join(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private boolean send(byte[] packet) {
        stream.writeBytes(packet); // the server may have read it, or part of it, even if the write fails
        try {
            out.write(packet);
            out.flush();
            packets.incrementAndGet();
            return true;
        } catch (IOException e) {
            return false; // the server hung up, as it should after a malformed packet
        }
    }

    private static void drain(Socket s) {
        byte[] buffer = new byte[4096];
        try (InputStream in = s.getInputStream()) {
            while (true) {
                try {
                    if (in.read(buffer) < 0) {
                        return;
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // quiet server: keep reading until the socket closes
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void close() {
        rememberPublishes();
        Socket s = socket;
        socket = null;
        out = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }
}
