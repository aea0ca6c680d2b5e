package io.fogbridge.gateway.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A few {@link SequencedDevice}s of one tenant ({@code dev-1 … dev-N}) publishing to one gateway port.
 * Not thread-safe for start/stop; the counters may be read from any thread.
 */
public final class DeviceFleet implements AutoCloseable {

    private final List<SequencedDevice> devices = new ArrayList<>();

    public DeviceFleet(String tenant, int count, int mqttPort, Duration period) {
        for (int i = 1; i <= count; i++) {
            devices.add(new SequencedDevice(tenant, "dev-" + i, mqttPort, period));
        }
    }

    public List<SequencedDevice> devices() {
        return devices;
    }

    public void start() {
        devices.forEach(SequencedDevice::start);
    }

    /** Stops every device; each waits for its message in flight to be answered or to fail. */
    public void stop() throws InterruptedException {
        devices.forEach(d -> d.stopAsync());
        for (SequencedDevice d : devices) {
            d.stop();
        }
    }

    public long acked() {
        return devices.stream().mapToLong(SequencedDevice::ackedCount).sum();
    }

    public long attempts() {
        return devices.stream().mapToLong(SequencedDevice::attempts).sum();
    }

    public long failures() {
        return devices.stream().mapToLong(SequencedDevice::failures).sum();
    }

    /** The fewest acknowledgements any one device got. */
    public long minAcked() {
        return devices.stream().mapToLong(SequencedDevice::ackedCount).min().orElse(0);
    }

    /** device → acknowledged sequence numbers. */
    public Map<String, List<Long>> ackedByDevice() {
        Map<String, List<Long>> acked = new LinkedHashMap<>();
        devices.forEach(d -> acked.put(d.device(), d.acked()));
        return acked;
    }

    /** The last failure any device saw, for assertion messages; "none" if none did. */
    public String lastFailure() {
        return devices.stream()
                .map(SequencedDevice::lastFailure)
                .filter(f -> f != null)
                .findFirst()
                .orElse("none");
    }

    public String summary() {
        return devices.size() + " devices: " + attempts() + " publishes, " + acked() + " PUBACKed, " + failures()
                + " failed";
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
