package io.fogbridge.gateway.config;

import static io.fogbridge.gateway.config.ConfigLoaderTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.pipeline.reduction.Aggregate;
import io.fogbridge.pipeline.reduction.Deadband;
import io.fogbridge.pipeline.reduction.ReductionRule;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ReductionConfigTest {

    private static final String KAFKA = "kafka: {bootstrapServers: k:9092}\n";

    @Test
    void aFullExampleLoads() throws Exception {
        GatewayConfig config = ConfigLoaderTest.load(KAFKA + """
                routes:
                  - {name: lathes, from: "factory/+site/lathe/+device/#", to: "fog.telemetry.{site}"}
                reduction:
                  - name: spindle
                    route: lathes
                    topic: factory/+/lathe/+/spindle
                    deadband: {values.rpm: 5, temp: 2%}
                    minInterval: 1s
                    maxSilence: 1m
                  - name: energy
                    device: meter-1
                    window: 10s
                    aggregate:
                      kwh: min,max
                      power: [avg, count, last]
                    maxStreams: 50
                """);
        assertThat(config.reduction()).hasSize(2);
        ReductionRule spindle = config.reduction().getFirst();
        assertThat(spindle.route()).isEqualTo("lathes");
        assertThat(spindle.topic().text()).isEqualTo("factory/+/lathe/+/spindle");
        assertThat(spindle.deadbands())
                .containsExactly(
                        java.util.Map.entry("values.rpm", new Deadband(5, false)),
                        java.util.Map.entry("temp", new Deadband(2, true)));
        assertThat(spindle.minInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(spindle.maxSilence()).isEqualTo(Duration.ofMinutes(1));
        assertThat(spindle.maxStreams()).isEqualTo(10_000);
        ReductionRule energy = config.reduction().get(1);
        assertThat(energy.device()).isEqualTo("meter-1");
        assertThat(energy.aggregates())
                .containsEntry("kwh", EnumSet.of(Aggregate.MIN, Aggregate.MAX))
                .containsEntry("power", EnumSet.of(Aggregate.AVG, Aggregate.COUNT, Aggregate.LAST));
        assertThat(config.summary()).contains("reduction: 2 rules", "spindle: route lathes", "energy: any route");
    }

    @Test
    void noReductionByDefault() throws Exception {
        assertThat(ConfigLoaderTest.load(KAFKA).reduction()).isEmpty();
    }

    @Test
    void badValuesNameFileLineAndKey() {
        assertThat(problems(KAFKA + """
                reduction:
                  - name: a
                    deadband:
                      temp: lots
                      "bad path": 1
                      values..rpm: 1
                      rpm: -1
                  - name: b
                    window: 10s
                    aggregate: {temp: "min, median"}
                  - name: c
                    topic: "a/#/b"
                    minInterval: soon
                    maxStreams: 0
                  - name: d
                    window: 1m
                    aggregate: {temp: {min: true}}
                    colour: red
                """))
                .containsExactly(
                        "config.yaml:5: reduction[0].deadband.temp: expected a deadband such as 0.5 (absolute) or 2%"
                                + " (of the last sent value), got 'lots'",
                        "config.yaml:6: reduction[0].deadband.bad path: not a field path: object keys separated by"
                                + " '.' (temp, values.rpm), no spaces",
                        "config.yaml:7: reduction[0].deadband.values..rpm: not a field path: object keys separated by"
                                + " '.' (temp, values.rpm), no spaces",
                        "config.yaml:8: reduction[0].deadband.rpm: a deadband must be a finite amount >= 0, got '-1'",
                        "config.yaml:11: reduction[1].aggregate.temp: unknown aggregate 'median' (expected min, max,"
                                + " avg, count or last)",
                        "config.yaml:13: reduction[2].topic: '#' must be the last level of a topic filter, in"
                                + " 'a/#/b'",
                        "config.yaml:14: reduction[2].minInterval: expected a duration such as 500ms, 10s, 5m, 12h or"
                                + " 7d, got 'soon'",
                        "config.yaml:15: reduction[2].maxStreams: expected 1-10000000, got '0'",
                        "config.yaml:18: reduction[3].aggregate.temp: expected min,max,avg,count,last, got a mapping",
                        "config.yaml:19: reduction[3].colour: unknown key (expected name, route, topic, device,"
                                + " deadband, minInterval, maxSilence, window, aggregate, maxStreams)");
    }

    @Test
    void rulesThatContradictThemselvesAreRefused() {
        assertThat(problems(KAFKA + """
                reduction:
                  - name: both
                    deadband: {temp: 1}
                    window: 10s
                    aggregate: {temp: avg}
                  - name: nothing
                    topic: "telemetry/#"
                  - name: lonely-aggregate
                    aggregate: {temp: avg}
                  - name: empty-window
                    window: 10s
                  - name: heartbeat-only
                    maxSilence: 1m
                  - name: short-heartbeat
                    deadband: {temp: 1}
                    minInterval: 1m
                    maxSilence: 30s
                  - deadband: {temp: 1}
                """))
                .containsExactly(
                        "config.yaml:5: reduction[0].window: a rule either aggregates over a window or filters"
                                + " (deadband, minInterval, maxSilence), not both: split it into two rules with"
                                + " different selectors",
                        "config.yaml:7: reduction[1]: does nothing: give a deadband, minInterval (with maxSilence if"
                                + " wanted) or a window",
                        "config.yaml:10: reduction[2].aggregate: aggregates need a `window`",
                        "config.yaml:12: reduction[3].window: a window needs `aggregate` (field: min,max …)",
                        "config.yaml:14: reduction[4].maxSilence: needs a deadband: without one every record is sent"
                                + " anyway",
                        "config.yaml:18: reduction[5].maxSilence: must be longer than minInterval (PT1M)",
                        "config.yaml:19: reduction[6].name: required");
    }

    @Test
    void aRouteThatDoesNotExistAndADuplicateNameAreErrors() {
        assertThat(problems(KAFKA + """
                routes:
                  - {name: lathes, from: "factory/#", to: fog.lathes}
                reduction:
                  - name: a
                    route: lathe
                    deadband: {temp: 1}
                  - name: a
                    route: telemetry
                    deadband: {temp: 1}
                """))
                .containsExactly("config.yaml:8: reduction[1].name: rule name 'a' is already used by reduction[0]");
        assertThat(problems(KAFKA + """
                routes:
                  - {name: lathes, from: "factory/#", to: fog.lathes}
                reduction:
                  - name: a
                    route: lathe
                    deadband: {temp: 1}
                """))
                .containsExactly("config.yaml:6: reduction[0].route: no route is named 'lathe' (routes: telemetry,"
                        + " event, command-response, lathes)");
    }
}
