package io.fogbridge.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.Test;

class ReplayedValuesTest {

    private final ReplayedValues replayed = new ReplayedValues();

    @Test
    void afterALossWhatTheServerSendsAgainIsDroppedAndTheNextChangeFlows() {
        List<Long> delivered = new ArrayList<>();
        for (long v = 78; v <= 85; v++) {
            offer("counter", v, delivered);
        }
        replayed.lost();
        // the retransmission queue once more, then what changed during the cut
        for (long v = 78; v <= 90; v++) {
            offer("counter", v, delivered);
        }
        assertThat(delivered).containsExactly(78L, 79L, 80L, 81L, 82L, 83L, 84L, 85L, 86L, 87L, 88L, 89L, 90L);
    }

    @Test
    void aResponseProcessedTwiceIsDroppedEvenWhenTheLossCheckHasEnded() {
        // CI: the loss came after 73; the first responses after it were processed out of order, so Milo delivered
        // 74 … 81 (republished, ending the loss check with a newer value) and then the late responses again
        List<Long> delivered = new ArrayList<>();
        for (long v = 64; v <= 73; v++) {
            offer("counter", v, delivered);
        }
        replayed.lost();
        for (long v = 74; v <= 81; v++) {
            offer("counter", v, delivered);
        }
        for (long v = 74; v <= 89; v++) {
            offer("counter", v, delivered);
        }
        assertThat(delivered).hasSize(26).isSorted().doesNotHaveDuplicates();
        assertThat(delivered.getLast()).isEqualTo(89L);
    }

    @Test
    void withoutAnyLossALateDuplicateResponseIsDropped() {
        List<Long> delivered = new ArrayList<>();
        for (long v = 1; v <= 12; v++) {
            offer("counter", v, delivered);
        }
        offer("counter", 10, delivered); // the late original of a republished response
        offer("counter", 11, delivered);
        offer("counter", 13, delivered);
        assertThat(delivered).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L);
    }

    @Test
    void twoChangesWithOneStampAreBothDelivered() {
        // a server stamping in milliseconds gives two quick changes the same server timestamp
        DateTime at = new DateTime(5_000_000L);
        assertThat(replayed.fresh("x", new DataValue(new Variant(1), StatusCode.GOOD, null, at)))
                .isTrue();
        assertThat(replayed.fresh("x", new DataValue(new Variant(2), StatusCode.GOOD, null, at)))
                .isTrue();
        assertThat(replayed.fresh("x", new DataValue(new Variant(2), StatusCode.GOOD, null, at)))
                .as("the same sample once more")
                .isFalse();
    }

    @Test
    void afterALossMoreThanTheRememberedSamplesAreStillDropped() {
        List<Long> delivered = new ArrayList<>();
        int many = ReplayedValues.RECENT * 3;
        for (long v = 1; v <= many; v++) {
            offer("counter", v, delivered);
        }
        replayed.lost();
        for (long v = 1; v <= many + 5; v++) {
            offer("counter", v, delivered);
        }
        assertThat(delivered).hasSize(many + 5).doesNotHaveDuplicates();
    }

    @Test
    void withoutALossAServerClockSteppingBackCostsNoValue() {
        List<Long> delivered = new ArrayList<>();
        offer("counter", 10, delivered);
        offer("counter", 5, delivered);
        replayed.lost();
        offer("counter", 5, delivered); // the last sample before the loss, sent again
        offer("counter", 6, delivered); // newer than the last delivered (5)
        assertThat(delivered).containsExactly(10L, 5L, 6L);
    }

    @Test
    void eachItemIsCheckedOnItsOwnAndANewSubscriptionStartsAfresh() {
        List<Long> delivered = new ArrayList<>();
        offer("a", 1, delivered);
        offer("b", 100, delivered);
        replayed.lost();
        offer("a", 1, delivered); // replayed
        offer("b", 101, delivered); // new
        offer("c", 7, delivered); // unknown before the loss
        replayed.reset();
        offer("a", 1, delivered); // a new subscription's initial value
        assertThat(delivered).containsExactly(1L, 100L, 101L, 7L, 1L);
    }

    @Test
    void valuesWithoutTimestampsAreAlwaysDelivered() {
        DataValue bare = new DataValue(new Variant(1), StatusCode.GOOD, null, null);
        assertThat(replayed.fresh("x", bare)).isTrue();
        replayed.lost();
        assertThat(replayed.fresh("x", bare)).isTrue();
    }

    /** A value stamped by the server at tick {@code v}, so equal values are the same sample. */
    private void offer(String item, long v, List<Long> delivered) {
        DataValue value = new DataValue(new Variant(v), StatusCode.GOOD, null, new DateTime(1_000_000L + v));
        if (replayed.fresh(item, value)) {
            delivered.add(v);
        }
    }
}
