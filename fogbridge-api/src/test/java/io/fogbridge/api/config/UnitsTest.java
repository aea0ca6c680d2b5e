package io.fogbridge.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

    @ParameterizedTest
    @CsvSource(textBlock = """
            1000,        1000
            0,           0
            12B,         12
            1KiB,        1024
            256KiB,      262144
            64MiB,       67108864
            1GiB,        1073741824
            1gib,        1073741824
            2TiB,        2199023255552
            1KB,         1000
            5MB,         5000000
            1 GiB,       1073741824
            """)
    void sizes(String text, long bytes) {
        assertThat(Units.parseSize(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "GiB", "1.5GiB", "-1", "1 GB B", "10 parsecs", "99999999999TiB", "１２"})
    void badSizes(String text) {
        assertThatThrownBy(() -> Units.parseSize(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            500ms, PT0.5S
            10s,   PT10S
            5m,    PT5M
            12h,   PT12H
            7d,    PT168H
            0,     PT0S
            0s,    PT0S
            """)
    void durations(String text, Duration duration) {
        assertThat(Units.parseDuration(text)).isEqualTo(duration);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "1w", "s", "1.5h", "-5s", "PT5S"})
    void badDurations(String text) {
        assertThatThrownBy(() -> Units.parseDuration(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            1073741824, 1GiB
            262144,     256KiB
            1000,       1000
            3072,       3KiB
            1536,       1536
            """)
    void formatsSizes(long bytes, String text) {
        assertThat(Units.formatSize(bytes)).isEqualTo(text);
        assertThat(Units.parseSize(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            PT168H,  7d
            PT10S,   10s
            PT0.5S,  500ms
            PT0S,    0
            PT90M,   90m
            """)
    void formatsDurations(Duration duration, String text) {
        assertThat(Units.formatDuration(duration)).isEqualTo(text);
        assertThat(Units.parseDuration(text)).isEqualTo(duration);
    }
}
