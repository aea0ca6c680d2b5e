package io.fogbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.adapter.ConfiguredAdapter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code adapters.modbus}, read by the gateway's loader as any section: the Modbus converter is found through its
 * factory, its mistakes are reported with file, line and key, and its read plan is printed from the config alone.
 */
class ModbusConfigTest {

    static final String HEAD = """
            kafka: {bootstrapServers: k:9092}
            adapters:
              modbus:
                enabled: true
                devices:
                  - id: lathe-3
                    tenant: acme
                    host: 10.0.0.5
                    pollGroups:
                      - {name: fast, interval: 100ms}
                    tags:
            """;

    @Test
    void aCompleteDeviceIsReadAndPlanned() throws Exception {
        GatewayConfig config = ConfigLoader.load("config.yaml", HEAD + """
                              - {name: speed, table: holding-registers, address: 0, type: uint16, scale: 0.1, unit: rpm, group: fast}
                              - {name: feed, table: holding-registers, address: 1, type: float32, wordOrder: little, group: fast}
                              - {name: temp, table: holding-registers, address: 10, type: int16}
                              - {name: serial, table: holding-registers, address: 0x20, type: string, count: 12}
                              - {name: door, table: coils, address: 3, access: read-write, group: fast}
                              - {name: setpoint, table: holding-registers, address: 100, type: int32, access: write}
                        """.indent(4), Map.of());

        ConfiguredAdapter<?> modbus = config.adapters().stream()
                .filter(a -> a.name().equals("modbus"))
                .findFirst()
                .orElseThrow();
        assertThat(modbus.enabled()).isTrue();
        assertThat(modbus.report("plan").orElseThrow())
                .contains("lathe-3@acme modbus://10.0.0.5:502/1 (maxGap 8)")
                .contains("group fast every 100ms: 2 requests per poll (3 tags, 3 unmerged), 20.0 requests/s")
                .contains("FC03 holding-registers 0-2 (3 registers): speed, feed")
                .contains("FC01 coils 3-3 (1 bits): door")
                .contains("group default every 1000ms: 2 requests per poll")
                .contains("FC03 holding-registers 10-10 (1 registers): temp")
                .contains("FC03 holding-registers 32-37 (6 registers): serial")
                .contains("write only: setpoint");
        assertThat(config.summary()).contains("modbus: 1 device(s)");
    }

    @Test
    void aModiconReferenceIsRefusedWithTheZeroBasedAddress() {
        assertThat(problems("      - {name: p, table: holding-registers, address: 40001}\n"))
                .singleElement()
                .asString()
                .startsWith("config.yaml:12: adapters.modbus.devices[0].tags[0].address: '40001' looks like a 1-based")
                .contains("write 'address: 0'")
                .contains("'0x9C41' if you do mean 40001");
        assertThat(problems("      - {name: p, table: input-registers, address: 30010}\n"))
                .singleElement()
                .asString()
                .contains("write 'address: 9'");
    }

    @Test
    void overlappingAndOutOfRangeAddressesAreRefused() {
        assertThat(problems("""
                              - {name: a, table: holding-registers, address: 0, type: float32}
                              - {name: b, table: holding-registers, address: 1}
                              - {name: c, table: coils, address: 1}
                              - {name: d, table: holding-registers, address: 65534, type: int32}
                        """))
                .containsExactly("config.yaml:13: adapters.modbus.devices[0].tags[1].address: overlaps tag 'a'"
                        + " (holding-registers 0-1)");
        assertThat(problems("      - {name: d, table: holding-registers, address: 65535, type: int32}\n"))
                .containsExactly("config.yaml:12: adapters.modbus.devices[0].tags[0].address: out of range: int32 at"
                        + " 65535 ends at 65536, past the last address 65535");
    }

    @Test
    void typeCountAndAccessMistakesNameTheirLine() {
        List<String> problems = problems("""
                              - {name: a, table: holding-registers, address: 0, type: float16}
                              - {name: b, table: holding-registers, address: 5, type: string}
                              - {name: c, table: input-registers, address: 0, access: read-write}
                              - {name: d, table: coils, address: 0, type: int16}
                              - {name: e, table: holding-registers, address: 9, group: slow}
                        """);

        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("config.yaml:12: adapters.modbus.devices[0].tags[0].type: expected one of bool,"))
                .anySatisfy(p -> assertThat(p)
                        .startsWith("config.yaml:13: adapters.modbus.devices[0].tags[1].count: required for a string"))
                .anySatisfy(p -> assertThat(p)
                        .startsWith("config.yaml:14: adapters.modbus.devices[0].tags[2].access: input-registers are"
                                + " read-only"))
                .anySatisfy(p -> assertThat(p)
                        .startsWith("config.yaml:15: adapters.modbus.devices[0].tags[3].type: coils hold single bits"));
        assertThat(problems).hasSize(4); // the unknown group is checked once the tags themselves are valid
        assertThat(problems("      - {name: e, table: holding-registers, address: 9, group: slow}\n"))
                .singleElement()
                .asString()
                .startsWith("config.yaml:12: adapters.modbus.devices[0].tags[0].group: no poll group 'slow'");
    }

    static List<String> problems(String tags) {
        try {
            ConfigLoader.load("config.yaml", HEAD + tags.indent(4), Map.of());
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected the config to be refused:\n" + tags);
    }
}
