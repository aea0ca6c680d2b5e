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
    static final int PUBLISH = 3;
    static final int PUBACK = 4;
    static final int PUBREC = 5;

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
    private static int bodyOffset(ByteBuf frame) {
        int i = frame.readerIndex() + 1;
        while ((frame.getUnsignedByte(i) & 0x80) != 0) {
            i++;
        }
        return i + 1;
    }
}
