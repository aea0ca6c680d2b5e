package io.fogbridge.demo;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A water tank's level sensor and inlet valve, device {@code tank-1@demo} with its own password, using the
 * device-facing topics: readings on {@code telemetry/demo/<tank>} (built-in route to {@code fog.telemetry.demo}),
 * and an {@code event/demo/<tank>/level-high} when the level crosses 90 % (built-in route to
 * {@code fog.event.demo}, drained ahead of telemetry). Both carry {@code "valve":"open"|"closed"}.
 *
 * <p>The valve takes the command {@code setValve} on {@code command/demo/<tank>/req/#} with the payload {@code open}
 * or {@code closed} (plain, quoted, or JSON such as {@code {"valve":"closed"}}) and answers 200 with the new state;
 * a closed valve stops the inflow, so the level falls. Anything else is answered 400 (bad payload) or 404.
 */
final class WaterTankSensor extends SimulatedDevice {

    private static final Pattern STATE =
            Pattern.compile("^\\s*(?:\\{\\s*\"(?:valve|state)\"\\s*:\\s*)?\"?(open|closed?)\"?\\s*}?\\s*$");

    private double levelPercent = 50;
    private double inflow = 0.4;
    private boolean high;
    // Set by commands on the MQTT client's thread, read by the ticker.
    private volatile boolean valveOpen = true;

    WaterTankSensor(String tank, String host, int port, Login login, long seed) {
        super(tank, host, port, login, seed);
    }

    @Override
    String commandDevice() {
        return name;
    }

    @Override
    Reply onCommand(String command, byte[] payload) {
        if (!command.equals("setValve")) {
            return super.onCommand(command, payload);
        }
        Matcher state = STATE.matcher(new String(payload, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
        if (!state.matches()) {
            return new Reply(400, "{\"error\":\"setValve takes open or closed\"}");
        }
        valveOpen = state.group(1).equals("open");
        return new Reply(200, "{\"tank\":\"" + name + "\",\"valve\":\"" + valve() + "\"}");
    }

    @Override
    Reading next() {
        double outflow = 0.35 + random.nextGaussian() * 0.05;
        levelPercent = Math.max(0, Math.min(100, levelPercent + (valveOpen ? inflow : 0) - outflow));
        if (levelPercent > 90 && !high) {
            high = true;
            inflow = 0.2;
            return new Reading("event/demo/" + name + "/level-high", json());
        }
        if (levelPercent < 40) {
            high = false;
            inflow = 0.5;
        }
        return new Reading("telemetry/demo/" + name, json());
    }

    private String valve() {
        return valveOpen ? "open" : "closed";
    }

    private String json() {
        return String.format(
                Locale.ROOT,
                "{\"tank\":\"%s\",\"ts\":%d,\"levelPercent\":%.1f,\"valve\":\"%s\"}",
                name,
                System.currentTimeMillis(),
                levelPercent,
                valve());
    }
}
