package io.fogbridge.pipeline.reduction;

import static io.fogbridge.pipeline.reduction.Records.record;
import static io.fogbridge.pipeline.reduction.Records.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tumbling windows: boundaries, what is aggregated, and when a window is released. */
class WindowRulesTest {

    /** A window boundary: DEFAULT_START is a whole multiple of 10 s. */
    private static final long T0 = ManualClock.DEFAULT_START.toEpochMilli();

    private final ManualClock clock = new ManualClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<UplinkRecord> released = new ArrayList<>();

    private Reduction stage(Map<String, Set<Aggregate>> aggregates) {
        Reduction reduction =
                new Reduction(List.of(Records.window(Duration.ofSeconds(10), aggregates)), clock, registry);
        reduction.start(released::add, false);
        return reduction;
    }

    private Reduction allOfTemp() {
        return stage(Map.of("temp", EnumSet.allOf(Aggregate.class)));
    }

    @Test
    void everyRecordIsSuppressedIntoItsWindowAndTheSweeperReleasesItAtTheEnd() {
        Reduction stage = allOfTemp();
        assertThat(stage.apply(record("{\"temp\":3}", T0))).isEqualTo(WindowStream.WINDOW);
        assertThat(stage.apply(record("{\"temp\":1}", T0 + 4000))).isEqualTo(WindowStream.WINDOW);
        assertThat(stage.apply(record("{\"temp\":2}", T0 + 9999))).isEqualTo(WindowStream.WINDOW);

        clock.advanceMillis(9_999);
        stage.sweep();
        assertThat(released).isEmpty();
        clock.advanceMillis(1);
        stage.sweep();

        assertThat(released).hasSize(1);
        assertThat(text(released.getFirst()))
                .isEqualTo("{\"window\":{\"start\":" + T0 + ",\"end\":" + (T0 + 10_000) + ",\"records\":3},"
                        + "\"values\":{\"temp\":{\"min\":1.0,\"max\":3.0,\"avg\":2.0,\"count\":3,\"last\":2.0}}}");
        assertThat(released.getFirst().headers())
                .containsEntry("content-type", "application/json")
                .containsEntry("creation-time", Long.toString(T0 + 9999));
        assertThat(registry.get("fogbridge.reduction.suppressed")
                        .tags("reason", "window")
                        .counter()
                        .count())
                .isEqualTo(3);
        stage.sweep();
        assertThat(released).hasSize(1);
    }

    @Test
    void aRecordAtTheBoundaryBelongsToTheNextWindowAndClosesThePrevious() {
        Reduction stage = allOfTemp();
        stage.apply(record("{\"temp\":1}", T0 + 9999));
        stage.apply(record("{\"temp\":5}", T0 + 10_000));
        assertThat(released).hasSize(1);
        assertThat(text(released.getFirst())).contains("\"start\":" + T0, "\"records\":1", "\"max\":1.0");

        clock.advanceMillis(20_000);
        stage.sweep();
        assertThat(released).hasSize(2);
        assertThat(text(released.get(1))).contains("\"start\":" + (T0 + 10_000), "\"max\":5.0");
    }

    @Test
    void windowsAreAlignedToTheEpochNotToTheFirstRecord() {
        Reduction stage = allOfTemp();
        stage.apply(record("{\"temp\":1}", T0 + 7_000));
        stage.apply(record("{\"temp\":1}", T0 + 12_000));
        assertThat(text(released.getFirst())).contains("\"start\":" + T0 + ",\"end\":" + (T0 + 10_000));
    }

    @Test
    void onlyFiniteNumbersAreAggregated() {
        Reduction stage = allOfTemp();
        for (String value : new String[] {"4", "\"hot\"", "NaN", "Infinity", "null", "6"}) {
            stage.apply(record("{\"temp\":" + value + "}", T0));
        }
        stage.apply(record("{\"other\":1}", T0)); // no field of the rule: passed on, not in the window
        clock.advanceMillis(10_000);
        stage.sweep();
        assertThat(text(released.getFirst()))
                .contains("\"records\":6", "{\"min\":4.0,\"max\":6.0,\"avg\":5.0,\"count\":2,\"last\":6.0}");
    }

    @Test
    void aFieldWithoutNumbersReportsCountZeroAndNulls() {
        Map<String, Set<Aggregate>> aggregates = new LinkedHashMap<>();
        aggregates.put("temp", EnumSet.of(Aggregate.AVG, Aggregate.COUNT));
        aggregates.put("values.rpm", EnumSet.of(Aggregate.MAX));
        Reduction stage = stage(aggregates);
        stage.apply(record("{\"temp\":\"n/a\",\"values\":{\"rpm\":100}}", T0));
        clock.advanceMillis(10_000);
        stage.sweep();
        assertThat(text(released.getFirst()))
                .endsWith("\"values\":{\"temp\":{\"avg\":null,\"count\":0},\"values.rpm\":{\"max\":100.0}}}");
    }

    @Test
    void eachStreamHasItsOwnWindow() {
        Reduction stage = allOfTemp();
        stage.apply(record("a", "telemetry/acme/a", "{\"temp\":1}", T0));
        stage.apply(record("b", "telemetry/acme/b", "{\"temp\":100}", T0));
        clock.advanceMillis(10_000);
        stage.sweep();
        assertThat(released).extracting(r -> r.destination().device()).containsExactlyInAnyOrder("a", "b");
        assertThat(released).extracting(Records::text).anySatisfy(t -> assertThat(t)
                .contains("\"max\":100.0"));
    }

    @Test
    void closingReleasesTheOpenWindowShort() {
        Reduction stage = allOfTemp();
        stage.apply(record("{\"temp\":1}", T0 + 1000));
        stage.close();
        assertThat(released).hasSize(1);
        assertThat(text(released.getFirst())).contains("\"records\":1");
    }

    @Test
    void theSweepPeriodIsATenthOfTheShortestSpanWithinBounds() {
        assertThat(allOfTemp().sweepPeriod()).isEqualTo(Duration.ofSeconds(1));
        Reduction fast = new Reduction(
                List.of(Records.window(Duration.ofMillis(50), Map.of("t", EnumSet.of(Aggregate.LAST)))), clock, null);
        assertThat(fast.sweepPeriod()).isEqualTo(Duration.ofMillis(10));
        Reduction deadbandOnly = new Reduction(List.of(Records.filter(Map.of("t", "1"), null, null, 10)), clock, null);
        assertThat(deadbandOnly.sweepPeriod()).isNull();
    }
}
