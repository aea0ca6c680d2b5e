package io.fogbridge.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits a TCP stream into whole MQTT control packets and passes each on as the bytes that came (a retained slice),
 * for decision 0001's relay: the broker behind it must see every packet exactly as the device sent it, including
 * malformed ones it answers with a reason code, so nothing is decoded or re-encoded here.
 *
 * <p><b>Frame.</b> MQTT 3.1.1 §2.2 / MQTT 5 §2.1: one byte of type and flags, the remaining length as a variable byte
 * integer of 1–4 bytes (7 bits each, least significant first, high bit = more), then that many bytes. A fifth length
 * byte is malformed ({@link CorruptedFrameException}); a packet longer than {@code maxPacketBytes} in all is refused
 * ({@link TooLongFrameException}) before any of it is buffered. Either way the stream cannot be followed any further:
 * everything after it is discarded and the caller closes the connection.
 *
 * <p>The static accessors read the few fields the relay needs from a frame without consuming it. Not thread-safe (one
 * instance per channel, as every {@link ByteToMessageDecoder}).
 */
final class MqttFrames extends ByteToMessageDecoder {

    static final int CONNECT = 1;
    static final int CONNACK = 2;
    static final int PUBLISH = 3;
    static final int PUBACK = 4;
    static final int PUBREC = 5;
    static final int PUBREL = 6;
    static final int SUBSCRIBE = 8;
    static final int SUBACK = 9;
    static final int PINGREQ = 12;
    static final int PINGRESP = 13;
    static final int AUTH = 15;

    private final int maxPacketBytes;
    private boolean broken;

