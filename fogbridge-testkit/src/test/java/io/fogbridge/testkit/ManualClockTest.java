package io.fogbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ManualClockTest {

    @Test
    void standsStillUntilAdvancedAndThenMovesWallTimeAndTickerTogether() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(clock.nanoTime()).isZero();

        clock.advance(Duration.ofMillis(1500));

        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-02T03:04:06.500Z"));
        assertThat(clock.millis()).isEqualTo(clock.instant().toEpochMilli());
        assertThat(clock.nanoTime()).isEqualTo(1_500_000_000L);
    }

    @Test
    void aWallClockStepLeavesTheTickerAloneAndTheTickerNeverGoesBack() {
        ManualClock clock = new ManualClock();
        clock.advanceMillis(10);
        clock.setInstant(ManualClock.DEFAULT_START.minusSeconds(60));

        assertThat(clock.instant()).isEqualTo(ManualClock.DEFAULT_START.minusSeconds(60));
        assertThat(clock.nanoTime()).isEqualTo(10_000_000L);
        assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(clock.withZone(ZoneId.of("Europe/Berlin"))).isSameAs(clock);
    }
}
