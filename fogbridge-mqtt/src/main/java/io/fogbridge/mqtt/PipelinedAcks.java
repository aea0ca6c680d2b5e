package io.fogbridge.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/**
 * The acknowledgements of one relayed device connection (decision 0001, plan step 4): the device's QoS 1 and 2
 * PUBLISHes are noted in the order they pass to the broker; the broker's PUBACK or PUBREC for each is held until the
 * append the relay started for it is durable and every earlier one was answered ({@link HeldAcks}), then written
 * to the device as the broker sent it.
 *
 * <p>What the device hears otherwise: a broker refusal (reason code ≥ 0x80) at once, in its place; an append that
 * failed 0x80, one refused by the uplink after the broker let it through the uplink's code ({@link HeldAcks.Refused}),
 * one not durable within {@code devices.ackTimeout} 0x83, counted as {@code timeout}. MQTT 3.1 and 3.1.1 have no
 * reason codes: the device is disconnected instead, as the broker does for a refused PUBLISH, and resends after
 * reconnecting. QoS 2 is served at least once, as without the relay: its PUBREC is what is held.
 *
 * <p>Not thread-safe: every method runs on the device channel's event loop (the broker channel shares it).
 */
final class PipelinedAcks implements HeldAcks.Sink<ByteBuf> {

    private static final int MQTT_5 = 5;
    /** The longest reason string sent, in bytes: remaining and property lengths then fit one byte each. */
    private static final int MAX_REASON = 100;

    private final Channel device;
    private final RelayedConnections.Registration registration;
    private final MqttMetrics metrics;
    private final RelayMetrics relayMetrics;
    private final HeldAcks<ByteBuf> held;
    /** Told after each run of answers released to the device. */
    private final Runnable released;
    /** Told of each successful PUBREC released to the device, with its packet id: its QoS 2 exchange goes on. */
    private final IntConsumer pubrecReleased;

    private int protocolLevel = 4;
    /** Whether the device's CONNECT lets refusals carry a reason string. */
    private boolean reasonStrings;

    PipelinedAcks(
            Channel device,
            RelayedConnections.Registration registration,
            Duration ackTimeout,
            MqttMetrics metrics,
            RelayMetrics relayMetrics,
            Runnable released,
            IntConsumer pubrecReleased) {
        this.released = released;
        this.pubrecReleased = pubrecReleased;
        this.device = device;
        this.registration = registration;
        this.metrics = metrics;
        this.relayMetrics = relayMetrics;
        this.held = new HeldAcks<>(device.eventLoop(), ackTimeout, this);
    }

    /**
     * A frame the device sent, as it is read (before it goes to the broker, if it does): a QoS 1 or 2 PUBLISH takes
     * its place among the answers here, whoever answers it and whenever.
     */
    void fromDevice(ByteBuf frame) {
        switch (MqttFrames.type(frame)) {
            case MqttFrames.CONNECT -> {
                protocolLevel = MqttFrames.connectProtocolLevel(frame);
                reasonStrings =
                        protocolLevel == MQTT_5 && MqttFrames.connectTakesReasonStrings(frame, 8 + 3 + MAX_REASON);
            }
            case MqttFrames.PUBLISH -> {
                int packetId = MqttFrames.publishQos(frame) > 0 ? MqttFrames.publishPacketId(frame) : -1;
                if (packetId >= 0) {
                    held.published(packetId);
                    relayMetrics.held(1);
                }
            }
            default -> {}
        }
    }

    /**
     * A frame from the broker. A PUBACK or PUBREC that answers a PUBLISH of the device is taken (and released later);
     * anything else is left to the caller to relay.
     *
     * @return true if the frame was taken
     */
    boolean fromBroker(ByteBuf frame) {
        int type = MqttFrames.type(frame);
        if (type != MqttFrames.PUBACK && type != MqttFrames.PUBREC) {
            return false;
        }
        int packetId = MqttFrames.ackPacketId(frame);
        if (packetId < 0) {
            return false;
        }
        boolean refused = MqttFrames.ackReasonCode(frame) >= HeldAcks.UNSPECIFIED_ERROR;
        CompletableFuture<?> durable = registration.takeAppend(packetId);
        // A copy of the few bytes: holding a slice would pin the frame splitter's whole read buffer.
        ByteBuf answer = device.alloc()
                .buffer(frame.readableBytes())
                .writeBytes(frame, frame.readerIndex(), frame.readableBytes());
        if (held.brokerAnswered(packetId, answer, refused, durable)) {
            frame.release();
            return true;
        }
        answer.release();
        return false;
    }

