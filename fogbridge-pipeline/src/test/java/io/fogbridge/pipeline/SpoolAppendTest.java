package io.fogbridge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.Envelope;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.api.pipeline.Destination;
import io.fogbridge.api.pipeline.UplinkRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SpoolAppendTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeSpool spool = new FakeSpool();
    private final SpoolAppend append = new SpoolAppend(spool, new PipelineMeters(registry, List.of()));

    /** The sender asked for QoS 1; the destination carries the guarantee routing fixed. */
    private static UplinkRecord record(QoS guarantee) {
        InboundMessage message = new InboundMessage(
                "sensors/p1/m1", new byte[] {1}, QoS.AT_LEAST_ONCE, DeviceRef.anonymous("c"), "text/plain", 42L);
        return UplinkRecord.of(message)
                .routedTo(new Destination("r", "fog.r", "m1", null, "m1", guarantee, Lane.PRIORITY, Map.of()))
                .withHeaders(Map.of("gateway_id", "edge-1"))
                .withPayload(new byte[] {2, 3});
    }

    private double ingested() {
        var counter =
                registry.find("fogbridge.pipeline.ingested").tag("route", "r").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void theEnvelopeIsWhatTheStagesMadeOfTheRecord() {
        append.append(record(QoS.AT_LEAST_ONCE));
        assertThat(spool.appended).singleElement().satisfies(envelope -> {
            assertThat(envelope)
                    .isEqualTo(new Envelope(
                            "fog.r",
                            "m1",
                            Map.of("gateway_id", "edge-1"),
                            envelope.payload(),
                            42L,
                            QoS.AT_LEAST_ONCE,
                            Lane.PRIORITY));
            assertThat(envelope.payload()).containsExactly(2, 3);
        });
    }

    @Test
    void atLeastOnceWaitsForTheSpool() {
        spool.hold();
        CompletableFuture<Outcome> outcome = append.append(record(QoS.AT_LEAST_ONCE));
        assertThat(outcome).isNotDone();
        assertThat(ingested()).isZero();
        spool.pending.getFirst().complete(8L);
        assertThat(outcome).isCompletedWithValue(new Outcome.Accepted(Lane.PRIORITY, 8));
        assertThat(ingested()).isEqualTo(1);
    }

    @Test
    void atMostOnceByTheDestinationAnswersAtOnceWhateverTheSenderAsked() {
        spool.hold();
        assertThat(append.append(record(QoS.AT_MOST_ONCE)))
                .isCompletedWithValue(new Outcome.Accepted(Lane.PRIORITY, -1));
        assertThat(spool.appended).hasSize(1);
        spool.pending.getFirst().complete(0L);
        assertThat(ingested()).isEqualTo(1);
    }
}
