package io.fogbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SteppingClockTest {

    @Test
    void followsTheSystemClockUntilStepped() {
        SteppingClock clock = new SteppingClock();
        long before = System.currentTimeMillis();
        long read = clock.millis();
        assertThat(read).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void stepsForwardsAndBackwardsAndKeepsRunning() throws Exception {
        SteppingClock clock = new SteppingClock();
        clock.step(Duration.ofHours(1));
        assertThat(clock.millis() - System.currentTimeMillis()).isBetween(3_599_000L, 3_600_000L);
        clock.step(Duration.ofHours(-3));
        assertThat(clock.offset()).isEqualTo(Duration.ofHours(-2));
        long a = clock.millis();
        Thread.sleep(20);
        assertThat(clock.millis()).isGreaterThan(a);
        assertThat(clock.instant().toEpochMilli()).isLessThan(System.currentTimeMillis() - 7_000_000L);
    }
}
