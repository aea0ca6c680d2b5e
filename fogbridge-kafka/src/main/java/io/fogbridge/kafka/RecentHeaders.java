package io.fogbridge.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Kafka headers recently built for one header position, so a header repeated across records (gateway_id,
 * tenant_id, device_id, qos, content-type, mqtt-topic) is encoded to UTF-8 and allocated once rather than per
 * record. The spool's decoder returns the same {@code String} instances for repeated bytes, so a hit is usually
 * two identity checks; equal strings of other instances hit as well.
 *
 * <p>Direct-mapped by the value's {@link String#hashCode()} (cached inside each string): a value that never
 * repeats (creation-time) only overwrites its slot. The returned headers and their value arrays are shared by
 * every record that carries them; the Kafka producer only reads them. Not thread-safe: belongs to one
 * {@link RecordMapper}.
 */
final class RecentHeaders {
    private final Header[] headers;
    private final String[] values;
    private final int mask;

    /** @param slots size of the table, a power of two */
    RecentHeaders(int slots) {
        if (slots < 1 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two, got " + slots);
        }
        this.headers = new Header[slots];
        this.values = new String[slots];
        this.mask = slots - 1;
    }

    /** A header {@code name} = UTF-8 of {@code value} (null value: null). */
    Header header(String name, String value) {
        if (value == null) {
            return new RecordHeader(name, null);
        }
        int h = value.hashCode();
        int slot = (h ^ (h >>> 16)) & mask;
        Header cached = headers[slot];
        if (cached != null) {
            String cachedValue = values[slot];
            String cachedName = cached.key();
            if ((cachedValue == value || cachedValue.equals(value))
                    && (cachedName == name || cachedName.equals(name))) {
                return cached;
            }
        }
        Header built = new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
        headers[slot] = built;
        values[slot] = value;
        return built;
    }
}
