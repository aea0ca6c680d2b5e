package io.fogbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code discovery}: scans as their scanner reads them, and each wrong item refused with its file, line and key. */
class DiscoverySectionTest {

    private static final String HEAD = "kafka: {bootstrapServers: k:9092}\ndiscovery:\n";

    @Test
    void aModbusScanBecomesTheScannersArguments() throws Exception {
        GatewayConfig config = ConfigLoaderTest.load(HEAD + """
                  - name: plc-scan
                    protocol: modbus
                    tenant: acme
                    target: 10.0.0.0/28
                    ports: "502,1502"
                    units: 1-3
                    timeout: 500ms
                    every: 10m
                  - {name: ua, protocol: opcua, tenant: acme, target: "opc.tcp://10.0.0.5:4840"}
                """);
        assertThat(config.discovery()).hasSize(2);
        DiscoveryScan plc = config.discovery().getFirst();
        assertThat(plc.args())
                .containsExactly("10.0.0.0/28", "--ports", "502,1502", "--units", "1-3", "--timeout", "500ms");
        assertThat(plc.every()).isEqualTo(Duration.ofMinutes(10));
        assertThat(plc.describe()).isEqualTo("plc-scan (modbus 10.0.0.0/28)");
        DiscoveryScan ua = config.discovery().get(1);
        assertThat(ua.args()).containsExactly("opc.tcp://10.0.0.5:4840");
        assertThat(ua.every()).as("the default").isEqualTo(Duration.ofHours(1));
    }

    @Test
    void noScansByDefault() throws Exception {
        assertThat(ConfigLoaderTest.load("kafka: {bootstrapServers: k:9092}\n").discovery())
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            protocol | modbus      | target: 10.0.0.0/8         | target     | more than 4096 hosts
            protocol | modbus      | ports: "0"                 | ports      | --ports: expected numbers or ranges from 1 to 65535
            protocol | modbus      | units: 1-300               | units      | --units: expected numbers or ranges from 0 to 255
            protocol | modbus      | timeout: 1m                | timeout    | --timeout: expected from 10ms to 10s
            protocol | modbus      | every: 500ms               | every      | at least 1s
            protocol | bacnet      | tenant: acme               | protocol   | no scanner for 'bacnet' in this distribution
            protocol | opcua       | ports: "502"               | ports      | unknown option --ports
            protocol | modbus      | tenant: "a b"              | tenant     | is not a tenant id
            """)
    void aWrongItemIsRefusedWithItsLineAndKey(String ignored, String protocol, String line, String key, String says) {
        String target = line.startsWith("target")
                ? ""
                : "    target: " + (protocol.equals("opcua") ? "\"opc.tcp://h:4840\"" : "10.0.0.1") + "\n";
        String tenant = line.startsWith("tenant") ? "" : "    tenant: acme\n";
        String yaml =
                HEAD + "  - name: scan\n" + "    protocol: " + protocol + "\n" + target + tenant + "    " + line + "\n";
        int lineNo = (int) yaml.lines().count();
        if (key.equals("protocol")) {
            lineNo = 4;
        }
        assertThat(ConfigLoaderTest.problems(yaml))
                .singleElement()
                .asString()
                .startsWith("config.yaml:" + lineNo + ": discovery[0]." + key + ": ")
                .contains(says);
    }

    @Test
    void twoScansMayNotShareAName() {
        assertThat(ConfigLoaderTest.problems(HEAD + """
                  - {name: scan, protocol: modbus, tenant: acme, target: 10.0.0.1}
                  - {name: scan, protocol: modbus, tenant: acme, target: 10.0.0.2}
                """))
                .singleElement()
                .asString()
                .contains("discovery[1].name", "already used by discovery[0]");
    }

    @Test
    void everyScanNeedsATargetAndATenant() {
        List<String> problems = ConfigLoaderTest.problems(HEAD + "  - {name: scan, protocol: modbus}\n");
        assertThat(String.join("\n", problems)).contains("discovery[0].tenant", "discovery[0].target");
    }
}