    MqttFrames(int maxPacketBytes) {
        this.maxPacketBytes = maxPacketBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!broken) {
            int start = in.readerIndex();
            int total = frameLength(in, start);
            if (total < 0 || in.readableBytes() < total) {
                return;
            }
            out.add(in.retainedSlice(start, total));
            in.skipBytes(total);
        }
        in.skipBytes(in.readableBytes());
    }

    /** Length of the frame at {@code start} in all, or -1 while its header is incomplete. */
    private int frameLength(ByteBuf in, int start) {
        int available = in.writerIndex() - start;
        int remaining = 0;
        for (int i = 0; i < 4; i++) {
            if (available < 2 + i) {
                return -1;
            }
            int b = in.getUnsignedByte(start + 1 + i);
            remaining |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                long total = 2L + i + remaining;
                if (total > maxPacketBytes) {
                    broken = true;
                    in.skipBytes(in.readableBytes());
                    throw new TooLongFrameException(
                            "MQTT packet of " + total + " bytes exceeds the limit of " + maxPacketBytes);
                }
                return (int) total;
            }
        }
        broken = true;
        in.skipBytes(in.readableBytes());
        throw new CorruptedFrameException("MQTT remaining length longer than 4 bytes");
    }

    /** The packet type (1 CONNECT … 15 AUTH). */
    static int type(ByteBuf frame) {
        return frame.getUnsignedByte(frame.readerIndex()) >> 4;
    }

    /** A PUBLISH's QoS (0, 1, 2; 3 is malformed and left to the broker). */
    static int publishQos(ByteBuf frame) {
        return (frame.getUnsignedByte(frame.readerIndex()) >> 1) & 3;
    }

    /**
     * A QoS 1 or 2 PUBLISH's packet id (after the topic name), or -1 if the frame is too short to hold one: the broker
     * will refuse it.
     */
    static int publishPacketId(ByteBuf frame) {
        int body = bodyOffset(frame);
        if (frame.writerIndex() < body + 2) {
            return -1;
        }
        int idAt = body + 2 + frame.getUnsignedShort(body);
        return frame.writerIndex() < idAt + 2 ? -1 : frame.getUnsignedShort(idAt);
    }

    /**
     * A CONNECT's protocol level (3: MQTT 3.1, 4: 3.1.1, 5: 5), read after the protocol name; -1 if the frame is too
     * short to hold one: the broker will refuse it.
     */
    static int connectProtocolLevel(ByteBuf frame) {
        int body = bodyOffset(frame);
        if (frame.writerIndex() < body + 2) {
            return -1;
        }
        int levelAt = body + 2 + frame.getUnsignedShort(body);
        return frame.writerIndex() <= levelAt ? -1 : frame.getUnsignedByte(levelAt);
    }

    /**
     * Whether an MQTT 5 CONNECT lets the server put a reason string on a PUBACK or PUBREC (MQTT 5 §3.1.2.11.7: request
     * problem information, default 1) and the client takes a packet of {@code bytes} (§3.1.2.11.4: maximum packet
     * size, default unlimited). False for anything it cannot read: the reason string is optional.
     */
    static boolean connectTakesReasonStrings(ByteBuf frame, int bytes) {
        int body = bodyOffset(frame);
        if (frame.writerIndex() - body < 2) {
            return false;
        }
        int at = body + 2 + frame.getUnsignedShort(body) + 4; // protocol name, level, connect flags, keep alive
        int problemInformation = property(frame, at, 0x17);
        int maxPacket = property(frame, at, 0x27);
        return problemInformation != 0
                && problemInformation != UNREADABLE
                && maxPacket != UNREADABLE
                && (maxPacket == ABSENT || Integer.toUnsignedLong(maxPacket) >= bytes);
    }

    /**
     * An MQTT 5 CONNACK's topic alias maximum (§3.2.2.3.8): the highest alias the client may use; 0 (also when
     * absent) allows none.
     */
    static int connackTopicAliasMaximum(ByteBuf frame) {
        int value = property(frame, bodyOffset(frame) + 2, 0x22); // after acknowledge flags and reason code
        return value < 0 ? 0 : value;
    }

    /** {@link #property}: the property is not there. */
    private static final int ABSENT = Integer.MIN_VALUE;
    /** {@link #property}: the properties cannot be read. (A four-byte value this large is beyond any MQTT limit.) */
    private static final int UNREADABLE = Integer.MIN_VALUE + 1;

    /**
     * The value of the byte, two- or four-byte integer property {@code wanted} in the properties starting at {@code
     * at} (their variable byte integer length), {@link #ABSENT} if it is not there, {@link #UNREADABLE} if the
     * properties cannot be read (an unknown id, a value running past them or the frame).
     */
    private static int property(ByteBuf frame, int at, int wanted) {
        int end = frame.writerIndex();
        int length = varInt(frame, at, end);
        if (length < 0) {
            return UNREADABLE;
        }
        at += varIntSize(length);
        int propertiesEnd = at + length;
        if (propertiesEnd > end) {
            return UNREADABLE;
        }
        int found = ABSENT;
        while (at < propertiesEnd) {
            int id = frame.getUnsignedByte(at++);
            int size = propertySize(frame, id, at, propertiesEnd);
            if (size < 0) {
                return UNREADABLE;
            }
            if (id == wanted) {
                found = switch (size) {
                    case 1 -> frame.getUnsignedByte(at);
                    case 2 -> frame.getUnsignedShort(at);
                    default -> frame.getInt(at);
                };
            }
            at += size;
        }
        return found;
    }

    /**
     * The size of the value of MQTT 5 property {@code id} at {@code at} (MQTT 5 §2.2.2.2: byte, two- or four-byte
     * integer, UTF-8 string or binary data with a 2-byte length, string pair), or -1 for an id MQTT 5 does not define
     * or a value running past {@code end}. A variable byte integer property (0x0B, subscription identifier) is not
     * read: the relay meets none it needs, and a client may not send one on a PUBLISH.
     */
    static int propertySize(ByteBuf frame, int id, int at, int end) {
        int size =
                switch (id) {
                    case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> 1;
                    case 0x13, 0x21, 0x22, 0x23 -> 2;
                    case 0x02, 0x11, 0x18, 0x27 -> 4;
                    case 0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1A, 0x1C, 0x1F ->
                        end - at >= 2 ? 2 + frame.getUnsignedShort(at) : -1;
                    case 0x26 -> {
                        if (end - at < 2) {
                            yield -1;
                        }
                        int key = 2 + frame.getUnsignedShort(at);
                        yield end - at - key >= 2 ? key + 2 + frame.getUnsignedShort(at + key) : -1;
                    }
                    default -> -1;
                };
        return size < 0 || at + size > end ? -1 : size;
    }

    /** A variable byte integer at {@code at} (1–4 bytes), or -1 if it is malformed or runs past {@code end}. */
    static int varInt(ByteBuf frame, int at, int end) {
        int value = 0;
        for (int i = 0; i < 4 && at + i < end; i++) {
            int b = frame.getUnsignedByte(at + i);
            value |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        return -1;
    }

    /** How many bytes {@code value} takes as a variable byte integer. */
    static int varIntSize(int value) {
        return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
    }

    /** A CONNECT's keep alive in seconds (0: none), or -1 if the frame is too short to hold one. */
    static int connectKeepAlive(ByteBuf frame) {
        int body = bodyOffset(frame);
        if (frame.writerIndex() < body + 2) {
            return -1;
        }
        int at = body + 2 + frame.getUnsignedShort(body) + 2; // protocol name, level, connect flags
        return frame.writerIndex() < at + 2 ? -1 : frame.getUnsignedShort(at);
    }

    /** A PUBACK's or PUBREC's packet id, or -1 if the frame is too short. */
    static int ackPacketId(ByteBuf frame) {
        int body = bodyOffset(frame);
        return frame.writerIndex() < body + 2 ? -1 : frame.getUnsignedShort(body);
    }

    /** A PUBACK's or PUBREC's reason code: MQTT 5 may leave it out when it is 0 (success), MQTT 3.1.1 has none. */
    static int ackReasonCode(ByteBuf frame) {
        int body = bodyOffset(frame);
        return frame.writerIndex() > body + 2 ? frame.getUnsignedByte(body + 2) : 0;
    }

    /** Index of the first byte after the fixed header. */
    static int bodyOffset(ByteBuf frame) {
        int i = frame.readerIndex() + 1;
        while ((frame.getUnsignedByte(i) & 0x80) != 0) {
            i++;
        }
        return i + 1;
    }
}
