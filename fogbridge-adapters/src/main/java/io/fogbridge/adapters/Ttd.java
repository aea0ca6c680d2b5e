package io.fogbridge.adapters;

import java.time.Duration;

/**
 * The {@code ttd} ("time till disconnect") query parameter: how many seconds the device keeps its request open to
 * receive a command in the response. Bounded by the adapter's maximum so a device cannot pin a connection forever.
 */
public final class Ttd {

    private Ttd() {}

    /**
     * @param text the parameter's value, or null when absent
     * @return the wait, capped at {@code max}; null when absent or 0
     * @throws MalformedRequestException when it is not a whole number of seconds ≥ 0
     */
    public static Duration parse(String text, Duration max) {
        if (text == null) {
            return null;
        }
        long seconds;
        try {
            seconds = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new MalformedRequestException("ttd must be a whole number of seconds, got '" + text + "'");
        }
        if (seconds < 0) {
            throw new MalformedRequestException("ttd must not be negative");
        }
        if (seconds == 0) {
            return null;
        }
        Duration ttd = Duration.ofSeconds(seconds);
        return ttd.compareTo(max) > 0 ? max : ttd;
    }
}
