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
        int at = bodyOffset(frame);
        int end = frame.writerIndex();
        if (end - at < 2) {
            return false;
        }
        at += 2 + frame.getUnsignedShort(at) + 4; // protocol name, level, connect flags, keep alive
        int length = 0;
        for (int i = 0; ; i++) {
            if (i == 4 || at >= end) {
                return false;
            }
            int b = frame.getUnsignedByte(at++);
            length |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                break;
            }
        }
        int propertiesEnd = Math.min(end, at + length);
        while (at < propertiesEnd) {
            int id = frame.getUnsignedByte(at++);
            switch (id) {
                case 0x17 -> { // request problem information
                    if (at >= propertiesEnd || frame.getUnsignedByte(at) == 0) {
                        return false;
                    }
                    at += 1;
                }
                case 0x27 -> { // maximum packet size
                    if (propertiesEnd - at < 4 || frame.getUnsignedInt(at) < bytes) {
                        return false;
                    }
                    at += 4;
                }
                case 0x19 -> at += 1;
                case 0x21, 0x22 -> at += 2;
                case 0x11 -> at += 4;
                case 0x15, 0x16 -> at += propertiesEnd - at >= 2 ? 2 + frame.getUnsignedShort(at) : 1 << 20;
                case 0x26 -> {
                    if (propertiesEnd - at < 2) {
                        return false;
                    }
                    at += 2 + frame.getUnsignedShort(at);
                    at += propertiesEnd - at >= 2 ? 2 + frame.getUnsignedShort(at) : 1 << 20;
                }
                default -> {
                    return false;
                }
            }
        }
        return at == propertiesEnd;
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