    /**
     * The relay answers a device's QoS 1 or 2 PUBLISH itself, in its place among the held answers: a PUBACK or PUBREC
     * ({@code type}) with {@code reasonCode}, 0 for success (MQTT 5 leaves a success code out, MQTT 3 has none).
     */
    void answerInPlace(int type, int packetId, int reasonCode, String reason) {
        ByteBuf answer = reasonCode == 0 ? success(type, packetId) : refusal(type, packetId, reasonCode, reason);
        held.brokerAnswered(packetId, answer, true, null);
    }

    /**
     * A device's QoS 1 or 2 PUBLISH the relay did not pass to the broker (no local subscriber, or its append failed):
     * the relay answers it itself, a PUBACK or PUBREC ({@code type}) of success once {@code durable} completes, in its
     * place among the held answers, or with the failure's code as for any held answer.
     */
    void answerWhenDurable(int type, int packetId, CompletableFuture<?> durable) {
        held.brokerAnswered(packetId, success(type, packetId), false, durable);
    }

    /** Runs {@code answering}; the answers it releases leave in one flush when it ends ({@link HeldAcks#together}). */
    void together(Runnable answering) {
        held.together(answering);
    }

    /** Answers not yet released to the device. */
    int held() {
        return held.held();
    }

    /** The connection is gone: held answers are dropped (the device resends those PUBLISHes: duplicates, never loss). */
    void close() {
        relayMetrics.held(-held.held());
        List<ByteBuf> dropped = held.close();
        for (ByteBuf answer : dropped) {
            answer.release();
        }
    }

    @Override
    public void release(ByteBuf brokerAnswer, long heldNanos) {
        relayMetrics.released(heldNanos);
        if (MqttFrames.type(brokerAnswer) == MqttFrames.PUBREC
                && MqttFrames.ackReasonCode(brokerAnswer) < HeldAcks.UNSPECIFIED_ERROR) {
            pubrecReleased.accept(MqttFrames.ackPacketId(brokerAnswer));
        }
        device.write(brokerAnswer, device.voidPromise());
    }

    @Override
    public void fail(ByteBuf brokerAnswer, int packetId, int reasonCode, String reason, long heldNanos) {
        int type = MqttFrames.type(brokerAnswer);
        brokerAnswer.release();
        relayMetrics.released(heldNanos);
        relayMetrics.ackFailed(reasonCode);
        if (reasonCode == HeldAcks.IMPLEMENTATION_SPECIFIC_ERROR) {
            metrics.rejected(MqttMetrics.TIMEOUT);
        }
        if (protocolLevel != MQTT_5) {
            device.close(); // no way to say it in 3.1.1: the broker disconnects too
            return;
        }
        device.write(refusal(type, packetId, reasonCode, reason), device.voidPromise());
    }

    /** A PUBACK or PUBREC ({@code type}) accepting {@code packetId}: MQTT 5 leaves the success code out, MQTT 3 has none. */
    private ByteBuf success(int type, int packetId) {
        return device.alloc().buffer(4).writeByte(type << 4).writeByte(2).writeShort(packetId);
    }

    /**
     * An MQTT 5 PUBACK or PUBREC refusing {@code packetId} (§3.4.2): the reason code, and the reason string (property
     * 0x1F) if the device accepts one ({@link MqttFrames#connectTakesReasonStrings}), cut to {@value #MAX_REASON}
     * characters.
     */
    private ByteBuf refusal(int type, int packetId, int reasonCode, String reason) {
        byte[] text = reason == null || !reasonStrings ? new byte[0] : reasonBytes(reason);
        int properties = text.length == 0 ? 0 : 3 + text.length;
        ByteBuf answer = device.alloc().buffer(8 + properties);
        answer.writeByte(type << 4);
        if (properties == 0) { // remaining length 3: id and code, no properties
            return answer.writeByte(3).writeShort(packetId).writeByte(reasonCode);
        }
        // Remaining length and property length each fit one byte: MAX_REASON keeps them under 128.
        answer.writeByte(4 + properties)
                .writeShort(packetId)
                .writeByte(reasonCode)
                .writeByte(properties);
        return answer.writeByte(0x1F).writeShort(text.length).writeBytes(text);
    }

    private static byte[] reasonBytes(String reason) {
        String cut = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
        byte[] bytes = cut.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_REASON
                ? bytes
                : cut.replaceAll("[^\\x20-\\x7e]", "?").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void flush() {
        device.flush();
        released.run();
    }
}
