package io.fogbridge.gateway.fault;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A tiny MQTT codec on raw bytes, for fuzzing a listener: encodes valid CONNECT, PUBLISH, SUBSCRIBE and PINGREQ
 * packets (MQTT 3.1.1, protocol level 4, and MQTT 5, level 5, with empty properties), and reads back a PUBLISH from
 * whatever bytes were sent, mutated or not, the way a conforming server would frame it. The fuzzer uses the decoder
 * to know which publishes it actually made, so that anything else found in Kafka counts as malformed data let
 * through.
 *
 * <p>Stateless and thread-safe.
 */
public final class MqttPacket {

    public static final int CONNECT = 1;
    public static final int PUBLISH = 3;
    public static final int SUBSCRIBE = 8;
    public static final int PINGREQ = 12;
    /** Largest remaining length MQTT can express (four length bytes). */
    public static final int MAX_REMAINING = 268_435_455;

    private MqttPacket() {}

    /** CONNECT with a clean session, no will, no credentials. */
    public static byte[] connect(int level, String clientId, int keepAliveSeconds) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, "MQTT");
        body.write(level);
        body.write(0x02); // clean session / clean start
        body.write(keepAliveSeconds >> 8);
        body.write(keepAliveSeconds);
        if (level == 5) {
            body.write(0); // no properties
        }
        string(body, clientId);
        return packet(CONNECT << 4, body.toByteArray());
    }

    /** PUBLISH at {@code qos} (0–2); {@code packetId} is used for QoS 1 and 2. */
    public static byte[] publish(int level, String topic, byte[] payload, int qos, int packetId) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, topic);
        if (qos > 0) {
            body.write(packetId >> 8);
            body.write(packetId);
        }
        if (level == 5) {
            body.write(0);
        }
        body.writeBytes(payload);
        return packet(PUBLISH << 4 | qos << 1, body.toByteArray());
    }

    /** SUBSCRIBE to one filter at {@code qos}. */
    public static byte[] subscribe(int level, int packetId, String filter, int qos) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(packetId >> 8);
        body.write(packetId);
        if (level == 5) {
            body.write(0);
        }
        string(body, filter);
        body.write(qos);
        return packet(SUBSCRIBE << 4 | 0x02, body.toByteArray());
    }

    public static byte[] pingreq() {
        return new byte[] {(byte) (PINGREQ << 4), 0};
    }

    /** A fixed header (first byte and remaining length) followed by {@code body}. */
    public static byte[] packet(int firstByte, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        out.writeBytes(remainingLength(body.length));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** The variable-length encoding of a remaining length. */
    public static byte[] remainingLength(int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        do {
            int digit = length % 128;
            length /= 128;
            out.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        return out.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    /** A publish as a server reads it: topic (empty if it came by alias) and payload. */
    public record Publish(String topic, byte[] payload) {}

    /**
     * Reads {@code bytes} as one PUBLISH of a session at protocol {@code level}, or returns null if a conforming
     * server must not take it as one: another packet type, reserved QoS 3, a remaining length that does not match,
     * a topic that is not well-formed UTF-8 or holds wildcards or U+0000, a QoS 1/2 packet id of 0, properties that
     * overrun. Lenient where servers differ (it does not check property contents): the result is an allow-list.
     */
    public static Publish readPublish(byte[] bytes, int level) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (!b.hasRemaining()) {
            return null;
        }
        int first = b.get() & 0xFF;
        int qos = (first >> 1) & 3;
        if (first >> 4 != PUBLISH || qos == 3) {
            return null;
        }
        int remaining = readRemainingLength(b);
        if (remaining < 0 || remaining != b.remaining()) {
            return null;
        }
        if (b.remaining() < 2) {
            return null;
        }
        int topicLength = b.getShort() & 0xFFFF;
        if (topicLength > b.remaining()) {
            return null;
        }
        byte[] topicBytes = new byte[topicLength];
        b.get(topicBytes);
        String topic;
        try {
            topic = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(topicBytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0 || topic.indexOf('\0') >= 0) {
            return null;
        }
        if (qos > 0) {
            if (b.remaining() < 2 || (b.getShort() & 0xFFFF) == 0) {
                return null;
            }
        }
        if (level == 5) {
            int propertiesLength = readRemainingLength(b);
            if (propertiesLength < 0 || propertiesLength > b.remaining()) {
                return null;
            }
            b.position(b.position() + propertiesLength);
        } else if (topic.isEmpty()) {
            return null; // no topic aliases before MQTT 5
        }
        return new Publish(topic, Arrays.copyOfRange(bytes, b.position(), bytes.length));
    }

    private static int readRemainingLength(ByteBuffer b) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            if (!b.hasRemaining()) {
                return -1;
            }
            int digit = b.get() & 0xFF;
            value |= (digit & 0x7F) << (7 * i);
            if ((digit & 0x80) == 0) {
                return value;
            }
        }
        return -1;
    }
}
