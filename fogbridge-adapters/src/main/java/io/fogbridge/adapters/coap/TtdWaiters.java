package io.fogbridge.adapters.coap;

import io.fogbridge.api.DeviceId;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The CoAP requests that wait for a command ({@code ?ttd=}), bounded: at most {@code max} at once, and one per
 * device.
 *
 * <p>A request takes a {@link Slot} before its payload is forwarded; none left, it is refused 5.03 and nothing was
 * taken from it. A device that waits already always gets one, since its new wait replaces the old: once the append
 * is durable and the request really waits, {@link Slot#waitFor} withdraws the device's earlier wait (its future is
 * cancelled, so the inbox hands it no command, and it is answered 2.04 without one, as if its ttd had passed). UDP
 * shows no hang-up, so a device whose earlier request was given up by its client would otherwise keep a slot, and
 * the command a newer request could take, for the whole ttd. Each wait holds a Californium exchange whose request
 * payload was dropped (a few kB).
 *
 * <p>Thread-safe.
 */
final class TtdWaiters {

    private final int max;
    private final Map<DeviceId, CompletableFuture<?>> byDevice = new HashMap<>();
    private int taken;

    TtdWaiters(int max) {
        this.max = max;
    }

    /** A slot for a request of {@code device}, or null when {@code max} requests wait already, none of them its. */
    synchronized Slot take(DeviceId device) {
        if (taken >= max && !byDevice.containsKey(device)) {
            return null;
        }
        taken++;
        return new Slot(device);
    }

    int max() {
        return max;
    }

    private synchronized void give() {
        taken--;
    }

    /** One request's place among the waiters. */
    final class Slot {

        private final DeviceId key;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(DeviceId key) {
            this.key = key;
        }

        /**
         * The request now waits on {@code wait} for the device's next command: the device's earlier wait, if any, is
         * withdrawn; the slot is released when {@code wait} completes.
         */
        void waitFor(CompletableFuture<?> wait) {
            CompletableFuture<?> earlier;
            synchronized (TtdWaiters.this) {
                earlier = byDevice.put(key, wait);
            }
            if (earlier != null && earlier != wait) {
                earlier.cancel(false);
            }
            wait.whenComplete((result, failure) -> {
                synchronized (TtdWaiters.this) {
                    byDevice.remove(key, wait);
                }
                release();
            });
        }

        /** Gives the slot back; later calls do nothing. */
        void release() {
            if (released.compareAndSet(false, true)) {
                give();
            }
        }
    }
}
