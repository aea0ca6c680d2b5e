package io.fogbridge.gateway.config;

import static io.fogbridge.gateway.config.ConfigLoaderTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoutesConfigTest {

    private static final String KAFKA = "kafka: {bootstrapServers: k:9092}\n";

    @Test
    void unknownCaptureInTemplateNamesLineAndKey() {
        assertThat(problems(KAFKA + """
                routes:
                  - from: factory/+site/+device/temperature
                    to: fog.telemetry.{sit}
                    key: "{device}"
                """))
                .containsExactly("config.yaml:4: routes[0].to: unknown capture 'sit' in template"
                        + " 'fog.telemetry.{sit}'; the filter captures site, device");
    }

    @Test
    void everyRouteProblemIsReported() {
        assertThat(problems(KAFKA + """
                routes:
                  - {from: "a/#/b", to: fog.a}
                  - {from: "b/+x", to: "fog b"}
                  - {from: "c/+x", to: fog.c, key: "{y}"}
                  - {from: "d/+x", to: fog.d, lane: fast, qos: 2}
                  - {to: fog.e}
                  - {from: "f/+", to: fog.f, knd: x}
                """))
                .containsExactly(
                        "config.yaml:3: routes[0].from: '#' must be the last level of a topic filter, in 'a/#/b'",
                        "config.yaml:4: routes[1].to: character ' ' is not allowed in a Kafka topic name (use a-z A-Z"
                                + " 0-9 . _ -), in 'fog b'",
                        "config.yaml:5: routes[2].key: unknown capture 'y' in template '{y}'; the filter captures x",
                        "config.yaml:6: routes[3].qos: expected 0 (at-most-once) or 1 (at-least-once), got '2'",
                        "config.yaml:6: routes[3].lane: expected priority or bulk, got 'fast'",
                        "config.yaml:7: routes[4].from: required",
                        "config.yaml:8: routes[5].knd: unknown key, did you mean 'key'?");
    }

    @Test
    void shadowedAndDuplicateRoutesAreErrors() {
        assertThat(problems(KAFKA + """
                routes:
                  - {name: all, from: "factory/#", to: fog.all}
                  - {name: lathes, from: "factory/+site/lathe", to: "fog.lathe.{site}"}
                  - {name: all, from: "other/#", to: fog.other}
                  - {name: mine, from: "telemetry/+t/+d/x", to: fog.t}
                """))
                .containsExactly(
                        "config.yaml:4: routes[1].from: never matches: 'factory/#' (route all) comes first and takes"
                                + " every topic 'factory/+site/lathe' matches",
                        "config.yaml:5: routes[2].name: route name 'all' is already used by routes[0]",
                        "config.yaml:6: routes[3].from: never matches: 'telemetry/+tenant/+device/#' (built-in route"
                                + " telemetry) comes first and takes every topic 'telemetry/+t/+d/x' matches");
    }

    @Test
    void routesMustBeAList() {
        assertThat(problems(KAFKA + "routes: {from: a, to: b}\n"))
                .containsExactly("config.yaml:2: routes: expected a list (list of {name?, from, to, key?, qos?,"
                        + " lane?}), got a mapping");
    }
}
