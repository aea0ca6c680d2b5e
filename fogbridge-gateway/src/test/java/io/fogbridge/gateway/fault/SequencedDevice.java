package io.fogbridge.gateway.fault;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A simulated device on a real HiveMQ MQTT 5 client: publishes QoS 1 telemetry on
 * {@code telemetry/<tenant>/<device>} at a steady pace, one message in flight at a time, each with the next
 * sequence number ({@link TelemetryPayload}). It records the sequence numbers the gateway PUBACKed with a
 * success code: the messages the gateway promised to deliver.
 *
 * <p>A publish that fails (error reason code, lost connection, timeout) is not retried with the same
 * number: the device drops its connection, reconnects, and goes on with the next number, so every attempt
 * is a new message. Whatever the gateway did with an unacknowledged one (spooled it or not) is allowed.
 *
 * <p>One thread of its own; {@link #acked()} and the counters may be read from any thread.
 */
public final class SequencedDevice implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Longer than the gateway's {@code devices.ackTimeout} (10 s): the gateway answers before this fires. */
    private static final Duration PUBACK_TIMEOUT = Duration.ofSeconds(20);

    private final String tenant;
    private final String device;
    private final String topic;
    private final int port;
    private final long periodNanos;
    private final List<Long> acked = new ArrayList<>();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private volatile boolean running;
    private volatile String lastFailure;
    private Thread thread;
    private Mqtt5AsyncClient client;
    private long nextSeq = 1;

    public SequencedDevice(String tenant, String device, int mqttPort, Duration period) {
        this.tenant = tenant;
        this.device = device;
        this.topic = "telemetry/" + tenant + "/" + device;
        this.port = mqttPort;
        this.periodNanos = period.toNanos();
    }

    public String device() {
        return device;
    }

    public String tenant() {
        return tenant;
    }

    public synchronized void start() {
        running = true;
        thread = Thread.ofPlatform().name("device-" + device).daemon().start(this::run);
    }

    /** Asks the device to stop after the message in flight; returns at once. */
    public void stopAsync() {
        running = false;
    }

    /** Stops publishing and waits for the message in flight to be answered or to fail. */
    public void stop() throws InterruptedException {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.join(PUBACK_TIMEOUT.plusSeconds(10).toMillis());
        }
    }

    /** Sequence numbers PUBACKed with success, in the order the acknowledgements came. */
    public List<Long> acked() {
        synchronized (acked) {
            return List.copyOf(acked);
        }
    }

    public int ackedCount() {
        synchronized (acked) {
            return acked.size();
        }
    }

    public long attempts() {
        return attempts.get();
    }

    public long failures() {
        return failures.get();
    }

    public long connects() {
        return connects.get();
    }

    public String lastFailure() {
        return lastFailure;
    }

    private void run() {
        long next = System.nanoTime();
        while (running) {
            if (client == null && !connect()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                continue;
            }
            publishNext();
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                next = System.nanoTime(); // fell behind (a slow ack): keep the pace from now, no burst
            }
        }
        disconnect();
    }

    private boolean connect() {
        Mqtt5AsyncClient c = Mqtt5Client.builder()
                .identifier(device)
                .serverHost("127.0.0.1")
                .serverPort(port)
                .buildAsync();
        try {
            c.connect().get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            client = c;
            connects.incrementAndGet();
            return true;
        } catch (Exception e) {
            c.disconnect(); // the client may be half-connected after a timeout
            return false;
        }
    }

    private void publishNext() {
        long seq = nextSeq++;
        attempts.incrementAndGet();
        try {
            Mqtt5PublishResult result = client.publishWith()
                    .topic(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(TelemetryPayload.of(device, seq))
                    .send()
                    .get(PUBACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (result.getError().isPresent()) {
                fail(seq, result.getError().get().toString());
                return;
            }
            Mqtt5PubAck ack = ((Mqtt5PublishResult.Mqtt5Qos1Result) result).getPubAck();
            if (ack.getReasonCode().isError()) {
                fail(seq, "PUBACK " + ack.getReasonCode());
                return;
            }
            synchronized (acked) {
                acked.add(seq);
            }
        } catch (Exception e) {
            // Connection lost (the gateway died), PUBACK error as exception, or timeout.
            fail(seq, e.toString());
        }
    }

    private void fail(long seq, String why) {
        failures.incrementAndGet();
        lastFailure = device + " seq " + seq + ": " + why;
        disconnect();
    }

    private void disconnect() {
        Mqtt5AsyncClient c = client;
        client = null;
        if (c != null) {
            c.disconnect(); // best effort; fails quietly (in its future) when the connection is gone
        }
    }

    /** As {@link #stop()}; an interrupt ends the wait and stays set. */
    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
