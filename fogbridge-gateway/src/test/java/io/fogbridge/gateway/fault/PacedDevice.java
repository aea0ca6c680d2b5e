package io.fogbridge.gateway.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A device that sends at-least-once telemetry at a steady pace, one message in flight, each with the next sequence
 * number ({@link TelemetryPayload}), over a protocol a subclass speaks ({@link HttpDevice}, {@link CoapDevice}). It
 * records what the gateway confirmed as durable; a failed send is not retried with the same number (as
 * {@link SequencedDevice} does for MQTT).
 *
 * <p>One thread of its own; {@link #acked()} and the counters may be read from any thread.
 */
public abstract class PacedDevice implements AutoCloseable {

    private final String device;
    private final long periodNanos;
    private final List<Long> acked = new ArrayList<>();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running;
    private volatile String lastFailure;
    private Thread thread;

    protected PacedDevice(String device, Duration period) {
        this.device = device;
        this.periodNanos = period.toNanos();
    }

    /** Sends message {@code seq} and returns null if the gateway confirmed it durable, else what went wrong. */
    protected abstract String send(long seq, byte[] payload) throws Exception;

    public String device() {
        return device;
    }

    public synchronized void start() {
        running = true;
        thread = Thread.ofPlatform().name("device-" + device).daemon().start(this::run);
    }

    /** Stops after the message in flight. */
    public void stop() throws InterruptedException {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.join(Duration.ofSeconds(60).toMillis());
        }
    }

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

    public long failures() {
        return failures.get();
    }

    public String lastFailure() {
        return lastFailure;
    }

    private void run() {
        long next = System.nanoTime();
        for (long seq = 1; running; seq++) {
            String failure;
            try {
                failure = send(seq, TelemetryPayload.of(device, seq));
            } catch (Exception e) {
                failure = e.toString();
            }
            if (failure == null) {
                synchronized (acked) {
                    acked.add(seq);
                }
            } else {
                failures.incrementAndGet();
                lastFailure = device + " seq " + seq + ": " + failure;
            }
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                next = System.nanoTime();
            }
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
