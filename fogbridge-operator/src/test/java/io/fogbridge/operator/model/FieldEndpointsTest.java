package io.fogbridge.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fogbridge.operator.Gateways;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldEndpointsTest {

    @Test
    void modbusHostsAndOpcUaUrlsWithTheirDefaultPorts() {
        FieldEndpoints field = FieldEndpoints.of("""
                kafka: {bootstrapServers: k:9092}
                adapters:
                  modbus:
                    devices:
                      - {id: press, tenant: acme, host: 10.0.0.17, tags: []}
                      - {id: oven, tenant: acme, host: oven.plant.local, port: 1502, tags: []}
                  opcua:
                    endpoints:
                      - {id: tank, tenant: acme, url: "opc.tcp://10.0.4.20/UA/tank", items: []}
                      - {id: mill, tenant: acme, url: "opc.tcp://mill:48010", items: []}
                """);
        assertThat(field.endpoints())
                .containsExactly(
                        new FieldEndpoints.Endpoint("10.0.0.17", 502),
                        new FieldEndpoints.Endpoint("oven.plant.local", 1502),
                        new FieldEndpoints.Endpoint("10.0.4.20", 4840),
                        new FieldEndpoints.Endpoint("mill", 48010));
    }

    @Test
    void scheduledScansOpenTheirBlocksAndPorts() {
        FieldEndpoints field = FieldEndpoints.of("""
                kafka: {bootstrapServers: k:9092}
                discovery:
                  - {name: a, protocol: modbus, tenant: acme, target: "10.0.0.0/28,plc-7", ports: "502,1502-1503"}
                  - {name: b, protocol: modbus, tenant: acme, target: 10.0.1.5-10.0.1.9}
                  - {name: c, protocol: opcua, tenant: acme, target: "opc.tcp://10.0.4.20:4841"}
                """);
        assertThat(field.endpoints())
                .containsExactly(
                        new FieldEndpoints.Endpoint("10.0.0.0/28", 502),
                        new FieldEndpoints.Endpoint("10.0.0.0/28", 1502),
                        new FieldEndpoints.Endpoint("10.0.0.0/28", 1503),
                        new FieldEndpoints.Endpoint("plc-7", 502),
                        new FieldEndpoints.Endpoint("plc-7", 1502),
                        new FieldEndpoints.Endpoint("plc-7", 1503),
                        new FieldEndpoints.Endpoint("10.0.1.5-10.0.1.9", 502),
                        new FieldEndpoints.Endpoint("10.0.4.20", 4841));
        NetworkPolicy policy =
                new GatewayNetworkPolicy(Gateways.lathe("plant-1", "lathe"), Map.of("app", "gw"), field).generate();
        assertThat(policy.getSpec().getEgress())
                .flatExtracting(rule -> rule.getTo() == null ? List.of() : rule.getTo())
                .extracting(peer ->
                        peer.getIpBlock() == null ? null : peer.getIpBlock().getCidr())
                .contains("10.0.0.0/28", "10.0.4.20/32");
    }

    @Test
    void noConvertersNoEndpoints() {
        assertThat(FieldEndpoints.of("kafka: {bootstrapServers: k:9092}\n").endpoints())
                .isEmpty();
    }
}
