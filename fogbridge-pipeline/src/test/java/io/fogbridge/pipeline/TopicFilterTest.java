package io.fogbridge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicFilterTest {

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # filter              | topic              | matches
            a/b                   | a/b                | true
            a/b                   | a/b/c              | false
            a/b                   | a                  | false
            a/b                   | a/B                | false
            a/#                   | a                  | true
            a/#                   | a/                 | true
            a/#                   | a/b/c              | true
            a/#                   | ab                 | false
            a/#                   | b/a                | false
            "#"                   | a/b/c              | true
            "#"                   | /                  | true
            +                     | a                  | true
            +                     | ""                 | false
            +                     | a/b                | false
            +                     | /                  | false
            +/+                   | /                  | true
            a/+/c                 | a//c               | true
            a/+/c                 | a/b/c              | true
            a/+/c                 | a/c                | false
            a/+                   | a/                 | true
            a/+                   | a                  | false
            /a                    | /a                 | true
            /a                    | a                  | false
            a//b                  | a//b               | true
            a/+/#                 | a/b                | true
            a/+/#                 | a                  | false
            "#"                   | $SYS/broker/load   | false
            +/broker/load         | $SYS/broker/load   | false
            $SYS/#                | $SYS/broker/load   | true
            $SYS/+/load           | $SYS/broker/load   | true
            a/$x                  | a/$x               | true
            +/$x                  | a/$x               | true
            factory/+site/+device | factory/p1/lathe-1 | true
            """)
    void matchesLikeMqtt(String filter, String topic, boolean expected) {
        TopicFilter parsed = TopicFilter.parse(filter);
        assertThat(parsed.matches(topic)).isEqualTo(expected);
        assertThat(parsed.match(topic).isPresent()).isEqualTo(expected);
    }

    @Test
    void capturesNamedLevels() {
        TopicFilter filter = TopicFilter.parse("factory/+site/lathe/+device/#");
        assertThat(filter.match("factory/plant-1/lathe/m7/spindle/temp"))
                .contains(Map.of("site", "plant-1", "device", "m7"));
        assertThat(filter.match("factory/plant-1/lathe/m7")).contains(Map.of("site", "plant-1", "device", "m7"));
        assertThat(filter.match("factory/plant-1/mill/m7")).isEmpty();
        assertThat(filter.captureNames()).containsExactly("site", "device");
    }

    @Test
    void emptyLevelIsCapturedAsEmpty() {
        assertThat(TopicFilter.parse("a/+x/c").match("a//c")).contains(Map.of("x", ""));
    }

    @Test
    void anonymousWildcardCapturesNothing() {
        assertThat(TopicFilter.parse("a/+/+b").match("a/1/2")).contains(Map.of("b", "2"));
        assertThat(TopicFilter.parse("a/+").match("a/1")).contains(Map.of());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            factory/+site/lathe/+device/# | factory/+/lathe/+/#
            a/b                           | a/b
            +/+x/#                        | +/+/#
            """)
    void plainMqttFilterDropsCaptureNames(String filter, String plain) {
        assertThat(TopicFilter.parse(filter).mqttFilter()).isEqualTo(plain);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            a/#/b       | '#' must be the last level
            a/b#        | '#' must stand alone
            "#/a"       | '#' must be the last level
            a+b         | '+' must start a level
            a/b+        | '+' must start a level
            +x/+x       | used twice
            +1x         | bad capture name '1x'
            +a-b        | bad capture name 'a-b'
            ""          | must not be empty
            """)
    void rejectsMalformedFilters(String filter, String message) {
        assertThatThrownBy(() -> TopicFilter.parse(filter))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            "#"        | a/b        | true
            a/#        | a          | true
            a/#        | a/+/c      | true
            a/+        | a/b        | true
            a/+        | a/#        | false
            a/b        | a/+        | false
            a/+        | a/b/c      | false
            +/b        | a/+        | false
            "#"        | $SYS/#     | false
            a/b        | a/b        | true
            """)
    void coversIsSubsetOfMatchedTopics(String filter, String other, boolean expected) {
        assertThat(TopicFilter.parse(filter).covers(TopicFilter.parse(other))).isEqualTo(expected);
    }
}
