package io.fogbridge.pipeline.reduction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeadbandTest {

    @Test
    void anAbsoluteBandKeepsItsEdgeInside() {
        Deadband band = Deadband.parse("0.5");
        assertThat(band.exceeded(20.0, 20.5)).isFalse();
        assertThat(band.exceeded(20.0, 19.5)).isFalse();
        assertThat(band.exceeded(20.0, 20.51)).isTrue();
        assertThat(band.exceeded(20.0, 19.49)).isTrue();
    }

    @Test
    void aPercentBandIsRelativeToTheValueLastSent() {
        Deadband band = Deadband.parse("2%");
        assertThat(band.percent()).isTrue();
        assertThat(band.exceeded(1000, 1020)).isFalse();
        assertThat(band.exceeded(1000, 1021)).isTrue();
        assertThat(band.exceeded(-1000, -1021)).isTrue(); // the band is a size: negative values work alike
        assertThat(band.exceeded(-1000, -980)).isFalse();
    }

    @Test
    void aPercentBandAroundZeroIsEmpty() {
        Deadband band = Deadband.parse("10%");
        assertThat(band.exceeded(0, 0)).isFalse();
        assertThat(band.exceeded(0, 0.000001)).isTrue();
        assertThat(band.exceeded(0, -0.000001)).isTrue();
    }

    @Test
    void nanIsAStateOfItsOwn() {
        Deadband band = Deadband.parse("1000");
        assertThat(band.exceeded(Double.NaN, Double.NaN)).isFalse();
        assertThat(band.exceeded(1, Double.NaN)).isTrue();
        assertThat(band.exceeded(Double.NaN, 1)).isTrue();
    }

    @Test
    void infinitiesCompareByIdentity() {
        Deadband band = Deadband.parse("5%");
        assertThat(band.exceeded(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY))
                .isFalse();
        assertThat(band.exceeded(Double.POSITIVE_INFINITY, 1e308)).isTrue();
        assertThat(band.exceeded(1e308, Double.POSITIVE_INFINITY)).isTrue();
    }

    @Test
    void aZeroBandSendsEveryChange() {
        Deadband band = Deadband.parse("0");
        assertThat(band.exceeded(1, 1)).isFalse();
        assertThat(band.exceeded(1, Math.nextUp(1.0))).isTrue();
    }

    @Test
    void badTextsAreRefusedWithAHint() {
        assertThatThrownBy(() -> Deadband.parse("abc")).hasMessageContaining("0.5 (absolute) or 2%");
        assertThatThrownBy(() -> Deadband.parse("-1")).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> Deadband.parse("NaN%")).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> Deadband.parse("Infinity")).hasMessageContaining("finite");
    }
}
