package io.fogbridge.pipeline.reduction;

import static io.fogbridge.pipeline.reduction.Records.filter;
import static io.fogbridge.pipeline.reduction.Records.record;
import static io.fogbridge.pipeline.reduction.Records.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.api.pipeline.Verdict;
import io.fogbridge.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** deadband, minInterval and maxSilence, through the stage, with time moved by hand. */
class FilterRulesTest {

    private static final long T0 = ManualClock.DEFAULT_START.toEpochMilli();

    private final ManualClock clock = new ManualClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<UplinkRecord> released = new ArrayList<>();

    private Reduction stage(ReductionRule rule) {
        Reduction reduction = new Reduction(List.of(rule), clock, registry);
        reduction.start(released::add, false);
        return reduction;
    }

    private double suppressed(String reason) {
        return registry.get("fogbridge.reduction.suppressed")
                .tags("rule", "r1", "reason", reason)
                .counter()
                .count();
    }

    /** The payloads the stage passed on, offering each at T0 + its index in seconds. */
    private static List<String> passed(Reduction stage, String... payloads) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < payloads.length; i++) {
            if (stage.apply(record(payloads[i], T0 + i * 1000L)) instanceof UplinkRecord kept) {
                out.add(text(kept));
            }
        }
        return out;
    }

    @Test
    void aDeadbandSendsTheFirstRecordAndThenOnlyMovesOutOfTheBand() {
        Reduction stage = stage(filter(Map.of("temp", "0.5"), null, null, 100));
        assertThat(passed(
                        stage,
                        "{\"temp\":20.0}",
                        "{\"temp\":20.3}",
                        "{\"temp\":20.5}",
                        "{\"temp\":20.6}",
                        "{\"temp\":20.2}",
                        "{\"temp\":20.0}"))
                .containsExactly("{\"temp\":20.0}", "{\"temp\":20.6}", "{\"temp\":20.0}");
        assertThat(suppressed("deadband")).isEqualTo(3);
    }

    @Test
    void theBandIsAroundTheValueLastSentSoASlowDriftIsStillSent() {
        Reduction stage = stage(filter(Map.of("temp", "1"), null, null, 100));
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i <= 30; i++) {
            payloads.add("{\"temp\":" + (20 + i * 0.1) + "}");
        }
        // 0.1 per step: a record every ~11 steps, never one per step, never none.
        assertThat(passed(stage, payloads.toArray(String[]::new))).hasSize(3);
    }

    @Test
    void anyFieldLeavingItsBandSendsTheWholeRecord() {
        Reduction stage = stage(filter(Map.of("temp", "1", "values.rpm", "5%"), null, null, 100));
        assertThat(passed(
                        stage,
                        "{\"temp\":20,\"values\":{\"rpm\":1000}}",
                        "{\"temp\":20.5,\"values\":{\"rpm\":1040}}",
                        "{\"temp\":20.5,\"values\":{\"rpm\":1051}}",
                        "{\"temp\":21.6,\"values\":{\"rpm\":1051}}"))
                .containsExactly(
                        "{\"temp\":20,\"values\":{\"rpm\":1000}}",
                        "{\"temp\":20.5,\"values\":{\"rpm\":1051}}",
                        "{\"temp\":21.6,\"values\":{\"rpm\":1051}}");
    }

    @Test
    void aMissingFieldChangesNothingAndKeepsItsLastSentValue() {
        Reduction stage = stage(filter(Map.of("temp", "1", "hum", "1"), null, null, 100));
        assertThat(passed(
                        stage,
                        "{\"temp\":20,\"hum\":50}",
                        "{\"temp\":20.5}",
                        "{\"hum\":50.9}",
                        "{\"temp\":20.9,\"hum\":52}"))
                .containsExactly("{\"temp\":20,\"hum\":50}", "{\"temp\":20.9,\"hum\":52}");
    }

    @Test
    void nonNumericValuesAreSentWhenTheyDiffer() {
        Reduction stage = stage(filter(Map.of("state", "1"), null, null, 100));
        assertThat(passed(
                        stage,
                        "{\"state\":\"run\"}",
                        "{\"state\":\"run\"}",
                        "{\"state\":\"stop\"}",
                        "{\"state\":1}",
                        "{\"state\":1.5}",
                        "{\"state\":\"1.5\"}",
                        "{\"state\":true}",
                        "{\"state\":true}"))
                .containsExactly(
                        "{\"state\":\"run\"}",
                        "{\"state\":\"stop\"}",
                        "{\"state\":1}",
                        "{\"state\":\"1.5\"}",
                        "{\"state\":true}");
    }

    @Test
    void nanIsSentOnceWhenItComesAndOnceWhenItGoes() {
        Reduction stage = stage(filter(Map.of("temp", "5%"), null, null, 100));
        assertThat(passed(stage, "{\"temp\":20}", "{\"temp\":NaN}", "{\"temp\":NaN}", "{\"temp\":20}"))
                .containsExactly("{\"temp\":20}", "{\"temp\":NaN}", "{\"temp\":20}");
    }

    @Test
    void aPercentDeadbandAtZeroSendsEveryChange() {
        Reduction stage = stage(filter(Map.of("flow", "10%"), null, null, 100));
        assertThat(passed(stage, "{\"flow\":0}", "{\"flow\":0}", "{\"flow\":0.01}", "{\"flow\":0.0105}"))
                .containsExactly("{\"flow\":0}", "{\"flow\":0.01}");
    }

    @Test
    void whatTheRuleCannotReadPassesUntouchedAndIsCounted() {
        Reduction stage = stage(filter(Map.of("temp", "100"), null, null, 100));
        assertThat(passed(stage, "not json", "[1]", "{\"other\":1}", "{\"other\":1}", "{\"temp\":1}", "{\"temp\":2}"))
                .containsExactly("not json", "[1]", "{\"other\":1}", "{\"other\":1}", "{\"temp\":1}");
        assertThat(registry.get("fogbridge.reduction.unreduced").counter().count())
                .isEqualTo(4);
    }

    @Test
    void streamsAreKeptApartByDeviceAndTopic() {
        Reduction stage = stage(filter(Map.of("temp", "5"), null, null, 100));
        assertThat(stage.apply(record("a", "telemetry/acme/a", "{\"temp\":1}", T0)))
                .isInstanceOf(UplinkRecord.class);
        assertThat(stage.apply(record("b", "telemetry/acme/b", "{\"temp\":1}", T0)))
                .isInstanceOf(UplinkRecord.class);
        assertThat(stage.apply(record("a", "telemetry/acme/a/2", "{\"temp\":1}", T0)))
                .isInstanceOf(UplinkRecord.class);
        assertThat(stage.apply(record("a", "telemetry/acme/a", "{\"temp\":2}", T0)))
                .isEqualTo(FilterStream.DEADBAND);
        assertThat(stage.streams("r1")).isEqualTo(3);
    }

    @Test
    void recordsNoRuleSelectsPassUntouched() {
        Reduction stage = stage(filter(Map.of("temp", "5"), null, null, 100));
        UplinkRecord other = record("a", "elsewhere/a", "{\"temp\":1}", T0);
        assertThat(stage.apply(other)).isSameAs(other);
        assertThat(stage.apply(record("a", "elsewhere/a", "{\"temp\":1}", T0))).isInstanceOf(UplinkRecord.class);
        assertThat(stage.streams("r1")).isZero();
    }

    @Test
    void maxSilenceSendsAnUnchangedRecordAsAHeartbeat() {
        Reduction stage = stage(filter(Map.of("temp", "1"), null, Duration.ofSeconds(3), 100));
        // one record a second, never changing: the first, then one every 3 s
        assertThat(passed(
                        stage,
                        "{\"temp\":1}",
                        "{\"temp\":1}",
                        "{\"temp\":1}",
                        "{\"temp\":1}",
                        "{\"temp\":1}",
                        "{\"temp\":1}",
                        "{\"temp\":1}"))
                .hasSize(3);
    }

    @Test
    void minIntervalSuppressesAndReleasesTheLatestWhenTheIntervalEnds() {
        Reduction stage = stage(filter(Map.of(), Duration.ofSeconds(10), null, 100));
        assertThat(stage.apply(record("{\"v\":1}", T0))).isInstanceOf(UplinkRecord.class);
        assertThat(stage.apply(record("{\"v\":2}", T0 + 2000))).isEqualTo(FilterStream.MIN_INTERVAL);
        assertThat(stage.apply(record("{\"v\":3}", T0 + 4000))).isEqualTo(FilterStream.MIN_INTERVAL);

        clock.advanceMillis(9_999);
        stage.sweep();
        assertThat(released).isEmpty();

        clock.advanceMillis(1);
        stage.sweep();
        assertThat(released).extracting(Records::text).containsExactly("{\"v\":3}");
        stage.sweep();
        assertThat(released).hasSize(1);
        assertThat(registry.get("fogbridge.reduction.released")
                        .tags("reason", "minInterval")
                        .counter()
                        .count())
                .isEqualTo(1);

        // released at T0+10s: the next interval counts from there
        assertThat(stage.apply(record("{\"v\":4}", T0 + 15_000))).isEqualTo(FilterStream.MIN_INTERVAL);
        assertThat(stage.apply(record("{\"v\":5}", T0 + 20_000))).isInstanceOf(UplinkRecord.class);
        clock.advanceMillis(60_000);
        stage.sweep();
        assertThat(released).hasSize(1); // v4 was superseded by v5, which was sent
    }

    @Test
    void minIntervalWithADeadbandDropsAHeldRecordWhenTheSignalComesBack() {
        Reduction stage = stage(filter(Map.of("v", "1"), Duration.ofSeconds(10), null, 100));
        assertThat(stage.apply(record("{\"v\":1}", T0))).isInstanceOf(UplinkRecord.class);
        assertThat(stage.apply(record("{\"v\":5}", T0 + 1000))).isEqualTo(FilterStream.MIN_INTERVAL);
        assertThat(stage.apply(record("{\"v\":1.2}", T0 + 2000))).isEqualTo(FilterStream.DEADBAND);
        clock.advanceMillis(20_000);
        stage.sweep();
        assertThat(released).isEmpty();
    }

    @Test
    void aClockSteppedBackSendsRatherThanStaysSilent() {
        Reduction stage = stage(filter(Map.of(), Duration.ofSeconds(10), null, 100));
        assertThat(stage.apply(record("{\"v\":1}", T0))).isInstanceOf(UplinkRecord.class);
        assertThat(stage.apply(record("{\"v\":2}", T0 - 3_600_000))).isInstanceOf(UplinkRecord.class);
    }

    @Test
    void closingReleasesHeldRecords() {
        Reduction stage = stage(filter(Map.of(), Duration.ofSeconds(10), null, 100));
        stage.apply(record("{\"v\":1}", T0));
        stage.apply(record("{\"v\":2}", T0 + 1));
        stage.close();
        assertThat(released).extracting(Records::text).containsExactly("{\"v\":2}");
        assertThat(stage.streams("r1")).isZero();
    }

    @Test
    void aSuppressVerdictIsOneOfTheContractsReasons() {
        assertThat(FilterStream.DEADBAND).isInstanceOf(Verdict.Suppress.class);
        assertThat(((Verdict.Suppress) FilterStream.MIN_INTERVAL).reason()).isEqualTo("minInterval");
    }

    @Test
    void whatMinIntervalHoldsIsBoundedInBytesAndARecordThatDoesNotFitIsSent() {
        String payload = "{\"v\":\"" + "x".repeat(1000) + "\"}";
        long one = payload.length() + 512L;
        Reduction stage = new Reduction(
                List.of(filter(Map.of(), Duration.ofSeconds(10), null, 100)), clock, registry, 2 * one + 100);
        stage.start(released::add, false);
        for (String device : List.of("d1", "d2", "d3")) {
            assertThat(stage.apply(record(device, "telemetry/acme/" + device, payload, T0)))
                    .as("first record of %s", device)
                    .isInstanceOf(UplinkRecord.class);
        }
        List<Verdict> second = new ArrayList<>();
        for (String device : List.of("d1", "d2", "d3")) {
            second.add(stage.apply(record(device, "telemetry/acme/" + device, payload, T0 + 1000)));
        }
        assertThat(second.get(0)).isEqualTo(FilterStream.MIN_INTERVAL);
        assertThat(second.get(1)).isEqualTo(FilterStream.MIN_INTERVAL);
        assertThat(second.get(2)).as("no room to hold a third: sent").isInstanceOf(UplinkRecord.class);

        clock.advance(Duration.ofSeconds(11));
        stage.sweep();
        assertThat(released).hasSize(2);
        // the room is free again: d3's next record within its interval is held
        assertThat(stage.apply(record("d3", "telemetry/acme/d3", payload, T0 + 2000)))
                .isEqualTo(FilterStream.MIN_INTERVAL);
    }
}
