package io.fogbridge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.pipeline.Destination;
import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.api.pipeline.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingTest {

    private static final DeviceRef DEVICE = new DeviceRef("acme", "pump-3", "c-1");

    private final Routing routing = new Routing(new RouteTable(List.of(
            Route.of("fast", "sensors/+site/fast", "fog.fast.{site}", null, QoS.AT_MOST_ONCE, Lane.BULK),
            Route.of(null, "sensors/+site/+device", "fog.sensors.{site}", "{device}", null, Lane.BULK))));

    private static UplinkRecord record(String topic, QoS qos) {
        return UplinkRecord.of(new InboundMessage(topic, new byte[] {7}, qos, DEVICE, null, 42L));
    }

    @Test
    void noRouteKeepsTheMessageLocal() {
        assertThat(routing.apply(record("nobody/listens", QoS.AT_LEAST_ONCE))).isSameAs(Verdict.STAY);
    }

    @Test
    void anIllegalRenderedTopicIsRefusedWith400() {
        assertThat(routing.apply(record("sensors/bad site/m1", QoS.AT_LEAST_ONCE)))
                .isInstanceOfSatisfying(Verdict.Refuse.class, refuse -> {
                    assertThat(refuse.reason()).isEqualTo("invalid-topic");
                    assertThat(refuse.status()).isEqualTo(400);
                    assertThat(refuse.retriable()).isFalse();
                });
    }

    @Test
    void aMatchGivesTheRecordItsDestinationAndLeavesTheRestAlone() {
        UplinkRecord received = record("sensors/plant-9/m7", QoS.AT_LEAST_ONCE);
        UplinkRecord routed = (UplinkRecord) routing.apply(received);
        assertThat(routed.destination())
                .isEqualTo(new Destination(
                        "sensors/+site/+device",
                        "fog.sensors.plant-9",
                        "m7",
                        "acme",
                        "m7",
                        QoS.AT_LEAST_ONCE,
                        Lane.BULK,
                        Map.of()));
        assertThat(routed.message()).isSameAs(received.message());
        assertThat(routed.payload()).isSameAs(received.payload());
        assertThat(routed.headers()).isEmpty();
    }

    @Test
    void theRoutesQosOverrideIsTheGuaranteeTheAppendApplies() {
        UplinkRecord routed = (UplinkRecord) routing.apply(record("sensors/p1/fast", QoS.AT_LEAST_ONCE));
        assertThat(routed.destination().qos()).isEqualTo(QoS.AT_MOST_ONCE);
        UplinkRecord event = (UplinkRecord) routing.apply(record("event/acme/pump-3", QoS.AT_MOST_ONCE));
        assertThat(event.destination().qos()).isEqualTo(QoS.AT_LEAST_ONCE);
        assertThat(event.destination().lane()).isEqualTo(Lane.PRIORITY);
    }

    @Test
    void aCommandResponseCarriesItsRouteHeaders() {
        UplinkRecord routed = (UplinkRecord) routing.apply(record("command/acme/pump-3/res/r9/200", QoS.AT_LEAST_ONCE));
        assertThat(routed.destination().route()).isEqualTo("command-response");
        assertThat(routed.destination().routeHeaders())
                .containsEntry("correlation-id", "r9")
                .containsEntry("status", "200");
    }
}
