package io.fogbridge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.api.pipeline.UplinkStage;
import io.fogbridge.pipeline.reduction.Deadband;
import io.fogbridge.pipeline.reduction.Reduction;
import io.fogbridge.pipeline.reduction.ReductionRule;
import io.fogbridge.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The reduction stage in a pipeline: what each sender is answered, and when. */
class ReductionPipelineTest {

    private static final DeviceRef DEVICE = new DeviceRef("acme", "pump-3", "c-1");
    private static final long T0 = ManualClock.DEFAULT_START.toEpochMilli();

    private final ManualClock clock = new ManualClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeSpool spool = new FakeSpool();

    private static ReductionRule rule(Duration minInterval) {
        return new ReductionRule(
                "pumps",
                "telemetry",
                null,
                null,
                Map.of("temp", Deadband.parse("0.5")),
                minInterval,
                null,
                null,
                Map.of(),
                100);
    }

    private Pipeline pipeline(Reduction reduction, UplinkStage... after) {
        List<UplinkStage> extra = new ArrayList<>();
        extra.add(reduction);
        extra.addAll(List.of(after));
        Pipeline pipeline =
                new Pipeline(new RouteTable(List.of()), new Enricher("edge-1", Map.of()), spool, 1000, registry, extra);
        reduction.start(record -> pipeline.release(reduction, record), false);
        return pipeline;
    }

    private static InboundMessage message(String json, long arrival) {
        return new InboundMessage(
                "telemetry/acme/pump-3",
                json.getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE,
                DEVICE,
                null,
                arrival);
    }

    @Test
    void theSuppressedWatcherHearsEachSuppressedMessageAndNoKeptOne() {
        Pipeline pipeline = pipeline(new Reduction(List.of(rule(null)), clock, registry));
        List<InboundMessage> heard = new ArrayList<>();
        pipeline.watchSuppressed(heard::add);

        pipeline.accept(message("{\"temp\":20}", T0));
        InboundMessage inside = message("{\"temp\":20.2}", T0 + 1);
        pipeline.accept(inside);
        pipeline.accept(message("{\"temp\":21}", T0 + 2));

        assertThat(heard).containsExactly(inside);
    }

    @Test
    void aKeptQos1RecordWaitsForTheSpoolAndASuppressedOneIsAnsweredAtOnceAndCounted() {
        spool.hold();
        Pipeline pipeline = pipeline(new Reduction(List.of(rule(null)), clock, registry));

        CompletableFuture<Outcome> kept = pipeline.accept(message("{\"temp\":20}", T0));
        CompletableFuture<Outcome> suppressed = pipeline.accept(message("{\"temp\":20.2}", T0 + 1));

        assertThat(kept).isNotDone();
        assertThat(suppressed).isCompletedWithValue(new Outcome.Accepted(Lane.BULK, -1));
        assertThat(spool.appended).hasSize(1);
        spool.pending.getFirst().complete(7L);
        assertThat(kept).isCompletedWithValue(new Outcome.Accepted(Lane.BULK, 7));
        assertThat(registry.get("fogbridge.reduction.suppressed")
                        .tags("rule", "pumps", "reason", "deadband")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("fogbridge.pipeline.suppressed")
                        .tags("reason", "deadband")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aReleasedRecordRunsThroughTheLaterStagesIntoTheSpool() {
        List<String> seenAfter = new ArrayList<>();
        Reduction reduction = new Reduction(List.of(rule(Duration.ofSeconds(5))), clock, registry);
        Pipeline pipeline = pipeline(reduction, record -> {
            seenAfter.add(new String(record.payload(), StandardCharsets.UTF_8));
            return record;
        });
        pipeline.accept(message("{\"temp\":20}", T0));
        assertThat(pipeline.accept(message("{\"temp\":30}", T0 + 1000)))
                .isCompletedWithValue(new Outcome.Accepted(Lane.BULK, -1));

        clock.advanceMillis(5000);
        reduction.sweep();

        assertThat(seenAfter).containsExactly("{\"temp\":20}", "{\"temp\":30}");
        assertThat(spool.appended)
                .extracting(e -> new String(e.payload(), StandardCharsets.UTF_8))
                .containsExactly("{\"temp\":20}", "{\"temp\":30}");
        assertThat(spool.appended.get(1).headers()).containsEntry("device_id", "pump-3");
        assertThat(registry.get("fogbridge.pipeline.ingested")
                        .tags("route", "telemetry")
                        .counter()
                        .count())
                .isEqualTo(2);
    }

    @Test
    void onlyAStageOfThePipelineMayRelease() {
        Pipeline pipeline = pipeline(new Reduction(List.of(rule(null)), clock, registry));
        UplinkRecord record = UplinkRecord.of(message("{}", T0));
        assertThatThrownBy(() -> pipeline.release(r -> r, record)).isInstanceOf(IllegalArgumentException.class);
    }
}
