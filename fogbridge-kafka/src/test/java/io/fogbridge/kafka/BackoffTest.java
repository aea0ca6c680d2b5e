package io.fogbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void growsExponentiallyWithJitterUpToTheCapAndResets() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        assertThat(b.nextDelayMillis()).isBetween(50L, 100L);
        assertThat(b.nextDelayMillis()).isBetween(100L, 200L);
        assertThat(b.nextDelayMillis()).isBetween(200L, 400L);
        assertThat(b.nextDelayMillis()).isBetween(400L, 800L);
        for (int i = 0; i < 100; i++) {
            assertThat(b.nextDelayMillis()).isBetween(500L, 1000L);
        }
        b.reset();
        assertThat(b.nextDelayMillis()).isBetween(50L, 100L);
    }
}
