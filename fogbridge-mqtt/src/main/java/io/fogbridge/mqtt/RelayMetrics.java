package io.fogbridge.mqtt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link DeviceRelay}'s meters (decision 0001), registered only when the relay is on. With a null registry every
 * call is a no-op, so callers never check.
 *
 * <ul>
 *   <li>{@code fogbridge.mqtt.relay.connections}: device connections relayed (their internal connection to the
 *       broker opened)
 *   <li>{@code fogbridge.mqtt.relay.connections.failed} (tag {@code reason}): device connections the relay could not
 *       relay or closed itself: {@code tls-handshake}, {@code no-address} (no free 127.x.y.z), {@code
 *       broker-unreachable}, {@code too-large} (DISCONNECT 0x95), {@code malformed} (0x81)
 *   <li>{@code fogbridge.mqtt.relay.acks.held}: the devices' QoS 1 and 2 PUBLISHes not answered yet: waiting for
 *       their append to be durable, for the broker's answer, or for an earlier one of the same connection
 *   <li>{@code fogbridge.mqtt.relay.ack.hold} (a histogram, Prometheus {@code fogbridge_mqtt_relay_ack_hold_seconds}):
 *       how long each waited, from reading the PUBLISH to releasing its PUBACK or PUBREC to the device
 *   <li>{@code fogbridge.mqtt.relay.acks.failed} (tag {@code code}, e.g. {@code 0x80}, {@code 0x83}, {@code 0x97}):
 *       PUBLISHes answered with an error instead of the broker's success because the append failed, timed out or was
 *       refused late; MQTT 3.1.1 devices are disconnected instead, counted under the same code
 * </ul>
 *
 * <p>Thread-safe: every event loop of the relay records here. The held count is a {@link LongAdder}, the histogram
 * has fixed buckets, so recording takes no lock.
 */
final class RelayMetrics {

    static final String TLS_HANDSHAKE = "tls-handshake";
    static final String NO_ADDRESS = "no-address";
    static final String BROKER_UNREACHABLE = "broker-unreachable";
    static final String TOO_LARGE = "too-large";
    static final String MALFORMED = "malformed";

    /** Buckets from a group commit on a fast disk to past the default {@code devices.ackTimeout}. */
    private static final Duration[] HOLD_BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(20),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(200),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10)
    };

    private final MeterRegistry registry;
    private final Counter connections;
    private final Timer hold;
    private final LongAdder held = new LongAdder();
    private final Map<String, Counter> failedConnections = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> failedAcks = new ConcurrentHashMap<>();

    RelayMetrics(MeterRegistry registryOrNull) {
        this.registry = registryOrNull;
        if (registry == null) {
            connections = null;
            hold = null;
            return;
        }
        connections = Counter.builder("fogbridge.mqtt.relay.connections")
                .description("MQTT device connections relayed to the embedded broker")
                .register(registry);
        hold = Timer.builder("fogbridge.mqtt.relay.ack.hold")
                .description("how long the relay held a PUBACK or PUBREC until its append was durable and in order")
                .serviceLevelObjectives(HOLD_BUCKETS)
                .register(registry);
        Gauge.builder("fogbridge.mqtt.relay.acks.held", held, LongAdder::sum)
                .description("PUBACKs and PUBRECs the relay holds now until their appends are durable")
                .register(registry);
    }

    void connectionRelayed() {
        if (connections != null) {
            connections.increment();
        }
    }

    void connectionFailed(String reason) {
        if (registry == null) {
            return;
        }
        failedConnections
                .computeIfAbsent(reason, r -> Counter.builder("fogbridge.mqtt.relay.connections.failed")
                        .description("MQTT device connections the relay could not relay or closed itself, by reason")
                        .tag("reason", r)
                        .register(registry))
                .increment();
    }

    /** The relay took {@code answers} more of the broker's acknowledgements to hold (negative: let go of them). */
    void held(int answers) {
        held.add(answers);
    }

    /** An acknowledgement left the relay (released or answered with an error) after {@code nanos}. */
    void released(long nanos) {
        held.decrement();
        if (hold != null) {
            hold.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void ackFailed(int reasonCode) {
        if (registry == null) {
            return;
        }
        failedAcks
                .computeIfAbsent(reasonCode, c -> Counter.builder("fogbridge.mqtt.relay.acks.failed")
                        .description("device PUBLISHes the relay answered with an error instead of the broker's"
                                + " success (append failed, timed out or refused late), by reason code")
                        .tag("code", String.format("0x%02X", c))
                        .register(registry))
                .increment();
    }

    /** Acknowledgements held now, across all connections. */
    long heldNow() {
        return held.sum();
    }
}
