package io.fogbridge.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SharedStringsTest {

    @Test
    void equalStringsComeBackAsTheFirstInstance() {
        SharedStrings strings = new SharedStrings(16);
        String first = new String("plant-1");
        String second = new String("plant-1");

        assertThat(strings.share(first)).isSameAs(first);
        assertThat(strings.share(second)).isSameAs(first).isNotSameAs(second);
        assertThat(strings.share(null)).isNull();
    }

    @Test
    void aCollidingStringTakesTheSlotAndNothingGrows() {
        // One slot: every string collides, so the table holds only the last one it was given.
        SharedStrings strings = new SharedStrings(1);
        String a = new String("acme");
        String b = new String("gw-1");

        strings.share(a);
        assertThat(strings.share(b)).isSameAs(b);
        String a2 = new String("acme");
        assertThat(strings.share(a2)).as("acme was evicted by gw-1").isSameAs(a2);
        assertThat(strings.share(new String("acme"))).isSameAs(a2);
    }

    @Test
    void sizeMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new SharedStrings(12)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SharedStrings(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
