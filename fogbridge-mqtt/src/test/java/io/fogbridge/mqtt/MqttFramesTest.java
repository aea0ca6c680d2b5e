package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MqttFramesTest {

    /** A QoS 1 PUBLISH (MQTT 3.1.1 layout) on {@code topic} with packet id {@code id} and a payload of {@code size}. */
    private static byte[] publishQos1(String topic, int id, int size) {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        int remaining = 2 + name.length + 2 + size;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x32); // PUBLISH, QoS 1
        int r = remaining;
        do { // the remaining length as MQTT's variable byte integer
            int digit = r % 128;
            r /= 128;
            out.write(r > 0 ? digit | 0x80 : digit);
        } while (r > 0);
        out.write(name.length >> 8);
        out.write(name.length);
        out.writeBytes(name);
        out.write(id >> 8);
        out.write(id);
        out.writeBytes(new byte[size]);
        return out.toByteArray();
    }

    private static List<ByteBuf> frames(EmbeddedChannel channel) {
        List<ByteBuf> frames = new ArrayList<>();
        for (ByteBuf f = channel.readInbound(); f != null; f = channel.readInbound()) {
            frames.add(f);
        }
        return frames;
    }

    @Test
    void packetsSplitAcrossReadsComeOutWholeAndUnchanged() {
        byte[] small = publishQos1("telemetry/acme/dev-1", 7, 10);
        byte[] large = publishQos1("telemetry/acme/dev-1", 8, 20_000); // three length bytes
        byte[] stream = new byte[small.length + large.length];
        System.arraycopy(small, 0, stream, 0, small.length);
        System.arraycopy(large, 0, stream, small.length, large.length);
        EmbeddedChannel channel = new EmbeddedChannel(new MqttFrames(1 << 20));

        // one byte, then the rest of the first length field's split, then everything else
        channel.writeInbound(Unpooled.wrappedBuffer(stream, 0, 1));
        channel.writeInbound(Unpooled.wrappedBuffer(stream, 1, small.length + 2));
        channel.writeInbound(Unpooled.wrappedBuffer(stream, small.length + 3, stream.length - small.length - 3));

        List<ByteBuf> frames = frames(channel);
        assertThat(frames).hasSize(2);
        assertThat(ByteBufUtil.getBytes(frames.get(0))).isEqualTo(small);
        assertThat(ByteBufUtil.getBytes(frames.get(1))).isEqualTo(large);
        assertThat(MqttFrames.type(frames.get(1))).isEqualTo(MqttFrames.PUBLISH);
        assertThat(MqttFrames.publishQos(frames.get(1))).isEqualTo(1);
        assertThat(MqttFrames.publishPacketId(frames.get(0))).isEqualTo(7);
        assertThat(MqttFrames.publishPacketId(frames.get(1))).isEqualTo(8);
        frames.forEach(f -> f.release());
    }

    @Test
    void aPacketWithNoBodyIsAFrame() {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttFrames(1024));

        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xC0, 0})); // PINGREQ

        List<ByteBuf> frames = frames(channel);
        assertThat(frames).hasSize(1);
        assertThat(MqttFrames.type(frames.get(0))).isEqualTo(12);
        frames.forEach(f -> f.release());
    }

    @Test
    void readsPacketIdAndReasonCodeOfBothPubackForms() {
        ByteBuf v311 = Unpooled.wrappedBuffer(new byte[] {0x40, 2, 0x01, 0x02});
        ByteBuf v5Refused = Unpooled.wrappedBuffer(new byte[] {0x40, 3, 0x00, 0x09, (byte) 0x87});

        assertThat(MqttFrames.ackPacketId(v311)).isEqualTo(0x0102);
        assertThat(MqttFrames.ackReasonCode(v311)).isZero();
        assertThat(MqttFrames.ackPacketId(v5Refused)).isEqualTo(9);
        assertThat(MqttFrames.ackReasonCode(v5Refused)).isEqualTo(0x87);
    }

    @Test
    void aPublishTooShortForItsPacketIdHasNone() {
        ByteBuf truncated = Unpooled.wrappedBuffer(new byte[] {0x32, 4, 0, 5, 'a', 'b'}); // topic says 5 bytes

        assertThat(MqttFrames.publishPacketId(truncated)).isEqualTo(-1);
    }

    @Test
    void aPacketOverTheLimitIsRefusedBeforeItIsBuffered() {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttFrames(100));
        byte[] header = {0x32, (byte) 0xE8, 0x07}; // remaining length 1,000: only the header has arrived

        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(header)))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessageContaining("1003 bytes");
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xC0, 0})); // nothing after it is followed
        assertThat(frames(channel)).isEmpty();
    }

    @Test
    void aFifthRemainingLengthByteIsMalformed() {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttFrames(Integer.MAX_VALUE));
        byte[] header = {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};

        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(header)))
                .isInstanceOf(CorruptedFrameException.class);
    }
}
