package io.fogbridge.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

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
    void noConvertersNoEndpoints() {
        assertThat(FieldEndpoints.of("kafka: {bootstrapServers: k:9092}\n").endpoints())
                .isEmpty();
    }
}
