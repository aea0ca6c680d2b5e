package io.fogbridge.kafka;

import java.nio.charset.StandardCharsets;

/**
 * The UTF-8 bytes of recently seen strings of one field (the record key, the value of one header position), so a
 * value repeated across records (gateway_id, tenant_id, device_id, qos, content-type, mqtt-topic) is encoded once
 * rather than per record. The spool's decoder returns the same {@code String} instance for repeated bytes, so a
 * hit is usually an identity check; an equal string of another instance hits as well.
 *
 * <p>Direct-mapped by {@link String#hashCode()} (cached inside each string, so computed once per instance): a
 * value that never repeats (creation-time) only overwrites its slot. The returned arrays are shared by every
 * record that carries the value and must not be modified; the Kafka producer only reads header values and keys.
 * Not thread-safe: belongs to one {@link RecordMapper}.
 */
final class EncodedStrings {
    private final String[] strings;
    private final byte[][] bytes;
    private final int mask;

    /** @param slots size of the table, a power of two */
    EncodedStrings(int slots) {
        if (slots < 1 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two, got " + slots);
        }
        this.strings = new String[slots];
        this.bytes = new byte[slots][];
        this.mask = slots - 1;
    }

    /** The UTF-8 bytes of {@code value}; null for null. */
    byte[] utf8(String value) {
        if (value == null) {
            return null;
        }
        int h = value.hashCode();
        int slot = (h ^ (h >>> 16)) & mask;
        String cached = strings[slot];
        if (cached == value || (cached != null && cached.equals(value))) {
            return bytes[slot];
        }
        byte[] encoded = value.getBytes(StandardCharsets.UTF_8);
        strings[slot] = value;
        bytes[slot] = encoded;
        return encoded;
    }
}
