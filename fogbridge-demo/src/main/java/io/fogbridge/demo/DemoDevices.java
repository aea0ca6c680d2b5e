package io.fogbridge.demo;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo's simulated plant: two lathes (through a PLC bridge on the plant topic tree) and a
 * water tank level sensor (a device on the device-facing topics), each publishing
 * {@code ratePerDevice} readings a second at QoS 1 to the gateway's MQTT bus, over TLS with a password
 * from {@link DemoSecurity}.
 */
public final class DemoDevices implements AutoCloseable {

    private final List<SimulatedDevice> devices;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-devices");
        t.setDaemon(true);
        return t;
    });

    /** Devices that connect over TLS to {@code host:port} with the passwords and CA of {@code security}. */
    public DemoDevices(String site, String host, int port, DemoSecurity security) {
        SimulatedDevice.Login plcBridge = login(security, "plc-bridge");
        devices = List.of(
                new LatheSensor(site, "lathe-1", host, port, plcBridge, 1),
                new LatheSensor(site, "lathe-2", host, port, plcBridge, 2),
                new WaterTankSensor("tank-1", host, port, login(security, "tank-1"), 3));
    }

    private static SimulatedDevice.Login login(DemoSecurity security, String device) {
        return new SimulatedDevice.Login(security.username(device), security.password(device), security.trust());
    }

    public void start(int ratePerDevice) throws Exception {
        for (SimulatedDevice device : devices) {
            device.connect(Duration.ofSeconds(10));
        }
        long periodMicros = Math.max(1, 1_000_000L / Math.max(1, ratePerDevice));
        for (SimulatedDevice device : devices) {
            ticker.scheduleAtFixedRate(device::tick, 0, periodMicros, TimeUnit.MICROSECONDS);
        }
    }

    /** Readings the gateway acknowledged (PUBACK), all devices. */
    public long acknowledged() {
        return devices.stream().mapToLong(SimulatedDevice::acknowledged).sum();
    }

    public long failed() {
        return devices.stream().mapToLong(SimulatedDevice::failed).sum();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        devices.forEach(SimulatedDevice::close);
    }
}
