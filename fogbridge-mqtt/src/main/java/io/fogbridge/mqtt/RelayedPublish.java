package io.fogbridge.mqtt;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A device PUBLISH as the {@link DeviceRelay} reads it to hand it to the uplink itself (decision 0001, "the relay's
 * own PUBLISH path"). The frame is still relayed as the bytes that came; this is only what the uplink needs of it.
 *
 * <p><b>Wire format</b> (MQTT 3.1.1 §3.3, MQTT 5 §3.3): fixed header (type 3, flags DUP, QoS, RETAIN; remaining
 * length), topic name (2-byte length, UTF-8), packet id (2 bytes, QoS 1 and 2 only), MQTT 5 only: properties (variable
 * byte integer length, then id and value each), then the payload to the end of the packet. Of the properties, content
 * type (0x03) and topic alias (0x23) are read; every other one a client may send is skipped by its type.
 *
 * <p><b>What is refused here.</b> {@link #parse} returns null for anything the broker would not take as it is: QoS 3,
 * a truncated packet, a topic that is empty (without an alias the connection set), not UTF-8, or holds U+0000, + or #,
 * a property a client may not send or sends twice, an alias over the broker's topic alias maximum. Such a PUBLISH is never
 * handed to the uplink; the relay passes it to the broker, which refuses it with its own reason code.
 *
 * @param topic       the topic name, an alias resolved
 * @param qos         0, 1 or 2
 * @param retain      the RETAIN flag: the broker must store it, so it is relayed even without subscribers
 * @param packetId    QoS 1 and 2: the packet id; QoS 0: -1
 * @param contentType MQTT 5 content type, or null
 * @param payload     the application message
 * @param alias       MQTT 5 topic alias, 0 for none
 * @param named       whether the packet carries the topic name (false: an alias stands for it)
 */
record RelayedPublish(
        String topic,
        int qos,
        boolean retain,
        int packetId,
        String contentType,
        byte[] payload,
        int alias,
        boolean named) {

    private static final int CONTENT_TYPE = 0x03;
    private static final int TOPIC_ALIAS = 0x23;
    /**
     * What a client may put on a PUBLISH (MQTT 5 §3.3.2.3): payload format indicator, message expiry, content type,
     * response topic, correlation data, user property, topic alias.
     */
    private static final Set<Integer> CLIENT_PUBLISH_PROPERTIES =
            Set.of(0x01, 0x02, CONTENT_TYPE, 0x08, 0x09, 0x26, TOPIC_ALIAS);

    /**
     * One connection's topic aliases (MQTT 5 §3.3.2.3.4): set by a PUBLISH with topic and alias, used by one without.
     * Two tables: the device's, and the broker's, which lacks what was set by a PUBLISH the relay did not pass on (a
     * refusal, or no local subscriber), so such an alias is named again for the broker ({@link #forBroker}).
     */
    static final class TopicAliases {
        private final Map<Integer, String> byAlias = new HashMap<>();
        /** The broker's topic alias maximum (its CONNACK): a larger alias is the broker's to refuse. */
        private int maximum;

        private final Map<Integer, String> atBroker = new HashMap<>();

        /**
         * The frame to relay for {@code publish}: as it came, or, when it uses an alias the broker does not know for
         * that topic, a copy with the topic name put in (the alias property stays, so the broker learns it). Takes
         * over {@code frame}: releases it when it returns a copy.
         */
        /** The broker's CONNACK said the client may use aliases 1 to {@code maximum} (0: none). */
        void allow(int maximum) {
            this.maximum = maximum;
        }

        ByteBuf forBroker(ByteBuf frame, RelayedPublish publish) {
            if (publish.alias == 0) {
                return frame;
            }
            String known = atBroker.put(publish.alias, publish.topic);
            if (publish.named || publish.topic.equals(known)) {
                return frame;
            }
            byte[] topic = publish.topic.getBytes(StandardCharsets.UTF_8);
            int body = MqttFrames.bodyOffset(frame);
            int rest = frame.writerIndex() - body - 2; // after the empty topic name
            int remaining = 2 + topic.length + rest;
            ByteBuf named = frame.alloc().buffer(5 + remaining);
            named.writeByte(frame.getByte(frame.readerIndex()));
            for (int r = remaining; ; r >>>= 7) {
                if (r < 128) {
                    named.writeByte(r);
                    break;
                }
                named.writeByte((r & 0x7f) | 0x80);
            }
            named.writeShort(topic.length).writeBytes(topic).writeBytes(frame, body + 2, rest);
            frame.release();
            return named;
        }
    }

    /**
     * Reads a PUBLISH frame, or returns null if the broker would refuse it (see the class comment).
     *
     * @param frame   a whole PUBLISH packet ({@link MqttFrames}), not consumed
     * @param mqtt5   whether the connection speaks MQTT 5 (properties)
     * @param aliases the connection's topic aliases, updated by a PUBLISH that sets one
     */
    static RelayedPublish parse(ByteBuf frame, boolean mqtt5, TopicAliases aliases) {
        int first = frame.getUnsignedByte(frame.readerIndex());
        int qos = (first >> 1) & 3;
        if (qos == 3) {
            return null;
        }
        int at = MqttFrames.bodyOffset(frame);
        int end = frame.writerIndex();
        if (end - at < 2) {
            return null;
        }
        int topicLength = frame.getUnsignedShort(at);
        at += 2;
        if (end - at < topicLength) {
            return null;
        }
        String topic = utf8(frame, at, topicLength);
        at += topicLength;
        if (topic == null) {
            return null;
        }
        int packetId = -1;
        if (qos > 0) {
            if (end - at < 2) {
                return null;
            }
            packetId = frame.getUnsignedShort(at);
            at += 2;
            if (packetId == 0) {
                return null;
            }
        }
        String contentType = null;
        int alias = 0;
        if (mqtt5) {
            int length = MqttFrames.varInt(frame, at, end);
            if (length < 0) {
                return null;
            }
            at += MqttFrames.varIntSize(length);
            int propertiesEnd = at + length;
            if (propertiesEnd > end) {
                return null;
            }
            while (at < propertiesEnd) {
                int id = frame.getUnsignedByte(at++);
                int size = CLIENT_PUBLISH_PROPERTIES.contains(id)
                        ? MqttFrames.propertySize(frame, id, at, propertiesEnd)
                        : -1; // not a property a client may put on a PUBLISH
                if (size < 0) {
                    return null;
                }
                if (id == CONTENT_TYPE) {
                    if (contentType != null) {
                        return null;
                    }
                    contentType = utf8(frame, at + 2, size - 2);
                    if (contentType == null) {
                        return null;
                    }
                } else if (id == TOPIC_ALIAS) {
                    if (alias != 0) {
                        return null;
                    }
                    alias = frame.getUnsignedShort(at);
                    if (alias == 0 || alias > aliases.maximum) {
                        return null;
                    }
                }
                at += size;
            }
        }
        boolean named = !topic.isEmpty();
        if (alias != 0) {
            if (!named) {
                topic = aliases.byAlias.get(alias);
                if (topic == null) {
                    return null;
                }
            } else {
                aliases.byAlias.put(alias, topic);
            }
        }
        if (topic.isEmpty() || topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            return null;
        }
        byte[] payload = new byte[end - at];
        frame.getBytes(at, payload);
        return new RelayedPublish(topic, qos, (first & 1) != 0, packetId, contentType, payload, alias, named);
    }

    /**
     * A UTF-8 string as MQTT allows it (§1.5.4: well-formed, no U+0000), or null. ASCII, the usual topic, is read
     * without a decoder.
     */
    private static String utf8(ByteBuf frame, int at, int length) {
        boolean ascii = true;
        for (int i = at; i < at + length; i++) {
            byte b = frame.getByte(i);
            if (b == 0) {
                return null;
            }
            ascii &= b > 0;
        }
        if (ascii) {
            return frame.toString(at, length, StandardCharsets.US_ASCII);
        }
        ByteBuffer bytes = ByteBuffer.allocate(length);
        frame.getBytes(at, bytes);
        bytes.flip();
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
