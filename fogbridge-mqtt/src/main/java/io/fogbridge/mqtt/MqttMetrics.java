package io.fogbridge.mqtt;

import io.fogbridge.api.QoS;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The MQTT stage's meters. With a null registry every call is a no-op, so callers never check.
 *
 * <ul>
 *   <li>{@code fogbridge.mqtt.received} (tag {@code qos}): publishes handed to the uplink
 *   <li>{@code fogbridge.mqtt.rejected} (tag {@code reason}): publishes refused to the sender, by reason
 *   <li>{@code fogbridge.mqtt.pending.dropped}: publishes of devices held pending approval (onboarding), dropped at
 *       the edge: neither spooled nor delivered to local subscribers
 *   <li>{@code fogbridge.mqtt.connections}: connected clients (embedded broker)
 *   <li>{@code fogbridge.mqtt.broker.queued}: publishes the embedded broker queued for the uplink ({@link BrokerBacklog})
 *   <li>{@code fogbridge.mqtt.connections.refused} (tag {@code reason}: quota): CONNECTs refused at the connection
 *       bound ({@code mqtt.maxConnections}, {@code mqtt.maxConnectionsPerAddress}), answered 0x97
 *   <li>{@code fogbridge.mqtt.auth.failed}: CONNECTs refused (bad or missing credentials, disabled device, an
 *       anonymous client id that is too long or holds invisible characters …)
 *   <li>{@code fogbridge.mqtt.revoked} (tag {@code reason}: removed, disabled, credential-revoked, expired): open
 *       connections closed because the registry no longer authorizes them
 *   <li>{@code fogbridge.mqtt.external.connected}: 1 while the external bridge is connected and subscribed
 *   <li>{@code fogbridge.external.broker.dropped} (Prometheus {@code fogbridge_external_broker_dropped_total}):
 *       messages the external broker reported dropping ({@link BrokerDropWatch})
 * </ul>
 *
 * <p>Thread-safe.
 */
final class MqttMetrics {

    /** Rejection reasons used as tag values; a small fixed set keeps the Prometheus series bounded. */
    static final String TOO_LARGE = "too-large";

    static final String TIMEOUT = "timeout";
    static final String ERROR = "error";
    static final String NOT_AUTHORIZED = "not-authorized";
    /** An anonymous client named a tenant or device id the registry would not accept ({@link AnonymousIds}). */
    static final String INVALID_ID = "invalid-id";
    /** A QoS 0 publish dropped because the broker's queue of publishes was over its bound ({@link BrokerBacklog}). */
    static final String OVERLOAD = "overload";
    /** An MQTT 5 device sent more QoS 1 and 2 PUBLISHes than the receive maximum allows (0x93, the device relay). */
    static final String RECEIVE_MAXIMUM = "receive-maximum";

    private final MeterRegistry registry;
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Counter receivedQos0;
    private final Counter receivedQos1;

    MqttMetrics(MeterRegistry registryOrNull) {
        this.registry = registryOrNull;
        this.receivedQos0 = receivedCounter("0");
        this.receivedQos1 = receivedCounter("1");
    }

    void received(QoS qos) {
        Counter counter = qos == QoS.AT_MOST_ONCE ? receivedQos0 : receivedQos1;
        if (counter != null) {
            counter.increment();
        }
    }

    /** A publish of a device pending approval, dropped. */
    void pendingDropped() {
        if (registry != null) {
            Counter.builder("fogbridge.mqtt.pending.dropped")
                    .description("Publishes of devices pending approval, dropped at the edge")
                    .register(registry)
                    .increment();
        }
    }

    void rejected(String reason) {
        if (registry == null) {
            return;
        }
        rejected.computeIfAbsent(reason, r -> Counter.builder("fogbridge.mqtt.rejected")
                        .description("MQTT publishes refused to the sender, by reason")
                        .tag("reason", r)
                        .register(registry))
                .increment();
    }

    /** A CONNECT refused at the connection bound ({@link ConnectionQuota}). */
    static final String QUOTA = "quota";

    void connectionRefused(String reason) {
        if (registry != null) {
            Counter.builder("fogbridge.mqtt.connections.refused")
                    .description("MQTT CONNECTs refused before authentication, by reason")
                    .tag("reason", reason)
                    .register(registry)
                    .increment();
        }
    }

    void authFailed() {
        if (registry != null) {
            Counter.builder("fogbridge.mqtt.auth.failed")
                    .description("MQTT connections refused by authentication")
                    .register(registry)
                    .increment();
        }
    }

    void revoked(String reason) {
        if (registry != null) {
            Counter.builder("fogbridge.mqtt.revoked")
                    .description("open MQTT connections closed because the registry no longer authorizes them")
                    .tag("reason", reason)
                    .register(registry)
                    .increment();
        }
    }

    void brokerDropped(long messages) {
        if (registry != null) {
            Counter.builder("fogbridge.external.broker.dropped")
                    .description("messages the external broker acknowledged to devices and then dropped (queue full)")
                    .register(registry)
                    .increment(messages);
        }
    }

    void gauge(String name, String description, Supplier<Number> value) {
        if (registry != null) {
            Gauge.builder(name, value).description(description).register(registry);
        }
    }

    private Counter receivedCounter(String qos) {
        if (registry == null) {
            return null;
        }
        return Counter.builder("fogbridge.mqtt.received")
                .description("MQTT publishes handed to the uplink, by QoS")
                .tag("qos", qos)
                .register(registry);
    }
}
