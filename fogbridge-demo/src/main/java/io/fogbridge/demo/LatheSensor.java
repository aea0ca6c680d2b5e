package io.fogbridge.demo;

import java.util.Locale;

/**
 * A lathe behind the plant's PLC bridge (it logs in as the {@code plc-bridge} device, whose role may publish
 * {@code factory/#}): spindle speed, bearing temperature and vibration, published on the plant
 * topic tree {@code factory/<site>/lathe/<machine>/spindle} that the demo's own route maps to
 * {@code fog.telemetry.<site>}. The temperature drifts up while the spindle runs fast.
 */
final class LatheSensor extends SimulatedDevice {

    private final String site;
    private double temperature = 35;
    private int rpm = 1200;

    LatheSensor(String site, String machine, String host, int port, Login plcBridge, long seed) {
        super(machine, host, port, plcBridge, seed);
        this.site = site;
    }

    @Override
    Reading next() {
        if (random.nextInt(50) == 0) {
            rpm = 600 + random.nextInt(6) * 300;
        }
        temperature += (rpm / 1000.0 - 1.5) * 0.05 + random.nextGaussian() * 0.05;
        temperature = Math.max(20, Math.min(90, temperature));
        double vibration = rpm / 1000.0 * (0.8 + random.nextDouble() * 0.4);
        String json = String.format(
                Locale.ROOT,
                "{\"machine\":\"%s\",\"ts\":%d,\"spindleRpm\":%d,\"temperatureC\":%.2f,\"vibrationMmS\":%.3f}",
                name,
                System.currentTimeMillis(),
                rpm,
                temperature,
                vibration);
        return new Reading("factory/" + site + "/lathe/" + name + "/spindle", json);
    }
}
