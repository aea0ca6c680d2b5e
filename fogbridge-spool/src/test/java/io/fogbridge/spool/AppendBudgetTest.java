package io.fogbridge.spool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AppendBudgetTest {

    @Test
    void aSmallHeapGetsAnEighthOfItsBytes() {
        AppendBudget small = AppendBudget.forHeap(32L << 20); // 4 MiB; QoS 0 gets half of it
        assertThat(small.take(2 << 20, true)).isTrue();
        assertThat(small.take(1, true)).isFalse();
        assertThat(small.take(2 << 20, false)).isTrue();
        assertThat(small.take(1, false)).isFalse();
    }

    @Test
    void aLargeHeapKeepsTheDefault() {
        AppendBudget large = AppendBudget.forHeap(4L << 30);
        assertThat(large.take((int) (AppendBudget.DEFAULT_BYTES / 2), true)).isTrue();
        assertThat(large.take(1, true)).isFalse();
    }
}
