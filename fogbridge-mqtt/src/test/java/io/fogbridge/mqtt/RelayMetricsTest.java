package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RelayMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RelayMetrics metrics = new RelayMetrics(registry);

    @Test
    void theHeldGaugeFollowsTakenAndReleasedAcknowledgementsAndTheHoldTimeIsRecorded() {
        metrics.held(1);
        metrics.held(1);
        metrics.held(1);
        assertThat(registry.get("fogbridge.mqtt.relay.acks.held").gauge().value())
                .isEqualTo(3);

        metrics.released(TimeUnit.MILLISECONDS.toNanos(7));
        metrics.held(-2); // the connection closed with two still held
        assertThat(registry.get("fogbridge.mqtt.relay.acks.held").gauge().value())
                .isZero();
        var hold = registry.get("fogbridge.mqtt.relay.ack.hold").timer();
        assertThat(hold.count()).isEqualTo(1);
        assertThat(hold.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7);
    }

    @Test
    void failuresAreCountedByReasonCodeAndByReason() {
        metrics.ackFailed(0x83);
        metrics.ackFailed(0x83);
        metrics.ackFailed(0x97);
        metrics.connectionFailed(RelayMetrics.TOO_LARGE);
        metrics.connectionRelayed();

        assertThat(registry.counter("fogbridge.mqtt.relay.acks.failed", "code", "0x83")
                        .count())
                .isEqualTo(2);
        assertThat(registry.counter("fogbridge.mqtt.relay.acks.failed", "code", "0x97")
                        .count())
                .isEqualTo(1);
        assertThat(registry.counter("fogbridge.mqtt.relay.connections.failed", "reason", "too-large")
                        .count())
                .isEqualTo(1);
        assertThat(registry.counter("fogbridge.mqtt.relay.connections").count()).isEqualTo(1);
    }

    @Test
    void withoutARegistryEveryCallIsANoOp() {
        RelayMetrics none = new RelayMetrics(null);
        none.connectionRelayed();
        none.connectionFailed(RelayMetrics.NO_ADDRESS);
        none.held(1);
        none.released(1_000);
        none.ackFailed(0x80);
        assertThat(none.heldNow()).isZero();
    }
}
