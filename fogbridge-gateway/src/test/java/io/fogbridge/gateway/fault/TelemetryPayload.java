package io.fogbridge.gateway.fault;

import java.nio.charset.StandardCharsets;

/**
 * The payload a {@link SequencedDevice} sends: {@code <device>#<seq>#<filler>}, where the filler is derived
 * from device and sequence. A record read back from Kafka therefore says which message it is, and its bytes
 * can be compared with what the device sent (the contract: the payload arrives unchanged).
 */
public record TelemetryPayload(String device, long seq) {

    private static final int FILLER_CHARS = 96;

    public static byte[] of(String device, long seq) {
        return new TelemetryPayload(device, seq).bytes();
    }

    public byte[] bytes() {
        StringBuilder text = new StringBuilder(device).append('#').append(seq).append('#');
        long x = device.hashCode() * 0x9E3779B97F4A7C15L + seq;
        while (text.length() < device.length() + FILLER_CHARS) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            text.append(Long.toHexString(x));
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The message a payload names, or null if it is not one of ours (or its filler was altered). */
    public static TelemetryPayload parse(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        String[] parts = text.split("#", 3);
        if (parts.length != 3) {
            return null;
        }
        try {
            TelemetryPayload p = new TelemetryPayload(parts[0], Long.parseLong(parts[1]));
            return java.util.Arrays.equals(p.bytes(), payload) ? p : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
