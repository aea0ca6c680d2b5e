package io.fogbridge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.api.pipeline.UplinkStage;
import io.fogbridge.api.pipeline.Verdict;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Stages the wiring inserts between enrichment and the append: what they see, and what each verdict answers. */
class PipelineStagesTest {

    private static final DeviceRef DEVICE = new DeviceRef("acme", "pump-3", "c-1");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeSpool spool = new FakeSpool();

    private Pipeline pipeline(UplinkStage... extra) {
        return new Pipeline(
                new RouteTable(List.of()),
                new Enricher("edge-1", Map.of("site", "plant-1")),
                spool,
                100,
                registry,
                List.of(extra));
    }

    private static InboundMessage message(String topic, byte[] payload, QoS qos) {
        return new InboundMessage(topic, payload, qos, DEVICE, null, 42L);
    }

    private double counter(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void anInsertedStageSeesTheEnrichedRecordBeforeTheAppend() {
        List<UplinkRecord> seen = new ArrayList<>();
        List<Integer> appendedBefore = new ArrayList<>();
        pipeline(record -> {
                    seen.add(record);
                    appendedBefore.add(spool.appended.size());
                    return record;
                })
                .accept(message("telemetry/acme/pump-3", new byte[] {1}, QoS.AT_LEAST_ONCE));

        assertThat(appendedBefore).containsExactly(0);
        assertThat(spool.appended).hasSize(1);
        UplinkRecord record = seen.getFirst();
        assertThat(record.destination().route()).isEqualTo("telemetry");
        assertThat(record.destination().device()).isEqualTo("pump-3");
        assertThat(record.message().arrivalTime()).isEqualTo(42L);
        assertThat(record.headers()).containsEntry("gateway_id", "edge-1").containsEntry("site", "plant-1");
        assertThat(spool.appended.getFirst().headers()).isEqualTo(record.headers());
    }

    @Test
    void insertedStagesRunInTheGivenOrder() {
        List<String> order = new ArrayList<>();
        pipeline(
                        record -> {
                            order.add("first");
                            return record;
                        },
                        record -> {
                            order.add("second");
                            return record;
                        })
                .accept(message("telemetry/acme/pump-3", new byte[] {1}, QoS.AT_LEAST_ONCE));
        assertThat(order).containsExactly("first", "second");
    }

    @Test
    void aTransformedRecordIsWhatTheSpoolGetsAndQos1StillWaitsForIt() {
        spool.hold();
        CompletableFuture<Outcome> outcome = pipeline(record -> record.withPayload(new byte[] {9, 9}))
                .accept(message("telemetry/acme/pump-3", new byte[] {1}, QoS.AT_LEAST_ONCE));

        assertThat(spool.appended.getFirst().payload()).containsExactly(9, 9);
        assertThat(outcome).isNotDone();
        spool.pending.getFirst().complete(5L);
        assertThat(outcome).isCompletedWithValue(new Outcome.Accepted(Lane.BULK, 5));
        assertThat(counter("fogbridge.pipeline.ingested", "route", "telemetry")).isEqualTo(1);
    }

    @Test
    void aSuppressedQos1MessageIsAcceptedAtOnceNotAppendedAndCounted() {
        spool.hold();
        CompletableFuture<Outcome> outcome = pipeline(record -> Verdict.suppress("deadband"))
                .accept(message("event/acme/pump-3", new byte[] {1}, QoS.AT_LEAST_ONCE));

        assertThat(outcome).isCompletedWithValue(new Outcome.Accepted(Lane.PRIORITY, -1));
        assertThat(spool.appended).isEmpty();
        assertThat(counter("fogbridge.pipeline.suppressed", "reason", "deadband"))
                .isEqualTo(1);
        assertThat(counter("fogbridge.pipeline.ingested", "route", "event")).isZero();
    }

    /** The shape of a later deadband stage: state per device and topic, kept concurrently, deciding by value. */
    @Test
    void aReductionStageForwardsOnlyChanges() {
        Map<String, byte[]> last = new ConcurrentHashMap<>();
        UplinkStage repeats = record -> {
            byte[] previous = last.put(
                    record.destination().device() + "|" + record.message().topic(), record.payload());
            return previous != null && Arrays.equals(previous, record.payload()) ? Verdict.suppress("repeat") : record;
        };
        Pipeline pipeline = pipeline(repeats);
        List<Outcome> outcomes = new ArrayList<>();
        for (int value : new int[] {1, 1, 2, 2, 1}) {
            outcomes.add(pipeline.accept(message("telemetry/acme/pump-3", new byte[] {(byte) value}, QoS.AT_LEAST_ONCE))
                    .join());
        }

        assertThat(spool.appended).extracting(e -> e.payload()[0]).containsExactly((byte) 1, (byte) 2, (byte) 1);
        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Accepted.class));
        assertThat(outcomes.get(1)).isEqualTo(new Outcome.Accepted(Lane.BULK, -1));
        assertThat(counter("fogbridge.pipeline.suppressed", "reason", "repeat")).isEqualTo(2);
    }

    @Test
    void anInsertedStageMayRefuseWithItsOwnStatusAndReason() {
        Outcome outcome = pipeline(record -> Verdict.refuse("not-json", 400, "payload is not JSON"))
                .accept(message("telemetry/acme/pump-3", new byte[] {1}, QoS.AT_LEAST_ONCE))
                .join();
        assertThat(outcome).isEqualTo(new Outcome.Rejected(400, "payload is not JSON", false));
        assertThat(spool.appended).isEmpty();
        assertThat(counter("fogbridge.pipeline.rejected", "reason", "not-json")).isEqualTo(1);
    }

    @Test
    void anInsertedStageMayKeepAMessageLocal() {
        assertThat(pipeline(record -> Verdict.STAY)
                        .accept(message("telemetry/acme/pump-3", new byte[] {1}, QoS.AT_LEAST_ONCE)))
                .isCompletedWithValue(Outcome.LOCAL);
        assertThat(spool.appended).isEmpty();
        assertThat(counter("fogbridge.pipeline.unrouted")).isEqualTo(1);
    }

    @Test
    void aFailingStageRefusesOnlyTheMessageItFailedOn() {
        Pipeline pipeline = pipeline(record -> {
            if (record.payload()[0] == 0) {
                throw new IllegalArgumentException("cannot read 0");
            }
            return record;
        });
        Outcome failed = pipeline.accept(message("telemetry/acme/pump-3", new byte[] {0}, QoS.AT_LEAST_ONCE))
                .join();
        assertThat(failed).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.retriable()).isFalse();
            assertThat(r.reason()).contains("cannot read 0");
        });
        assertThat(counter("fogbridge.pipeline.rejected", "reason", "stage-error"))
                .isEqualTo(1);

        assertThat(pipeline.accept(message("telemetry/acme/pump-3", new byte[] {1}, QoS.AT_LEAST_ONCE))
                        .join())
                .isInstanceOf(Outcome.Accepted.class);
        assertThat(spool.appended).hasSize(1);
    }

    @Test
    void aStageWithoutAVerdictIsABug() {
        assertThat(pipeline(record -> null)
                        .accept(message("telemetry/acme/pump-3", new byte[] {1}, QoS.AT_LEAST_ONCE))
                        .join())
                .isInstanceOfSatisfying(
                        Outcome.Rejected.class, r -> assertThat(r.status()).isEqualTo(500));
        assertThat(spool.appended).isEmpty();
    }

    @Test
    void insertedStagesNeverSeeWhatEndedEarlier() {
        List<UplinkRecord> seen = new ArrayList<>();
        Pipeline pipeline = pipeline(record -> {
            seen.add(record);
            return record;
        });
        pipeline.accept(message("nobody/listens", new byte[] {1}, QoS.AT_LEAST_ONCE));
        pipeline.accept(message("telemetry/acme/pump-3", new byte[101], QoS.AT_LEAST_ONCE));
        pipeline.accept(message("command/acme/pump-3/res/r1/bad", new byte[] {1}, QoS.AT_LEAST_ONCE));
        assertThat(seen).isEmpty();
    }
}
