package io.fogbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodedStringsTest {

    @Test
    void repeatedValueIsEncodedOnce() {
        EncodedStrings table = new EncodedStrings(16);
        String gateway = "edge-1";
        byte[] first = table.utf8(gateway);
        assertThat(first).isEqualTo("edge-1".getBytes(StandardCharsets.UTF_8));
        assertThat(table.utf8(gateway)).isSameAs(first);
        assertThat(table.utf8(new String("edge-1")))
                .as("an equal string of another instance")
                .isSameAs(first);
    }

    @Test
    void collidingAndNearlyEqualValuesGetTheirOwnBytes() {
        EncodedStrings table = new EncodedStrings(1); // every value shares the one slot
        List<String> values =
                List.of("lathe-0042", "lathe-0043", "lathe-004", "lathe-00420", "", "Zürich-温度", "lathe-0042");
        for (int round = 0; round < 2; round++) {
            for (String v : values) {
                assertThat(new String(table.utf8(v), StandardCharsets.UTF_8)).isEqualTo(v);
            }
        }
    }

    @Test
    void stringsWithTheSameHashCodeAreNotConfused() {
        EncodedStrings table = new EncodedStrings(64);
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        assertThat(table.utf8("Aa")).isEqualTo(new byte[] {'A', 'a'});
        assertThat(table.utf8("BB")).isEqualTo(new byte[] {'B', 'B'});
        assertThat(table.utf8("Aa")).isEqualTo(new byte[] {'A', 'a'});
    }

    @Test
    void nullStaysNull() {
        assertThat(new EncodedStrings(4).utf8(null)).isNull();
    }

    @Test
    void refusesATableSizeThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new EncodedStrings(3)).isInstanceOf(IllegalArgumentException.class);
    }
}
