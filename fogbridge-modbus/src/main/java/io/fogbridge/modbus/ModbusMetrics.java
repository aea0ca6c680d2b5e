package io.fogbridge.modbus;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The converter's meters. Tags are bounded (results, exception codes, statuses), never a device id: a gateway may
 * poll thousands of devices; per-device state is on {@code event/{tenant}/{device}/status} instead.
 *
 * <ul>
 *   <li>{@code fogbridge.modbus.reads} (tag {@code result}: {@code ok}, {@code exception}, {@code timeout},
 *       {@code malformed}, {@code disconnected}): read requests by how they ended
 *   <li>{@code fogbridge.modbus.errors} (tag {@code code}: {@code 0x02}, {@code 0x0B} …): exception answers, reads and
 *       writes
 *   <li>{@code fogbridge.modbus.read.latency}: request to answer, answered reads only
 *   <li>{@code fogbridge.modbus.poll.lateness}: how long after its scheduled time a poll started
 *   <li>{@code fogbridge.modbus.polls.missed}: poll slots that passed while the previous poll of the group was still
 *       reading or its record was not yet durable (late, never queued)
 *   <li>{@code fogbridge.modbus.polls.skipped}: slots skipped because the device was not connected
 *   <li>{@code fogbridge.modbus.records} (tag {@code outcome}: {@code accepted}, {@code local}, {@code rejected},
 *       {@code retried}): what the pipeline said to each poll record
 *   <li>{@code fogbridge.modbus.malformed}: connections ended because the device sent a frame that cannot be trusted
 *   <li>{@code fogbridge.modbus.connects} (tag {@code result}: {@code ok}, {@code failed}), {@code
 *       fogbridge.modbus.connections.lost}, gauge {@code fogbridge.modbus.devices.connected}
 *   <li>{@code fogbridge.modbus.plan.splits}: merged reads split after a device refused them with 0x02
 *   <li>{@code fogbridge.modbus.writes} (tag {@code status}: 200, 400, 502, 504, 503): write commands by answer
 * </ul>
 *
 * <p>Thread-safe.
 */
final class ModbusMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Timer readLatency;
    private final Timer lateness;
    private final AtomicInteger connected = new AtomicInteger();

    ModbusMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.readLatency = Timer.builder("fogbridge.modbus.read.latency")
                .description("Modbus read request to answer")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.lateness = Timer.builder("fogbridge.modbus.poll.lateness")
                .description("how long after its scheduled time a poll started")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        Gauge.builder("fogbridge.modbus.devices.connected", connected, AtomicInteger::get)
                .description("Modbus devices connected now")
                .register(registry);
    }

    void read(String result, Duration latency) {
        count("fogbridge.modbus.reads", "result", result);
        if (latency != null) {
            readLatency.record(latency);
        }
    }

    void exception(int code) {
        count("fogbridge.modbus.errors", "code", String.format("0x%02X", code));
    }

    void pollStarted(long latenessMillis) {
        lateness.record(Duration.ofMillis(Math.max(0, latenessMillis)));
    }

    void missed(long slots) {
        count("fogbridge.modbus.polls.missed", null, null, slots);
    }

    void skipped() {
        count("fogbridge.modbus.polls.skipped", null, null);
    }

    void record(String outcome) {
        count("fogbridge.modbus.records", "outcome", outcome);
    }

    void malformed() {
        count("fogbridge.modbus.malformed", null, null);
    }

    void connect(boolean ok) {
        count("fogbridge.modbus.connects", "result", ok ? "ok" : "failed");
        if (ok) {
            connected.incrementAndGet();
        }
    }

    void lost() {
        count("fogbridge.modbus.connections.lost", null, null);
        connected.decrementAndGet();
    }

    void split() {
        count("fogbridge.modbus.plan.splits", null, null);
    }

    void write(int status) {
        count("fogbridge.modbus.writes", "status", Integer.toString(status));
    }

    private void count(String name, String tag, String value) {
        count(name, tag, value, 1);
    }

    private void count(String name, String tag, String value, long amount) {
        counters.computeIfAbsent(name + "|" + value, k -> {
                    Counter.Builder builder = Counter.builder(name);
                    return (tag == null ? builder : builder.tag(tag, value)).register(registry);
                })
                .increment(amount);
    }
}
