package io.fogbridge.opcua;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The converter's meters. Tags are bounded, except {@code endpoint} on the last-data gauge: an OPC UA gateway has
 * tens of endpoints, not thousands, and "which server went quiet" is the question that gauge answers.
 *
 * <ul>
 *   <li>{@code fogbridge.opcua.notifications}: data change notifications received (rate = notifications/s)
 *   <li>{@code fogbridge.opcua.records} (tag {@code outcome}: {@code accepted}, {@code local}, {@code rejected},
 *       {@code retried}): what the pipeline said to each publish record
 *   <li>{@code fogbridge.opcua.connects} (tag {@code result}: {@code ok}, {@code failed}), {@code
 *       fogbridge.opcua.reconnects} (a session, subscription and items made again after a loss), gauge {@code
 *       fogbridge.opcua.endpoints.connected}
 *   <li>{@code fogbridge.opcua.writes} (tag {@code status}: the command response status, 200, 400, 403, 502, 503,
 *       504): {@code write} commands answered
 *   <li>{@code fogbridge.opcua.calls} (tag {@code status}): {@code call} commands answered
 *   <li>{@code fogbridge.opcua.resumes}: lost sessions that came back on their own, the same subscription going on
 *       (with what the server held republished) instead of a new one
 *   <li>{@code fogbridge.opcua.values.replayed}: samples the client delivered a second time (a resumed subscription's
 *       retransmissions, or a publish response processed out of order after its republished copy), dropped
 *   <li>{@code fogbridge.opcua.values.too.large}: values not sent because alone they exceed the record limit
 *       ({@code devices.maxPayload}; a huge array): sent as null with quality {@code bad:Bad_EncodingLimitsExceeded}
 *   <li>{@code fogbridge.opcua.records.split}: publishes over the record limit sent as several records
 *   <li>{@code fogbridge.opcua.keepalive.failures}: subscriptions whose watchdog elapsed (neither data nor keep-alive
 *       in time)
 *   <li>gauge {@code fogbridge.opcua.last.data.seconds} (tag {@code endpoint}): seconds since the endpoint's last data
 *       or keep-alive
 * </ul>
 *
 * <p>Thread-safe.
 */
final class OpcUaMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter notifications;
    private final AtomicInteger connected = new AtomicInteger();

    OpcUaMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.notifications = Counter.builder("fogbridge.opcua.notifications")
                .description("OPC UA data change notifications received")
                .register(registry);
        Gauge.builder("fogbridge.opcua.endpoints.connected", connected, AtomicInteger::get)
                .description("OPC UA endpoints with a live subscription")
                .register(registry);
    }

    void lastData(String endpoint, Supplier<Number> secondsSince) {
        Gauge.builder("fogbridge.opcua.last.data.seconds", secondsSince)
                .tag("endpoint", endpoint)
                .description("seconds since the endpoint's last data or keep-alive")
                .register(registry);
    }

    void notifications(int count) {
        notifications.increment(count);
    }

    void record(String outcome) {
        count("fogbridge.opcua.records", "outcome", outcome);
    }

    void connect(boolean ok) {
        count("fogbridge.opcua.connects", "result", ok ? "ok" : "failed");
        if (ok) {
            connected.incrementAndGet();
        }
    }

    void reconnected() {
        count("fogbridge.opcua.reconnects", null, null);
    }

    void lost() {
        connected.decrementAndGet();
    }

    void write(int status) {
        count("fogbridge.opcua.writes", "status", Integer.toString(status));
    }

    void call(int status) {
        count("fogbridge.opcua.calls", "status", Integer.toString(status));
    }

    void resumed() {
        count("fogbridge.opcua.resumes", null, null);
        connected.incrementAndGet();
    }

    void tooLarge(int values) {
        counters.computeIfAbsent(
                        "fogbridge.opcua.values.too.large|", k -> Counter.builder("fogbridge.opcua.values.too.large")
                                .description("OPC UA values over the record limit, sent as null")
                                .register(registry))
                .increment(values);
    }

    void replayed() {
        count("fogbridge.opcua.values.replayed", null, null);
    }

    void split() {
        count("fogbridge.opcua.records.split", null, null);
    }

    void keepAliveFailure() {
        count("fogbridge.opcua.keepalive.failures", null, null);
    }

    private void count(String name, String tag, String value) {
        counters.computeIfAbsent(name + "|" + value, k -> {
                    Counter.Builder builder = Counter.builder(name);
                    return (tag == null ? builder : builder.tag(tag, value)).register(registry);
                })
                .increment();
    }
}
