package io.fogbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class RecentHeadersTest {

    private static String text(Header h) {
        return h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void repeatedHeaderIsBuiltOnce() {
        RecentHeaders table = new RecentHeaders(16);
        Header first = table.header("gateway_id", "edge-1");
        assertThat(text(first)).isEqualTo("gateway_id=edge-1");
        assertThat(table.header("gateway_id", "edge-1")).isSameAs(first);
        assertThat(table.header(new String("gateway_id"), new String("edge-1"))).isSameAs(first);
    }

    @Test
    void theSameValueUnderAnotherNameIsAnotherHeader() {
        RecentHeaders table = new RecentHeaders(16);
        assertThat(text(table.header("device_id", "lathe-1"))).isEqualTo("device_id=lathe-1");
        assertThat(text(table.header("tenant_id", "lathe-1"))).isEqualTo("tenant_id=lathe-1");
        assertThat(text(table.header("device_id", "lathe-1"))).isEqualTo("device_id=lathe-1");
    }

    @Test
    void collidingAndNearlyEqualValuesGetTheirOwnBytes() {
        RecentHeaders table = new RecentHeaders(1); // every value shares the one slot
        List<String> values =
                List.of("lathe-0042", "lathe-0043", "lathe-004", "lathe-00420", "", "Zürich-温度", "Aa", "BB");
        for (int round = 0; round < 2; round++) {
            for (String v : values) {
                assertThat(text(table.header("h", v))).isEqualTo("h=" + v);
            }
        }
    }

    @Test
    void nullValueStaysNull() {
        assertThat(new RecentHeaders(4).header("h", null).value()).isNull();
    }
}
