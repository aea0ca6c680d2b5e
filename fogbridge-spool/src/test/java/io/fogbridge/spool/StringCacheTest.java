package io.fogbridge.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StringCacheTest {

    /** Looks {@code value} up from the middle of a buffer, as the decoder does inside a read chunk. */
    private static String lookUp(StringCache cache, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(utf8.length + 7);
        buf.put(3, utf8);
        return cache.get(buf, 3, utf8.length);
    }

    @Test
    void repeatedBytesGiveTheSameInstance() {
        StringCache cache = new StringCache(8);
        String first = lookUp(cache, "lathe-0042");
        assertThat(lookUp(cache, "lathe-0042")).isSameAs(first);
    }

    @Test
    void valuesThatDifferInOneByteAreNotConfused() {
        StringCache cache = new StringCache(8);
        String a = lookUp(cache, "lathe-0042");
        for (int i = 0; i < "lathe-0042".length(); i++) {
            char[] chars = "lathe-0042".toCharArray();
            chars[i]++;
            String changed = new String(chars);
            assertThat(lookUp(cache, changed)).as("byte %d changed", i).isEqualTo(changed);
            assertThat(lookUp(cache, "lathe-0042")).isEqualTo("lathe-0042");
        }
        assertThat(a).isEqualTo("lathe-0042");
    }

    @Test
    void prefixesAndLongerValuesAreNotConfused() {
        StringCache cache = new StringCache(1); // one slot: every value collides with the one before
        for (String v : List.of("qos", "qo", "", "qos1", "qos", "q")) {
            assertThat(lookUp(cache, v)).isEqualTo(v);
        }
    }

    @Test
    void nonAsciiUtf8DecodesAndIsCached() {
        StringCache cache = new StringCache(8);
        String sensor = "Zürich/温度/✓";
        String first = lookUp(cache, sensor);
        assertThat(first).isEqualTo(sensor);
        assertThat(lookUp(cache, "Zürich/温度/✗")).isEqualTo("Zürich/温度/✗");
        assertThat(lookUp(cache, sensor)).isSameAs(first);
    }

    @Test
    void evictedValuesAreDecodedAgainCorrectly() {
        StringCache cache = new StringCache(4);
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            devices.add("device-" + i);
        }
        // interleaved, more values than slots: results must stay right whatever was evicted
        for (int round = 0; round < 3; round++) {
            for (String d : devices) {
                assertThat(lookUp(cache, d)).isEqualTo(d);
            }
        }
    }

    @Test
    void honoursTheArrayOffsetOfASlicedBuffer() {
        byte[] backing = "xxxxxgateway-1yyyy".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer slice = ByteBuffer.wrap(backing, 5, 13).slice(); // arrayOffset 5
        StringCache cache = new StringCache(8);
        assertThat(cache.get(slice, 0, 9)).isEqualTo("gateway-1");
        assertThat(cache.get(slice, 8, 5)).isEqualTo("1yyyy");
    }

    @Test
    void readsBuffersWithoutAnArray() {
        byte[] utf8 = "tenant-ä".getBytes(StandardCharsets.UTF_8);
        ByteBuffer direct = ByteBuffer.allocateDirect(utf8.length + 2);
        direct.put(2, utf8);
        StringCache cache = new StringCache(8);
        String first = cache.get(direct, 2, utf8.length);
        assertThat(first).isEqualTo("tenant-ä");
        assertThat(cache.get(direct, 2, utf8.length)).isSameAs(first);
    }

    @Test
    void valuesThatNeverRepeatSwitchTheCacheToDirectDecodingAndItRecovers() {
        StringCache cache = new StringCache(256);
        long time = 1_700_000_000_000L;
        for (int i = 0; i < StringCache.WINDOW; i++) {
            String v = Long.toString(time + i);
            assertThat(lookUp(cache, v)).isEqualTo(v);
        }
        assertThat(cache.bypassing()).isTrue();
        String repeated = lookUp(cache, "1");
        assertThat(repeated).isEqualTo("1");
        assertThat(lookUp(cache, "1")).as("not cached while bypassing").isNotSameAs(repeated);
        for (int i = 2; i < StringCache.BYPASS; i++) {
            lookUp(cache, "1");
        }
        assertThat(cache.bypassing()).isFalse();
        String cached = lookUp(cache, "1");
        assertThat(lookUp(cache, "1")).isSameAs(cached);
        for (int i = 0; i < 2 * StringCache.WINDOW; i++) {
            lookUp(cache, "1");
        }
        assertThat(cache.bypassing()).as("a field that repeats stays cached").isFalse();
    }

    @Test
    void refusesATableSizeThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new StringCache(6)).isInstanceOf(IllegalArgumentException.class);
    }
}
