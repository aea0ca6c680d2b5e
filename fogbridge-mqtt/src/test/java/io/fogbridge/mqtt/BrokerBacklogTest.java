package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BrokerBacklogTest {

    @Test
    void overTheCountOrTheEstimatedBytesIsOverTheBound() {
        AtomicLong queued = new AtomicLong();
        BrokerBacklog backlog = new BrokerBacklog(100, 40_000);
        backlog.attach(queued::get);

        queued.set(9);
        assertThat(backlog.overBound(4096)).isFalse();
        queued.set(10); // 10 x 4096 B > 40,000 B
        assertThat(backlog.overBound(4096)).isTrue();
        assertThat(backlog.overBound(10)).isFalse();
        queued.set(101);
        assertThat(backlog.overBound(0)).isTrue();
    }

    @Test
    void drainedOnlyBelowHalfTheBound() {
        AtomicLong queued = new AtomicLong(60);
        BrokerBacklog backlog = new BrokerBacklog(100, 1_000_000);
        backlog.attach(queued::get);
        assertThat(backlog.drained(10)).isFalse();
        queued.set(50);
        assertThat(backlog.drained(10)).isTrue();
    }

    @Test
    void withoutTheBrokersCounterNothingIsOverTheBound() {
        BrokerBacklog backlog = BrokerBacklog.forHeap(128L << 20);
        assertThat(backlog.queued()).isZero();
        assertThat(backlog.overBound(1 << 20)).isFalse();
    }
}
