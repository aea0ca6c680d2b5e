package io.fogbridge.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The acknowledgements of one relayed device connection (decision 0001, plan step 4): the device's QoS 1 and 2
 * PUBLISHes are noted in the order they pass to the broker; the broker's PUBACK or PUBREC for each is held until the
 * append the interceptor started for it is durable and every earlier one was answered ({@link HeldAcks}), then written
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

    private final Channel device;
    private final RelayedConnections.Registration registration;
    private final MqttMetrics metrics;
    private final RelayMetrics relayMetrics;
    private final HeldAcks<ByteBuf> held;
    private int protocolLevel = 4;

    PipelinedAcks(
            Channel device,
            RelayedConnections.Registration registration,
            Duration ackTimeout,
            MqttMetrics metrics,
            RelayMetrics relayMetrics) {
        this.device = device;
        this.registration = registration;
        this.metrics = metrics;
        this.relayMetrics = relayMetrics;
        this.held = new HeldAcks<>(device.eventLoop(), ackTimeout, this);
    }

    /** A frame from the device, about to be relayed to the broker. */
    void fromDevice(ByteBuf frame) {
        switch (MqttFrames.type(frame)) {
            case MqttFrames.CONNECT -> protocolLevel = MqttFrames.connectProtocolLevel(frame);
            case MqttFrames.PUBLISH -> {
                int packetId = MqttFrames.publishQos(frame) > 0 ? MqttFrames.publishPacketId(frame) : -1;
                if (packetId >= 0) {
                    held.published(packetId);
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
        relayMetrics.held(1); // before: a refusal is released within brokerAnswered
        if (held.brokerAnswered(packetId, answer, refused, durable)) {
            frame.release();
            return true;
        }
        relayMetrics.held(-1);
        answer.release();
        return false;
    }

    /** Answers not yet released to the device. */
    int held() {
        return held.held();
    }

    /** The connection is gone: held answers are dropped (the device resends those PUBLISHes: duplicates, never loss). */
    void close() {
        List<ByteBuf> dropped = held.close();
        relayMetrics.held(-dropped.size());
        for (ByteBuf answer : dropped) {
            answer.release();
        }
    }

    @Override
    public void release(ByteBuf brokerAnswer, long heldNanos) {
        relayMetrics.released(heldNanos);
        device.write(brokerAnswer, device.voidPromise());
    }

    @Override
    public void fail(ByteBuf brokerAnswer, int packetId, int reasonCode, long heldNanos) {
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
        // PUBACK/PUBREC with a reason code and no properties: remaining length 3 (MQTT 5 §3.4.2.2).
        ByteBuf answer = device.alloc().buffer(5);
        answer.writeByte(type << 4).writeByte(3).writeShort(packetId).writeByte(reasonCode);
        device.write(answer, device.voidPromise());
    }

    @Override
    public void flush() {
        device.flush();
    }
}
