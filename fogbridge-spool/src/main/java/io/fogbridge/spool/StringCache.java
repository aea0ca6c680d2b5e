package io.fogbridge.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Remembers the strings decoded from one field of spool records (a topic, a key, the value of one header
 * position), so replay returns the same {@code String} instance for repeated bytes instead of decoding and
 * allocating it per record. Downstream, the Kafka mapper recognises repeated values by that identity.
 *
 * <p>Lookup: first the string returned last (a field that is constant across records, like {@code gateway_id},
 * hits here without hashing), then one slot of a direct-mapped table chosen by a hash of the bytes (a field with
 * a few hundred distinct values interleaved, like {@code device_id} of 100 devices). Equality is always checked
 * on the bytes, so a hash collision only costs a miss.
 *
 * <p>A field whose values never repeat (the {@code creation-time} header) would pay the hash, the copy and the
 * table store per record for nothing: after a window of {@value #WINDOW} lookups with fewer than one hit in
 * {@value #MIN_HIT_RATIO_INVERSE}, the cache decodes directly for the next {@value #BYPASS} lookups, then
 * measures again. Not thread-safe: belongs to one {@link RecordFormat.Decoder}.
 */
final class StringCache {
    static final int WINDOW = 1024;
    static final int MIN_HIT_RATIO_INVERSE = 16;
    static final int BYPASS = 16 * 1024;

    private final byte[][] bytes;
    private final String[] strings;
    private final int mask;

    private byte[] lastBytes;
    private String lastString;

    private int lookups;
    private int hits;
    private int bypassLeft;

    /** @param slots size of the table, a power of two */
    StringCache(int slots) {
        if (slots < 1 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two, got " + slots);
        }
        this.bytes = new byte[slots][];
        this.strings = new String[slots];
        this.mask = slots - 1;
    }

    /** The string of the UTF-8 bytes {@code [off, off + len)} of {@code buf} (absolute positions). */
    String get(ByteBuffer buf, int off, int len) {
        if (buf.hasArray()) {
            return get(buf.array(), buf.arrayOffset() + off, len);
        }
        byte[] copy = new byte[len];
        buf.get(off, copy);
        return get(copy, 0, len);
    }

    String get(byte[] array, int from, int len) {
        int to = from + len;
        if (bypassLeft > 0) {
            bypassLeft--;
            return new String(array, from, len, StandardCharsets.UTF_8);
        }
        byte[] last = lastBytes;
        if (last != null && Arrays.equals(last, 0, last.length, array, from, to)) {
            return hit(lastString);
        }
        int slot = hash(array, from, to) & mask;
        byte[] cached = bytes[slot];
        if (cached != null && Arrays.equals(cached, 0, cached.length, array, from, to)) {
            lastBytes = cached;
            lastString = strings[slot];
            return hit(lastString);
        }
        byte[] copy = Arrays.copyOfRange(array, from, to);
        String s = new String(copy, StandardCharsets.UTF_8);
        bytes[slot] = copy;
        strings[slot] = s;
        lastBytes = copy;
        lastString = s;
        counted();
        return s;
    }

    /** Whether the cache is currently decoding without looking up (for tests). */
    boolean bypassing() {
        return bypassLeft > 0;
    }

    private String hit(String s) {
        hits++;
        counted();
        return s;
    }

    private void counted() {
        if (++lookups < WINDOW) {
            return;
        }
        if (hits < WINDOW / MIN_HIT_RATIO_INVERSE) {
            bypassLeft = BYPASS;
        }
        lookups = 0;
        hits = 0;
    }

    private static int hash(byte[] a, int from, int to) {
        int h = to - from;
        for (int i = from; i < to; i++) {
            h = 31 * h + a[i];
        }
        return h ^ (h >>> 16);
    }
}
