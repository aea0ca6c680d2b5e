package io.fogbridge.bench.e2e;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One simulated device of the load generator: one MQTT 5 connection publishing QoS 1 on
 * {@code telemetry/<tenant>/dev-<index>} with at most {@code window} publishes awaiting their PUBACK.
 *
 * <p>Two ways to drive it: {@link #startFlat} keeps the window full (as fast as the gateway acknowledges);
 * {@link #due} hands it one message at an intended time (fixed rate), queued while the window is full so
 * the intended time, not the actual one, goes into the payload (no coordinated omission: a slow gateway
 * shows as latency, not as a lower offered rate).
 *
 * <p>Thread-safe: the scheduler thread and the MQTT client's callback threads call it; one monitor per
 * client keeps its sequence numbers in publish order.
 */
final class LoadClient {

    private final int index;
    private final Mqtt5AsyncClient mqtt;
    private final String topic;
    private final Payload payload;
    private final int window;
    private final LoadCounters counters;
    private final ArrayDeque<Long> backlog = new ArrayDeque<>();
    private final Set<Long> inFlight = new HashSet<>();
    private final BitSet failed = new BitSet();
    private long quota;
    private BooleanSupplier stopped = () -> false;
    private long nextSeq;
    private boolean flat;

    LoadClient(int index, Mqtt5AsyncClient mqtt, String topic, Payload payload, int window, LoadCounters counters) {
        this.index = index;
        this.mqtt = mqtt;
        this.topic = topic;
        this.payload = payload;
        this.window = window;
        this.counters = counters;
    }

    /** As fast as possible: fills the window and refills it on every PUBACK until stopped or {@code quota} (0 = none) sent. */
    synchronized void startFlat(long quota, BooleanSupplier stopped) {
        this.quota = quota;
        this.stopped = stopped;
        this.flat = true;
        while (inFlight.size() < window && mayPublish()) {
            publish(0);
        }
    }

    /** Fixed rate: one message whose intended send time is {@code intendedMicros}. */
    synchronized void due(long intendedMicros, BooleanSupplier stopped) {
        this.stopped = stopped;
        if (inFlight.size() < window) {
            publish(intendedMicros);
        } else {
            backlog.add(intendedMicros);
        }
    }

    private boolean mayPublish() {
        return !stopped.getAsBoolean() && (quota == 0 || nextSeq < quota);
    }

    /** Must hold the monitor. {@code intendedMicros} 0 = stamp the current time. */
    private void publish(long intendedMicros) {
        long seq = nextSeq++;
        long startNanos = System.nanoTime();
        long now = Payload.nowMicros();
        long stamp = intendedMicros == 0 ? now : intendedMicros;
        inFlight.add(seq);
        counters.sent.increment();
        mqtt.publishWith()
                .topic(topic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.encode(index, seq, stamp, now))
                .send()
                .whenComplete((result, error) -> completed(seq, startNanos, result, error));
    }

    private void completed(long seq, long startNanos, Mqtt5PublishResult result, Throwable error) {
        boolean ok = error == null && result != null && result.getError().isEmpty() && !refused(result);
        if (ok) {
            counters.acked.increment();
            counters.pubackMicros.recordValue(Math.max(0, (System.nanoTime() - startNanos) / 1_000));
        } else {
            counters.failed.increment();
        }
        synchronized (this) {
            inFlight.remove(seq);
            if (!ok) {
                failed.set(Math.toIntExact(seq));
            }
            if (!backlog.isEmpty()) {
                if (stopped.getAsBoolean()) {
                    backlog.clear();
                } else {
                    publish(backlog.poll());
                }
            } else if (flat && mayPublish()) {
                publish(0);
            }
            notifyAll();
        }
    }

    private static boolean refused(Mqtt5PublishResult result) {
        return result instanceof Mqtt5PublishResult.Mqtt5Qos1Result qos1
                && qos1.getPubAck().getReasonCode().isError();
    }

    /** Waits until nothing is in flight or the deadline passes; what is still in flight then counts as failed. */
    synchronized void drain(long deadlineNanos) throws InterruptedException {
        while (!inFlight.isEmpty()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                inFlight.forEach(seq -> failed.set(Math.toIntExact(seq)));
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    synchronized long sent() {
        return nextSeq;
    }

    /** Sequence numbers that were published but not acknowledged (refused, failed, or no PUBACK in time). */
    synchronized BitSet unconfirmed() {
        return (BitSet) failed.clone();
    }

    Mqtt5AsyncClient mqtt() {
        return mqtt;
    }
}
