package io.fogbridge.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitWindowTest {

    private static final long MAX = TimeUnit.MILLISECONDS.toNanos(2);

    /** Feeds turns of {@code perTurn} appends every {@code gapNanos}, from t = 0. */
    private static GroupCommitWindow atRate(int perTurn, long gapNanos, int turns) {
        GroupCommitWindow w = new GroupCommitWindow(MAX);
        for (int i = 0; i <= turns; i++) {
            w.arrived(perTurn, i * gapNanos);
        }
        return w;
    }

    @Test
    void noRateYetMeansNoHold() {
        assertThat(new GroupCommitWindow(MAX).holdNanos(1)).isZero();
    }

    @Test
    void aModerateLoadHoldsUpToTheBudget() {
        // 1,000 appends/s, one per turn: one append alone would pay its own fsync
        GroupCommitWindow w = atRate(1, TimeUnit.MILLISECONDS.toNanos(1), 20);
        assertThat(w.perSecond()).isCloseTo(1000, org.assertj.core.data.Offset.offset(1.0));
        assertThat(w.holdNanos(1)).isEqualTo(MAX);
    }

    @Test
    void theHoldAimsAtTheTargetBatchWhenThatIsSooner() {
        // 100,000 appends/s: 15 more arrive in 150 µs
        GroupCommitWindow w = atRate(10, TimeUnit.MICROSECONDS.toNanos(100), 20);
        assertThat(w.holdNanos(1)).isBetween(TimeUnit.MICROSECONDS.toNanos(140), TimeUnit.MICROSECONDS.toNanos(160));
    }

    @Test
    void aTrickleIsNotHeld() {
        // 100 appends/s: not even one more expected within 2 ms
        assertThat(atRate(1, TimeUnit.MILLISECONDS.toNanos(10), 20).holdNanos(1))
                .isZero();
    }

    @Test
    void aFullBatchIsNotHeld() {
        GroupCommitWindow w = atRate(1, TimeUnit.MILLISECONDS.toNanos(1), 20);
        assertThat(w.holdNanos(GroupCommitWindow.TARGET_BATCH)).isZero();
    }

    @Test
    void anIdleGapStartsTheRateOver() {
        GroupCommitWindow w = atRate(1, TimeUnit.MILLISECONDS.toNanos(1), 20);
        w.arrived(1, TimeUnit.SECONDS.toNanos(5));
        assertThat(w.perSecond()).isZero();
        assertThat(w.holdNanos(1)).isZero();
    }

    @Test
    void zeroBudgetTurnsItOff() {
        GroupCommitWindow w = new GroupCommitWindow(0);
        for (int i = 0; i < 20; i++) {
            w.arrived(1, i * 1_000_000L);
        }
        assertThat(w.holdNanos(1)).isZero();
    }

    @Test
    void aTickerThatStandsStillGivesNoRate() {
        GroupCommitWindow w = new GroupCommitWindow(MAX);
        for (int i = 0; i < 20; i++) {
            w.arrived(5, 42);
        }
        assertThat(w.holdNanos(1)).isZero();
    }

    @Test
    void aFruitlessHoldShutsTheWindowForLongerAndLongerUntilOneGathers() {
        GroupCommitWindow w = atRate(1, TimeUnit.MILLISECONDS.toNanos(1), 20);
        w.held(0); // a closed loop: nobody else was coming
        assertThat(w.holdNanos(1)).isZero();
        assertThat(w.holdNanos(1)).isEqualTo(MAX); // shut for one turn, then tried again
        w.held(0);
        assertThat(w.holdNanos(1)).isZero();
        assertThat(w.holdNanos(1)).isZero();
        assertThat(w.holdNanos(1)).isEqualTo(MAX);
        for (int i = 0; i < 10; i++) {
            w.held(0);
        }
        int shut = 0;
        while (w.holdNanos(1) == 0) {
            shut++;
        }
        assertThat(shut).isEqualTo(GroupCommitWindow.MAX_SHUT_TURNS);
        w.held(3); // company came: open for good
        assertThat(w.holdNanos(1)).isEqualTo(MAX);
        assertThat(w.holdNanos(1)).isEqualTo(MAX);
    }

    @Test
    void theFirstParkIsTwoArrivalGapsThenTheRestOfTheHoldInOne() {
        // 5,000 appends/s: a gap is 200 µs
        GroupCommitWindow w = atRate(1, TimeUnit.MICROSECONDS.toNanos(200), 20);
        assertThat(w.probeNanos()).isBetween(TimeUnit.MICROSECONDS.toNanos(395), TimeUnit.MICROSECONDS.toNanos(405));
        // the probe brought 3, 4 in hand: the 12 still wanted are expected within 2.4 ms, waited for in one park
        assertThat(w.nextParkNanos(3, 4))
                .isBetween(TimeUnit.MICROSECONDS.toNanos(2_380), TimeUnit.MICROSECONDS.toNanos(2_420));
    }

    @Test
    void aParkThatBroughtNoAppendOrFilledTheBatchEndsTheHold() {
        GroupCommitWindow w = atRate(1, TimeUnit.MICROSECONDS.toNanos(200), 20);
        assertThat(w.nextParkNanos(0, 4)).isZero(); // only wake-ups (commits, sync ticks) came, or nothing
        assertThat(w.nextParkNanos(12, GroupCommitWindow.TARGET_BATCH)).isZero();
        assertThat(w.nextParkNanos(1, 5)).isPositive();
    }

    @Test
    void parksNeverShrinkBelowTheShortestWorthATurn() {
        GroupCommitWindow fast = atRate(100, TimeUnit.MICROSECONDS.toNanos(10), 20); // 10 M appends/s
        assertThat(fast.probeNanos()).isEqualTo(GroupCommitWindow.MIN_PARK_NANOS);
        assertThat(fast.nextParkNanos(1, GroupCommitWindow.TARGET_BATCH - 1))
                .isEqualTo(GroupCommitWindow.MIN_PARK_NANOS);
    }
}
