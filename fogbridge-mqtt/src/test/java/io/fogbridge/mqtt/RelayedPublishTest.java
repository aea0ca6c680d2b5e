package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RelayedPublishTest {

    /** A PUBLISH frame: first byte, topic bytes, packet id (-1: none), MQTT 5 properties (null: MQTT 3), payload. */
    private static ByteBuf frame(int first, byte[] topic, int packetId, byte[] properties, String payload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(topic.length >> 8);
        body.write(topic.length);
        body.writeBytes(topic);
        if (packetId >= 0) {
            body.write(packetId >> 8);
            body.write(packetId);
        }
        if (properties != null) {
            body.write(properties.length); // all test properties are shorter than 128 bytes
            body.writeBytes(properties);
        }
        body.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first);
        for (int r = body.size(); ; r >>>= 7) {
            if (r < 128) {
                out.write(r);
                break;
            }
            out.write((r & 0x7f) | 0x80);
        }
        out.writeBytes(body.toByteArray());
        return Unpooled.wrappedBuffer(out.toByteArray());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static RelayedPublish.TopicAliases aliases(int maximum) {
        RelayedPublish.TopicAliases aliases = new RelayedPublish.TopicAliases();
        aliases.allow(maximum);
        return aliases;
    }

    @Test
    void readsAnMqtt3Publish() {
        RelayedPublish p = RelayedPublish.parse(frame(0x33, utf8("plant/line-1"), 7, null, "21.5"), false, aliases(0));
        assertThat(p).isNotNull();
        assertThat(p.topic()).isEqualTo("plant/line-1");
        assertThat(p.qos()).isEqualTo(1);
        assertThat(p.retain()).isTrue();
        assertThat(p.packetId()).isEqualTo(7);
        assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("21.5");
        assertThat(p.contentType()).isNull();
    }

    @Test
    void readsTheContentTypeAmongOtherMqtt5Properties() {
        byte[] properties = {
            0x01,
            1, // payload format indicator
            0x02,
            0,
            0,
            0,
            60, // message expiry
            0x26,
            0,
            1,
            'k',
            0,
            1,
            'v', // user property
            0x03,
            0,
            4,
            'j',
            's',
            'o',
            'n' // content type
        };
        RelayedPublish p = RelayedPublish.parse(frame(0x30, utf8("t/ä"), -1, properties, "{}"), true, aliases(0));
        assertThat(p).isNotNull();
        assertThat(p.topic()).isEqualTo("t/ä");
        assertThat(p.qos()).isZero();
        assertThat(p.packetId()).isEqualTo(-1);
        assertThat(p.contentType()).isEqualTo("json");
        assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("{}");
    }

    /** The relay does not read {@code frame}: the broker (its topic alias maximum 5) gets it to refuse. */
    private static void assertLeftToBroker(ByteBuf frame, boolean mqtt5, String why) {
        assertThat(RelayedPublish.parse(frame, mqtt5, aliases(5))).as(why).isNull();
    }

    @Test
    void leavesToTheBrokerWhatItWouldRefuse() {
        assertLeftToBroker(frame(0x36, utf8("a"), 1, null, "x"), false, "QoS 3");
        assertLeftToBroker(frame(0x32, utf8("a/+"), 1, null, "x"), false, "wildcard");
        assertLeftToBroker(frame(0x32, utf8("a/#"), 1, null, "x"), false, "wildcard");
        assertLeftToBroker(frame(0x32, new byte[] {'a', 0}, 1, null, "x"), false, "U+0000");
        assertLeftToBroker(frame(0x32, new byte[] {'a', (byte) 0xC3}, 1, null, "x"), false, "not UTF-8");
        assertLeftToBroker(frame(0x32, utf8(""), 1, null, "x"), false, "empty topic");
        assertLeftToBroker(frame(0x32, utf8("a"), 0, null, "x"), false, "packet id 0");
        assertLeftToBroker(
                frame(0x32, utf8("a"), 1, new byte[] {0x0B, 1}, "x"),
                true,
                "subscription identifier, a server's property");
        assertLeftToBroker(
                frame(0x32, utf8("a"), 1, new byte[] {0x03, 0, 9, 'x'}, "x"),
                true,
                "property running past the properties");
        assertLeftToBroker(frame(0x32, utf8(""), 1, new byte[] {0x23, 0, 2}, "x"), true, "alias never set");
        assertLeftToBroker(
                frame(0x32, utf8("a"), 1, new byte[] {0x23, 0, 6}, "x"), true, "alias over the broker's maximum");
        ByteBuf truncated = frame(0x32, utf8("abc"), 1, null, "");
        truncated.writerIndex(truncated.writerIndex() - 3);
        assertLeftToBroker(truncated, false, "truncated");
    }

    @Test
    void anAliasIsSetByOnePublishAndUsedByTheNextAndNamedForTheBrokerWhenItMissedIt() {
        RelayedPublish.TopicAliases aliases = aliases(5);
        byte[] alias2 = {0x23, 0, 2};
        RelayedPublish set = RelayedPublish.parse(frame(0x32, utf8("boiler/temp"), 1, alias2, "a"), true, aliases);
        assertThat(set.topic()).isEqualTo("boiler/temp");
        assertThat(set.named()).isTrue();
        // The PUBLISH that set the alias never reached the broker (no subscriber): the next one must name it.
        ByteBuf used = frame(0x32, utf8(""), 2, alias2, "b");
        RelayedPublish use = RelayedPublish.parse(used, true, aliases);
        assertThat(use.topic()).isEqualTo("boiler/temp");
        assertThat(use.named()).isFalse();
        ByteBuf forBroker = aliases.forBroker(used, use);
        assertThat(forBroker).isNotSameAs(used);
        RelayedPublish reread = RelayedPublish.parse(forBroker, true, aliases(5));
        assertThat(reread.topic()).isEqualTo("boiler/temp");
        assertThat(reread.named()).isTrue();
        assertThat(reread.alias()).isEqualTo(2);
        assertThat(reread.packetId()).isEqualTo(2);
        assertThat(new String(reread.payload(), StandardCharsets.UTF_8)).isEqualTo("b");
        // Now the broker knows it: the next one passes as it came.
        ByteBuf again = frame(0x32, utf8(""), 3, alias2, "c");
        assertThat(aliases.forBroker(again, RelayedPublish.parse(again, true, aliases)))
                .isSameAs(again);
    }

    @Test
    void connectAndConnackPropertiesTheRelayReads() {
        // CONNECT: protocol name, level 5, flags, keep alive 30, properties: maximum packet size 64, problem info 1.
        ByteArrayOutputStream connect = new ByteArrayOutputStream();
        connect.writeBytes(new byte[] {0x10, 20, 0, 4, 'M', 'Q', 'T', 'T', 5, 2, 0, 30});
        connect.writeBytes(new byte[] {7, 0x27, 0, 0, 0, 64, 0x17, 1, 0, 0});
        ByteBuf small = Unpooled.wrappedBuffer(connect.toByteArray());
        assertThat(MqttFrames.connectKeepAlive(small)).isEqualTo(30);
        assertThat(MqttFrames.connectTakesReasonStrings(small, 64)).isTrue();
        assertThat(MqttFrames.connectTakesReasonStrings(small, 65))
                .as("over its maximum packet size")
                .isFalse();
        ByteBuf noProblems =
                Unpooled.wrappedBuffer(new byte[] {0x10, 15, 0, 4, 'M', 'Q', 'T', 'T', 5, 2, 0, 30, 2, 0x17, 0, 0, 0});
        assertThat(MqttFrames.connectTakesReasonStrings(noProblems, 10)).isFalse();
        // CONNACK: flags, reason 0, properties: topic alias maximum 5.
        ByteBuf connack = Unpooled.wrappedBuffer(new byte[] {0x20, 6, 0, 0, 3, 0x22, 0, 5});
        assertThat(MqttFrames.connackTopicAliasMaximum(connack)).isEqualTo(5);
        ByteBuf without = Unpooled.wrappedBuffer(new byte[] {0x20, 3, 0, 0, 0});
        assertThat(MqttFrames.connackTopicAliasMaximum(without)).isZero();
    }
}
