package io.fogbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LaneWindowTest {

    @Test
    void commitPointMovesOnlyOverAContiguousAcknowledgedPrefix() {
        LaneWindow w = new LaneWindow();
        assertThat(w.commitPoint()).isEqualTo(-1);
        w.sent(10, 1000);
        w.sent(11, 1001);
        w.sent(12, 1002);
        assertThat(w.commitPoint()).isEqualTo(9);

        w.acked(12);
        w.acked(11);
        assertThat(w.commitPoint()).as("10 is still unacknowledged").isEqualTo(9);
        assertThat(w.oldestCreation()).isEqualTo(1000);

        w.acked(10);
        assertThat(w.commitPoint()).isEqualTo(12);
        assertThat(w.size()).isZero();
        assertThat(w.oldestCreation()).isEqualTo(-1);
    }

    @Test
    void repeatedAcknowledgementIsIgnored() {
        LaneWindow w = new LaneWindow();
        w.sent(0, 1);
        assertThat(w.acked(0)).isTrue();
        assertThat(w.acked(0)).isFalse();
    }

    @Test
    void resetForgetsSentRecordsButKeepsTheOldestCreationTimeForTheLagUntilResent() {
        LaneWindow w = new LaneWindow();
        w.sent(5, 500);
        w.sent(6, 600);
        w.reset();
        assertThat(w.size()).isZero();
        assertThat(w.commitPoint()).isEqualTo(-1);
        assertThat(w.oldestCreation()).isEqualTo(500);
        w.sent(5, 500);
        w.acked(5);
        assertThat(w.oldestCreation()).isEqualTo(-1);
    }
}
