package io.fogbridge.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fogbridge.operator.crd.AllowedPeer;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.GatewaySpec;
import io.fogbridge.operator.crd.KafkaSpec;
import io.fogbridge.operator.crd.RouteSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Gateway resources for tests: the lathe gateway of plant 1, which each test changes as it needs. */
public final class Gateways {

    private Gateways() {}

    public static Gateway lathe(String namespace, String name) {
        Gateway gateway = new Gateway();
        gateway.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        GatewaySpec spec = new GatewaySpec();
        spec.site = "plant-1";
        spec.labels = Map.of("line", "lathe");
        spec.kafka = new KafkaSpec();
        spec.kafka.bootstrap = "kafka.cloud.example:9093";
        spec.routes = new ArrayList<>(List.of(route("factory/+site/lathe/+device/#", "fog.telemetry.{site}")));
        AllowedPeer sensors = new AllowedPeer();
        sensors.podSelector = Map.of("fogbridge.io/role", "sensor");
        spec.allowedFrom = List.of(sensors);
        gateway.setSpec(spec);
        return gateway;
    }

    public static RouteSpec route(String from, String to) {
        RouteSpec route = new RouteSpec();
        route.from = from;
        route.to = to;
        route.key = "{device}";
        return route;
    }
}
