package io.fogbridge.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.gateway.console.DeviceActivity.Recent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SparklinesTest {

    private static Recent recent(long at, String payload) {
        return new Recent(at, "telemetry/acme/lathe-1", payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void numericTopLevelAndOnceNestedFieldsBecomeSeriesOldestFirst() {
        List<Recent> newestFirst = List.of(
                recent(3000, "{\"rpm\":1300,\"temp\":{\"c\":21.5},\"note\":\"x\"}"),
                recent(2000, "not json"),
                recent(1000, "{\"rpm\":1200,\"temp\":{\"c\":20.5,\"deep\":{\"x\":1}},\"on\":true}"));

        var series = Sparklines.of(newestFirst);

        assertThat(series).extracting(Sparklines.Series::field).containsExactly("rpm", "temp.c");
        assertThat(series.get(0).values()).containsExactly(1200.0, 1300.0);
        assertThat(series.get(0).atMillis()).containsExactly(1000L, 3000L);
        assertThat(series.get(1).values()).containsExactly(20.5, 21.5);
    }

    @Test
    void theFieldNamesAreEscapedAndTheNumbersSitInDataAttributes() {
        StringBuilder html = new StringBuilder();
        Sparklines.render(html, Sparklines.of(List.of(recent(2000, "{\"<img src=x onerror=alert(1)>\":7,\"v\":2.5}"))));

        assertThat(html.toString())
                .doesNotContain("<img")
                .doesNotContain("<script")
                .contains("data-field=\"&lt;img src=x onerror=alert(1)&gt;\"")
                .contains("data-field=\"v\" data-times=\"2.0\" data-values=\"2.5\"")
                .contains("data-values=\"7\"");
    }

    @Test
    void atMostADozenFieldsAndNothingWithoutNumbers() {
        StringBuilder fields = new StringBuilder("{");
        for (int i = 0; i < 30; i++) {
            fields.append(i == 0 ? "" : ",")
                    .append("\"f")
                    .append(i)
                    .append("\":")
                    .append(i);
        }
        assertThat(Sparklines.of(List.of(recent(1, fields + "}")))).hasSize(Sparklines.MAX_FIELDS);

        StringBuilder html = new StringBuilder();
        Sparklines.render(html, Sparklines.of(List.of(recent(1, "{\"state\":\"on\"}"), recent(0, "[1,2]"))));
        assertThat(html).isEmpty();
    }
}
