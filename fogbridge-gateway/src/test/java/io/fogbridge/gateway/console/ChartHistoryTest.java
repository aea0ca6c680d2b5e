package io.fogbridge.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ChartHistoryTest {

    @Test
    void ratesAreCounterDifferencesAndTheRingKeepsFifteenMinutes() {
        AtomicLong received = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        ChartHistory history = new ChartHistory(received::get, acked::get, () -> 7);
        history.sample(0); // baseline only
        received.set(100);
        acked.set(40);
        history.sample(2_000); // a missed tick: 100 over two seconds
        var columns = history.columns();
        assertThat(columns.time()).containsExactly(2);
        assertThat(columns.receivedPerSecond()).containsExactly(50.0);
        assertThat(columns.kafkaPerSecond()).containsExactly(20.0);
        assertThat(columns.backlog()).containsExactly(7.0);

        for (int s = 3; s < 3 + ChartHistory.SECONDS; s++) {
            history.sample(s * 1000L);
        }
        columns = history.columns();
        assertThat(columns.time()).hasSize(ChartHistory.SECONDS);
        assertThat(columns.time()[0]).isEqualTo(3);
        assertThat(columns.time()[ChartHistory.SECONDS - 1]).isEqualTo(2 + ChartHistory.SECONDS);
    }
}
