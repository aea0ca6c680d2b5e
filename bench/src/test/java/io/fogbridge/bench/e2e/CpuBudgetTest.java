package io.fogbridge.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CpuBudgetTest {

    @Test
    void cpuPercentAtARateIsMicrosecondsPerMessage() {
        // 30 % of a core is 300,000 µs of CPU a second; spread over 20,000 messages that is 15 µs each.
        assertThat(CpuBudget.microsPerMessage(30, 20_000)).isCloseTo(15.0, within(1e-9));
        assertThat(CpuBudget.microsPerMessage(150, 50_000)).isCloseTo(30.0, within(1e-9));
    }

    @Test
    void noMessagesMeansNoCostCanBeTold() {
        assertThat(CpuBudget.microsPerMessage(30, 0)).isNaN();
        assertThat(CpuBudget.microsPerMessage(Double.NaN, 1_000)).isNaN();
    }

    @Test
    void coresDividedByTheSumOfCostsIsTheRateBound() {
        // 2 cores = 2e6 µs/s; 15 + 20 + 5 = 40 µs per message: 50,000 msg/s.
        assertThat(CpuBudget.rateBound(2, 15, 20, 5)).isCloseTo(50_000.0, within(1e-6));
        assertThat(CpuBudget.rateBound(4, 40)).isCloseTo(100_000.0, within(1e-6));
    }

    @Test
    void anUnknownOrNothingCostingMeansNoBound() {
        assertThat(CpuBudget.rateBound(2, 15, Double.NaN)).isNull();
        assertThat(CpuBudget.rateBound(2, 0, 0)).isNull();
        assertThat(CpuBudget.rateBound(2)).isNull();
        assertThatThrownBy(() -> CpuBudget.rateBound(0, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ratioNeedsBothFiguresAndAPositiveWhole() {
        assertThat(CpuBudget.ratio(20_000.0, 400_000.0)).isCloseTo(0.05, within(1e-12));
        assertThat(CpuBudget.ratio(20_000.0, null)).isNull();
        assertThat(CpuBudget.ratio(null, 400_000.0)).isNull();
        assertThat(CpuBudget.ratio(20_000.0, 0.0)).isNull();
    }
}
