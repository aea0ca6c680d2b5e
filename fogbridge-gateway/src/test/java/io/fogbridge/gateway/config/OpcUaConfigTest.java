package io.fogbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.adapter.ConfiguredAdapter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code adapters.opcua}, read by the gateway's loader as any section: the OPC UA converter is found through its
 * factory and its mistakes are reported with file, line and key.
 */
class OpcUaConfigTest {

    static final String HEAD = """
            kafka: {bootstrapServers: k:9092}
            adapters:
              opcua:
                enabled: true
                endpoints:
                  - id: tank-1
                    tenant: acme
                    url: opc.tcp://10.0.0.7:4840/plc
                    publishingInterval: 500ms
                    items:
            """;

    @Test
    void aCompleteEndpointIsRead() throws Exception {
        GatewayConfig config = ConfigLoader.load("config.yaml", HEAD + """
                          - {name: level, nodeId: "ns=2;s=Tank.Level", samplingInterval: 100ms, queueSize: 5, deadband: {type: absolute, value: 0.5}}
                          - {name: pump, nodeId: "ns=2;i=1001"}
                          - {name: state, nodeId: "i=2259", deadband: {type: percent, value: 2}}
                    """.indent(4), Map.of());

        ConfiguredAdapter<?> opcua = config.adapters().stream()
                .filter(a -> a.name().equals("opcua"))
                .findFirst()
                .orElseThrow();
        assertThat(opcua.enabled()).isTrue();
        assertThat(config.summary()).contains("opcua: 1 endpoint(s), 3 monitored item(s)");
    }

    @Test
    void badItemsAreNamedByFileLineAndKey() {
        assertThat(problems("      - {name: a, nodeId: \"ns=2;x=nope\"}\n"))
                .singleElement()
                .asString()
                .startsWith("config.yaml:11: adapters.opcua.endpoints[0].items[0].nodeId: ")
                .contains("expected an OPC UA node id");
        assertThat(problems("      - {name: a, nodeId: i=1, deadband: {type: relative, value: 1}}\n"))
                .singleElement()
                .asString()
                .startsWith("config.yaml:11: adapters.opcua.endpoints[0].items[0].deadband.type: ")
                .contains("expected absolute or percent");
        assertThat(problems("      - {name: a, nodeId: i=1, deadband: {type: percent, value: 150}}\n"))
                .singleElement()
                .asString()
                .startsWith("config.yaml:11: adapters.opcua.endpoints[0].items[0].deadband.value: ")
                .contains("0-100");
        assertThat(problems("      - {name: a, nodeId: i=1}\n      - {name: a, nodeId: i=2}\n"))
                .singleElement()
                .asString()
                .startsWith("config.yaml:12: adapters.opcua.endpoints[0].items[1].name: item 'a' is defined twice");
    }

    @Test
    void securityAndLoginMistakesAreRefused() {
        String items = "        items: [{name: a, nodeId: i=1}]\n";
        assertThat(endpointProblems("        securityPolicy: Basic256Sha256\n" + items))
                .singleElement()
                .asString()
                .startsWith("config.yaml:8: adapters.opcua.endpoints[0].securityPolicy: ")
                .contains("both are None, or neither");
        assertThat(endpointProblems("        auth: username\n        username: op\n" + items))
                .singleElement()
                .asString()
                .startsWith("config.yaml:8: adapters.opcua.endpoints[0].passwordFile: ")
                .contains("needs both `username` and `passwordFile`");
        assertThat(endpointProblems("        auth: certificate\n        userCertificateFile: u.pem\n" + items))
                .singleElement()
                .asString()
                .startsWith("config.yaml:8: adapters.opcua.endpoints[0].userKeyFile: ")
                .contains("needs both `userCertificateFile` and `userKeyFile`");
        assertThat(endpointProblems("        url: http://h/x\n" + items))
                .singleElement()
                .asString()
                .startsWith("config.yaml:8: adapters.opcua.endpoints[0].url: ")
                .contains("expected opc.tcp://host:port/path");
        assertThat(endpointProblems(
                        items + "        methods: [{objectId: \"ns=1;s=Pump\", methodId: \"Pump.Start\"}]\n"))
                .singleElement()
                .asString()
                .startsWith("config.yaml:9: adapters.opcua.endpoints[0].methods[0].methodId: ")
                .contains("expected an OPC UA node id");
    }

    static List<String> problems(String items) {
        return ConfigLoaderTest.problems(HEAD + items.indent(4), Map.of());
    }

    @Test
    void aSecuredEndpointWithACertificateLoginIsRead() throws Exception {
        GatewayConfig config = ConfigLoader.load("config.yaml", """
                kafka: {bootstrapServers: k:9092}
                adapters:
                  opcua:
                    enabled: true
                    endpoints:
                      - id: tank-1
                        tenant: acme
                        url: opc.tcp://plc-1:4840
                        securityPolicy: Basic256Sha256
                        securityMode: SignAndEncrypt
                        auth: certificate
                        userCertificateFile: /etc/fogbridge/opcua-user.crt
                        userKeyFile: /etc/fogbridge/opcua-user.key
                        items: [{name: a, nodeId: i=2258}]
                        methods: [{objectId: "ns=2;s=Pump", methodId: "ns=2;s=Pump.Start"}]
                """, Map.of());
        assertThat(config.summary()).contains("opcua: 1 endpoint(s), 1 monitored item(s)");
    }

    static List<String> endpointProblems(String lines) {
        String head = """
                kafka: {bootstrapServers: k:9092}
                adapters:
                  opcua:
                    enabled: true
                    endpoints:
                      - id: tank-1
                        tenant: acme
                """;
        String url = lines.contains("url:") ? "" : "        url: opc.tcp://h:4840\n";
        return ConfigLoaderTest.problems(head + lines + url, Map.of());
    }
}
