package io.fogbridge.gateway.demo;

import java.util.Locale;

/**
 * A water tank's level sensor, device {@code tank-1@demo} with its own password, using the device-facing topics:
 * readings on {@code telemetry/demo/<tank>} (built-in route to {@code fog.telemetry.demo}), and an
 * {@code event/demo/<tank>/level-high} when the level crosses 90 % (built-in route to
 * {@code fog.event.demo}, drained ahead of telemetry).
 */
final class WaterTankSensor extends SimulatedDevice {

    private double levelPercent = 50;
    private double inflow = 0.4;
    private boolean high;

    WaterTankSensor(String tank, String host, int port, Login login, long seed) {
        super(tank, host, port, login, seed);
    }

    @Override
    Reading next() {
        double outflow = 0.35 + random.nextGaussian() * 0.05;
        levelPercent = Math.max(0, Math.min(100, levelPercent + inflow - outflow));
        if (levelPercent > 90 && !high) {
            high = true;
            inflow = 0.2;
            return new Reading(
                    "event/demo/" + name + "/level-high",
                    String.format(
                            Locale.ROOT,
                            "{\"tank\":\"%s\",\"ts\":%d,\"levelPercent\":%.1f}",
                            name,
                            System.currentTimeMillis(),
                            levelPercent));
        }
        if (levelPercent < 40) {
            high = false;
            inflow = 0.5;
        }
        return new Reading(
                "telemetry/demo/" + name,
                String.format(
                        Locale.ROOT,
                        "{\"tank\":\"%s\",\"ts\":%d,\"levelPercent\":%.1f}",
                        name,
                        System.currentTimeMillis(),
                        levelPercent));
    }
}
