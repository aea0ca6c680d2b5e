package io.fogbridge.mqtt;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * An MQTT 5 device written packet by packet on a plain socket, for tests that must see the order of the broker's
 * answers on the wire (a client library may complete its futures on several threads). It speaks MQTT 3.1.1 instead
 * when made with protocol level 4: the same packets without properties. Not thread-safe.
 */
final class RawMqtt5Device implements AutoCloseable {

    /** A packet as read: its type (upper four bits of the first byte) and the bytes after the remaining length. */
    record Packet(int type, byte[] body) {
        int packetId() {
            return ((body[0] & 0xff) << 8) | (body[1] & 0xff);
        }

        /** A PUBACK's reason code: absent means 0 (success). */
        int reasonCode() {
            return body.length > 2 ? body[2] & 0xff : 0;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    /** MQTT 5 (protocol level 5), else 3.1.1 (level 4), whose packets have no properties. */
    private final boolean v5;

    /** Connects, sends CONNECT (clean start, keep-alive 60 s) and reads the CONNACK, which must accept. */
    RawMqtt5Device(int port, String clientId) throws IOException {
        this(port, clientId, 60);
    }

    /** As above, with a keep alive of {@code keepAliveSeconds}. */
    RawMqtt5Device(int port, String clientId, int keepAliveSeconds) throws IOException {
        this(port, clientId, keepAliveSeconds, 5);
    }

    /** As above, speaking the MQTT of {@code protocolLevel}: 5, or 4 for MQTT 3.1.1. */
    RawMqtt5Device(int port, String clientId, int keepAliveSeconds, int protocolLevel) throws IOException {
        if (protocolLevel != 4 && protocolLevel != 5) {
            throw new IllegalArgumentException("protocol level 4 or 5, got " + protocolLevel);
        }
        v5 = protocolLevel == 5;
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(new byte[] {0, 4, 'M', 'Q', 'T', 'T', (byte) protocolLevel, 0x02, 0, (byte) keepAliveSeconds});
        if (v5) {
            body.write(0); // no properties
        }
        writeString(body, clientId);
        send(0x10, body);
        Packet connack = read();
        if (connack.type() != 2 || connack.body()[1] != 0) {
            throw new IOException("CONNECT refused: type " + connack.type() + ", reason " + connack.body()[1]);
        }
    }

    /** Sends a QoS 1 PUBLISH without waiting for anything. */
    void publishQos1(int packetId, String topic, String payload) throws IOException {
        send(0x32, publishBody(packetId, topic, payload));
    }

    /** Sends a SUBSCRIBE to {@code filter} (QoS 1) without waiting for its SUBACK. */
    void subscribe(int packetId, String filter) throws IOException {
        send(0x82, subscribeBody(packetId, filter));
    }

    /**
     * Sends a SUBSCRIBE to {@code filter} (QoS 1) and a QoS 1 PUBLISH in one write, so that whoever reads the
     * connection has the PUBLISH before the SUBSCRIBE can have been answered.
     */
    void subscribeThenPublishQos1(int subscribeId, String filter, int publishId, String topic, String payload)
            throws IOException {
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(frame(0x82, subscribeBody(subscribeId, filter)));
        both.write(frame(0x32, publishBody(publishId, topic, payload)));
        out.write(both.toByteArray());
        out.flush();
    }

    private ByteArrayOutputStream subscribeBody(int packetId, String filter) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(packetId >> 8);
        body.write(packetId & 0xff);
        if (v5) {
            body.write(0); // no properties
        }
        writeString(body, filter);
        body.write(1); // maximum QoS 1
        return body;
    }

    private ByteArrayOutputStream publishBody(int packetId, String topic, String payload) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic);
        body.write(packetId >> 8);
        body.write(packetId & 0xff);
        if (v5) {
            body.write(0); // no properties
        }
        body.write(payload.getBytes(StandardCharsets.UTF_8));
        return body;
    }

    /**
     * Sends a QoS 1 PUBLISH with topic alias {@code alias} (MQTT 5 §3.3.2.3.4): an empty {@code topic} uses the alias,
     * a topic sets it.
     */
    void publishQos1(int packetId, String topic, int alias, String payload) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic);
        body.write(packetId >> 8);
        body.write(packetId & 0xff);
        body.write(new byte[] {3, 0x23, (byte) (alias >> 8), (byte) alias});
        body.write(payload.getBytes(StandardCharsets.UTF_8));
        send(0x32, body);
    }

    /** The next packet from the broker; fails after 15 s. */
    Packet read() throws IOException {
        int type = in.readUnsignedByte() >> 4;
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.readUnsignedByte();
            length |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return new Packet(type, body);
    }

    /** The next packet if one arrives within {@code millis}, else null. */
    Packet readWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return read();
        } catch (SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(15_000);
        }
    }

    /** True if nothing arrives within {@code millis}; fails if something does (it is consumed). */
    boolean quietFor(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the broker closed the connection");
            }
            throw new IllegalStateException("the broker sent a packet (first byte 0x" + Integer.toHexString(b) + ")");
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(15_000);
        }
    }

    private void send(int firstByte, ByteArrayOutputStream body) throws IOException {
        out.write(frame(firstByte, body));
        out.flush();
    }

    private static byte[] frame(int firstByte, ByteArrayOutputStream body) throws IOException {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(firstByte);
        int value = body.size();
        do {
            int b = value & 0x7f;
            value >>>= 7;
            packet.write(value > 0 ? b | 0x80 : b);
        } while (value > 0);
        body.writeTo(packet);
        return packet.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xff);
        out.write(bytes);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
