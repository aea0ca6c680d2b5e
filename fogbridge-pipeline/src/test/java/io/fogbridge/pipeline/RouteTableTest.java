package io.fogbridge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.Headers;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTableTest {

    private static final DeviceRef ANONYMOUS = DeviceRef.anonymous("svc-1");
    private static final DeviceRef LATHE = new DeviceRef("acme", "lathe-1", "client-lathe-1");

    private final RouteTable table = new RouteTable(List.of(
            Route.of("lathes", "factory/+site/lathe/+device/#", "fog.telemetry.{site}", "{device}", null, Lane.BULK),
            Route.of(null, "factory/+site/#", "fog.factory.{site}", null, QoS.AT_MOST_ONCE, Lane.PRIORITY),
            Route.of("tank", "water/+site/tank", "fog.tank.{site}", null, null, null)));

    private static InboundMessage message(String topic, DeviceRef sender) {
        return new InboundMessage(topic, new byte[] {1}, QoS.AT_LEAST_ONCE, sender, null, 1000L);
    }

    private RouteDecision.Forward forward(String topic, DeviceRef sender) {
        RouteDecision decision = table.decide(message(topic, sender));
        assertThat(decision).isInstanceOf(RouteDecision.Forward.class);
        return (RouteDecision.Forward) decision;
    }

    @ParameterizedTest(name = "{0} -> {1} key {2}")
    @CsvSource(delimiter = '|', textBlock = """
            telemetry/acme/pump-3              | telemetry        | fog.telemetry.acme            | pump-3 | BULK
            telemetry/acme/pump-3/a/b          | telemetry        | fog.telemetry.acme            | pump-3 | BULK
            event/acme/pump-3                  | event            | fog.event.acme                | pump-3 | PRIORITY
            event/acme/pump-3/alarm            | event            | fog.event.acme                | pump-3 | PRIORITY
            command/acme/pump-3/res/r-17/200   | command-response | fog.command_response.acme     | pump-3 | PRIORITY
            """)
    void builtInDeviceRoutes(String topic, String route, String kafkaTopic, String key, Lane lane) {
        RouteDecision.Forward forward = forward(topic, ANONYMOUS);
        assertThat(forward.route().name()).isEqualTo(route);
        assertThat(forward.topic()).isEqualTo(kafkaTopic);
        assertThat(forward.key()).isEqualTo(key);
        assertThat(forward.route().lane()).isEqualTo(lane);
        assertThat(forward.device()).isEqualTo("pump-3");
        assertThat(forward.tenant()).isEqualTo("acme");
    }

    @Test
    void eventsAreAlwaysAtLeastOnceTelemetryKeepsSendersQos() {
        assertThat(DeviceRoutes.EVENT.effectiveQos(QoS.AT_MOST_ONCE)).isEqualTo(QoS.AT_LEAST_ONCE);
        assertThat(DeviceRoutes.TELEMETRY.effectiveQos(QoS.AT_MOST_ONCE)).isEqualTo(QoS.AT_MOST_ONCE);
        assertThat(DeviceRoutes.TELEMETRY.effectiveQos(QoS.AT_LEAST_ONCE)).isEqualTo(QoS.AT_LEAST_ONCE);
    }

    @Test
    void commandResponseCarriesCorrelationAndStatus() {
        RouteDecision.Forward forward = forward("command/acme/pump-3/res/r-17/404", ANONYMOUS);
        assertThat(forward.extraHeaders())
                .containsExactly(Map.entry(Headers.CORRELATION_ID, "r-17"), Map.entry(Headers.STATUS, "404"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            telemetry                  | fog.telemetry.acme
            telemetry//                | fog.telemetry.acme
            event                      | fog.event.acme
            event//                    | fog.event.acme
            command///res/r-1/200      | fog.command_response.acme
            """)
    void authenticatedDeviceMayLeaveOutTenantAndDevice(String topic, String kafkaTopic) {
        RouteDecision.Forward forward = forward(topic, LATHE);
        assertThat(forward.topic()).isEqualTo(kafkaTopic);
        assertThat(forward.key()).isEqualTo("lathe-1");
        assertThat(forward.device()).isEqualTo("lathe-1");
        assertThat(forward.tenant()).isEqualTo("acme");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            telemetry
            event//
            command///res/r-1/200
            """)
    void anonymousSenderCannotUseShortForms(String topic) {
        assertThat(table.decide(message(topic, ANONYMOUS))).isInstanceOf(RouteDecision.Refuse.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            command/acme/d/res//200
            command/acme/d/res/r-1/ok
            command/acme/d/res/r-1/2000
            command/acme/d/res/r-1/700
            """)
    void malformedCommandResponsesAreRefused(String topic) {
        assertThat(table.decide(message(topic, ANONYMOUS))).isInstanceOf(RouteDecision.Refuse.class);
    }

    @Test
    void firstMatchWins() {
        RouteDecision.Forward lathe = forward("factory/plant-1/lathe/m7/temp", ANONYMOUS);
        assertThat(lathe.route().name()).isEqualTo("lathes");
        assertThat(lathe.topic()).isEqualTo("fog.telemetry.plant-1");
        assertThat(lathe.key()).isEqualTo("m7");
        assertThat(lathe.device()).isEqualTo("m7");

        RouteDecision.Forward mill = forward("factory/plant-1/mill/m9", ANONYMOUS);
        assertThat(mill.route().name()).isEqualTo("factory/+site/#");
        assertThat(mill.topic()).isEqualTo("fog.factory.plant-1");
    }

    @Test
    void defaultKeyIsSendersDeviceElseClientId() {
        assertThat(forward("water/plant-1/tank", ANONYMOUS).key()).isEqualTo("svc-1");
        assertThat(forward("water/plant-1/tank", LATHE).key()).isEqualTo("lathe-1");
        assertThat(forward("water/plant-1/tank", LATHE).tenant()).isEqualTo("acme");
        assertThat(forward("water/plant-1/tank", ANONYMOUS).device()).isNull();
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            water/plant-1/pump
            other/topic
            telemetry/acme
            $SYS/broker/uptime
            """)
    void noMatchStaysLocal(String topic) {
        assertThat(table.decide(message(topic, ANONYMOUS))).isEqualTo(RouteDecision.STAY);
    }

    @Test
    void captureThatMakesAnIllegalKafkaTopicIsRefused() {
        assertThat(table.decide(message("water/plant 1/tank", ANONYMOUS))).isInstanceOf(RouteDecision.Refuse.class);
        assertThat(table.decide(message("water/" + "p".repeat(300) + "/tank", ANONYMOUS)))
                .isInstanceOf(RouteDecision.Refuse.class);
        assertThat(table.decide(message("telemetry/ac:me/d", ANONYMOUS))).isInstanceOf(RouteDecision.Refuse.class);
    }

    @Test
    void subscriptionFiltersCoverDeviceTopicsAndRoutesWithoutRedundancy() {
        RouteTable routes = new RouteTable(List.of(
                Route.of(null, "factory/+site/lathe/+device/#", "fog.a", null, null, null),
                Route.of(null, "factory/+site/#", "fog.b", null, null, null),
                Route.of(null, "telemetry/x/y/z", "fog.c", null, null, null),
                Route.of(null, "water/+/tank", "fog.d", null, null, null),
                Route.of(null, "water/+x/tank", "fog.e", null, null, null)));
        assertThat(routes.subscriptionFilters())
                .containsExactly("telemetry/#", "event/#", "command/+/+/res/+/+", "factory/+/#", "water/+/tank");
    }

    @Test
    void shadowedRoutesAreFound() {
        Route all = Route.of("all", "factory/#", "fog.a", null, null, null);
        Route lathe = Route.of("lathe", "factory/+/lathe", "fog.b", null, null, null);
        assertThat(RouteTable.shadowing(List.of(all), lathe)).contains(all);
        assertThat(RouteTable.shadowing(List.of(lathe), all)).isEmpty();
        Route telemetry = Route.of("t", "telemetry/+/+/x", "fog.c", null, null, null);
        assertThat(RouteTable.shadowing(List.of(), telemetry)).contains(DeviceRoutes.TELEMETRY);
    }
}
