package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.pipeline.Route;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteTargetCheckTest {

    private static Route route(String name, String from, String to) {
        return Route.of(name, from, to, null, QoS.AT_LEAST_ONCE, Lane.BULK);
    }

    @Test
    void aLiteralTargetMustExistAndATemplateMustMatchSomeTopic() {
        List<Route> routes = List.of(
                route("literal-ok", "plant/alarms", "fog.event.plant"),
                route("literal-missing", "plant/other", "fog.event.nosuch"),
                route("template-ok", "factory/+site/#", "fog.telemetry.{site}"),
                route("template-missing", "hall/+hall/#", "fog.halls.{hall}.raw"));
        Set<String> topics = Set.of("fog.event.plant", "fog.telemetry.plant-1", "fog.halls..raw", "fog.halls.x");

        List<String> warnings = RouteTargetCheck.missing(routes, topics);

        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).startsWith("route literal-missing: Kafka has no topic fog.event.nosuch");
        assertThat(warnings.get(1)).startsWith("route template-missing: no Kafka topic matches fog.halls.{hall}.raw");
    }
}
