package io.fogbridge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.Envelope;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.api.SpoolException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PipelineTest {

    private static final DeviceRef DEVICE = new DeviceRef("acme", "pump-3", "c-1");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeSpool spool = new FakeSpool();
    private final RouteTable routes = new RouteTable(List.of(
            Route.of("fast", "sensors/+site/fast", "fog.fast.{site}", null, QoS.AT_MOST_ONCE, Lane.BULK),
            Route.of(null, "sensors/+site/+device", "fog.sensors.{site}", "{device}", null, Lane.BULK)));

    private Pipeline pipeline(long maxPayload) {
        return new Pipeline(routes, new Enricher("edge-1", Map.of("site", "plant-1")), spool, maxPayload, registry);
    }

    private static InboundMessage message(String topic, int size, QoS qos) {
        return new InboundMessage(topic, new byte[size], qos, DEVICE, null, 42L);
    }

    private double counter(String name, String... tags) {
        var counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void atLeastOnceCompletesWhenTheAppendIsDurable() {
        spool.hold();
        CompletableFuture<Outcome> outcome =
                pipeline(1024).accept(message("telemetry/acme/pump-3", 10, QoS.AT_LEAST_ONCE));
        assertThat(outcome).isNotDone();
        assertThat(spool.appended).hasSize(1);

        spool.pending.getFirst().complete(17L);
        assertThat(outcome).isCompletedWithValue(new Outcome.Accepted(Lane.BULK, 17));
        assertThat(counter("fogbridge.pipeline.ingested", "route", "telemetry")).isEqualTo(1);
    }

    @Test
    void envelopeCarriesRoutedTopicKeyHeadersAndPayload() {
        pipeline(1024)
                .accept(new InboundMessage(
                        "sensors/plant-9/m7", new byte[] {1, 2, 3}, QoS.AT_LEAST_ONCE, DEVICE, "text/plain", 42L));
        Envelope envelope = spool.appended.getFirst();
        assertThat(envelope.topic()).isEqualTo("fog.sensors.plant-9");
        assertThat(envelope.key()).isEqualTo("m7");
        assertThat(envelope.payload()).containsExactly(1, 2, 3);
        assertThat(envelope.creationTime()).isEqualTo(42L);
        assertThat(envelope.lane()).isEqualTo(Lane.BULK);
        assertThat(envelope.headers())
                .containsEntry("device_id", "m7")
                .containsEntry("content-type", "text/plain")
                .containsEntry("mqtt-topic", "sensors/plant-9/m7")
                .containsEntry("site", "plant-1");
    }

    @Test
    void atMostOnceIsAcceptedAtOnceButStillAppended() {
        spool.hold();
        CompletableFuture<Outcome> outcome =
                pipeline(1024).accept(message("telemetry/acme/pump-3", 10, QoS.AT_MOST_ONCE));
        assertThat(outcome).isCompletedWithValue(new Outcome.Accepted(Lane.BULK, -1));
        assertThat(spool.appended).hasSize(1);
        assertThat(spool.appended.getFirst().qos()).isEqualTo(QoS.AT_MOST_ONCE);
    }

    @Test
    void routeQosOverrideAnswersQos1PublishAtOnce() {
        spool.hold();
        CompletableFuture<Outcome> outcome = pipeline(1024).accept(message("sensors/p1/fast", 10, QoS.AT_LEAST_ONCE));
        assertThat(outcome).isCompletedWithValue(new Outcome.Accepted(Lane.BULK, -1));
        assertThat(spool.appended.getFirst().headers()).containsEntry("qos", "0");
    }

    @Test
    void eventsWaitForTheSpoolEvenWhenPublishedAtQos0() {
        spool.hold();
        CompletableFuture<Outcome> outcome = pipeline(1024).accept(message("event/acme/pump-3", 10, QoS.AT_MOST_ONCE));
        assertThat(outcome).isNotDone();
        spool.pending.getFirst().complete(3L);
        assertThat(outcome).isCompletedWithValue(new Outcome.Accepted(Lane.PRIORITY, 3));
        assertThat(spool.appended.getFirst().qos()).isEqualTo(QoS.AT_LEAST_ONCE);
    }

    @Test
    void atMostOnceAppendFailureIsCounted() {
        spool.failWith(new SpoolException.Full("full"));
        assertThat(pipeline(1024).accept(message("telemetry/acme/pump-3", 10, QoS.AT_MOST_ONCE)))
                .isCompletedWithValue(new Outcome.Accepted(Lane.BULK, -1));
        assertThat(counter("fogbridge.pipeline.rejected", "reason", "spool-full"))
                .isEqualTo(1);
    }

    @Test
    void oversizePayloadIsRejectedWith413() {
        Outcome outcome = pipeline(100)
                .accept(message("telemetry/acme/pump-3", 101, QoS.AT_LEAST_ONCE))
                .join();
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.retriable()).isFalse();
        });
        assertThat(spool.appended).isEmpty();
        assertThat(counter("fogbridge.pipeline.rejected", "reason", "too-large"))
                .isEqualTo(1);
        assertThat(pipeline(100)
                        .accept(message("telemetry/acme/pump-3", 100, QoS.AT_LEAST_ONCE))
                        .join())
                .isInstanceOf(Outcome.Accepted.class);
    }

    @Test
    void unroutedStaysLocalAndIsCounted() {
        assertThat(pipeline(1024).accept(message("nobody/listens", 1, QoS.AT_LEAST_ONCE)))
                .isCompletedWithValue(Outcome.LOCAL);
        assertThat(spool.appended).isEmpty();
        assertThat(counter("fogbridge.pipeline.unrouted")).isEqualTo(1);
    }

    @Test
    void illegalRenderedTopicIsRejectedWith400() {
        Outcome outcome = pipeline(1024)
                .accept(message("sensors/bad site/m1", 1, QoS.AT_LEAST_ONCE))
                .join();
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Rejected.class, r -> assertThat(r.status())
                .isEqualTo(400));
        assertThat(spool.appended).isEmpty();
        assertThat(counter("fogbridge.pipeline.rejected", "reason", "invalid-topic"))
                .isEqualTo(1);
        // the pipeline keeps serving others
        assertThat(pipeline(1024)
                        .accept(message("sensors/site/m1", 1, QoS.AT_LEAST_ONCE))
                        .join())
                .isInstanceOf(Outcome.Accepted.class);
    }

    @Test
    void spoolFailuresMapTo503WithRetriability() {
        assertRejected(new SpoolException.Full("spool full"), "spool-full", true);
        assertRejected(new SpoolException.Closed(), "spool-closed", false);
        assertRejected(new SpoolException.Io("disk", new IOException("EIO")), "spool-io", true);
    }

    private void assertRejected(SpoolException failure, String reason, boolean retriable) {
        FakeSpool failing = new FakeSpool().failWith(failure);
        Pipeline pipeline = new Pipeline(routes, new Enricher("edge-1", Map.of()), failing, 1024, registry);
        Outcome outcome = pipeline.accept(message("telemetry/acme/pump-3", 1, QoS.AT_LEAST_ONCE))
                .join();
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.retriable()).isEqualTo(retriable);
            assertThat(r.reason()).startsWith(reason);
        });
        assertThat(counter("fogbridge.pipeline.rejected", "reason", reason)).isEqualTo(1);
    }

    @Test
    void everyRouteIsRegisteredAtZero() {
        pipeline(1024);
        assertThat(registry.find("fogbridge.pipeline.ingested").counters())
                .extracting(c -> c.getId().getTag("route"))
                .containsExactlyInAnyOrder("telemetry", "event", "command-response", "fast", "sensors/+site/+device");
    }

    @Test
    void worksWithoutRegistry() {
        Pipeline pipeline = new Pipeline(routes, new Enricher("edge-1", Map.of()), spool, 10, null);
        assertThat(pipeline.accept(message("x", 1, QoS.AT_LEAST_ONCE))).isCompletedWithValue(Outcome.LOCAL);
        assertThat(pipeline.accept(message("x", 11, QoS.AT_LEAST_ONCE)).join()).isInstanceOf(Outcome.Rejected.class);
        assertThat(pipeline.accept(message("telemetry/a/b", 1, QoS.AT_LEAST_ONCE))
                        .join())
                .isInstanceOf(Outcome.Accepted.class);
    }
}
