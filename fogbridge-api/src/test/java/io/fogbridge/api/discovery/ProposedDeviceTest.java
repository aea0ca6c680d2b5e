package io.fogbridge.api.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProposedDeviceTest {

    @Test
    void theNameIsAHashOfTheEndpointTheSameOnEveryScan() {
        ProposedDevice a = new ProposedDevice("modbus", "modbus://10.0.5.7:502/1", Map.of(), List.of());
        ProposedDevice again = new ProposedDevice("modbus", "modbus://10.0.5.7:502/1", Map.of("port", 502), List.of());
        ProposedDevice other = new ProposedDevice("modbus", "modbus://10.0.5.7:502/2", Map.of(), List.of());
        assertThat(a.name())
                .matches("modbus-[0-9a-f]{10}")
                .isEqualTo(again.name())
                .isNotEqualTo(other.name());
        // SHA-256 of "modbus://10.0.5.7:502/1" (python3 hashlib): a name must not change between releases, or a
        // rescan after an upgrade would propose every device again
        assertThat(a.name()).isEqualTo("modbus-ba0b2da2fe");
    }

    @Test
    void scanArgumentsNameTheOptionInEveryError() throws Exception {
        ScanArguments args = ScanArguments.parse(
                List.of("10.0.0.0/24", "--units", "1-3,7", "--timeout", "250ms"), Set.of("--units", "--timeout"));
        assertThat(args.positional()).containsExactly("10.0.0.0/24");
        assertThat(args.integers("--units", "1", 0, 255, 256)).containsExactly(1, 2, 3, 7);
        assertThat(args.integers("--ports", "502", 1, 65535, 16)).containsExactly(502);
        assertThat(args.duration("--timeout", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofSeconds(10)))
                .isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> ScanArguments.parse(List.of("--bogus", "1"), Set.of("--units")))
                .hasMessageContaining("--bogus");
        assertThatThrownBy(() -> ScanArguments.parse(List.of("--units", "300"), Set.of("--units"))
                        .integers("--units", "1", 0, 255, 256))
                .hasMessageContaining("--units")
                .hasMessageContaining("300");
        assertThatThrownBy(() -> ScanArguments.parse(List.of("--units", "0-255"), Set.of("--units"))
                        .integers("--units", "1", 0, 255, 16))
                .hasMessageContaining("at most 16");
        assertThatThrownBy(() -> ScanArguments.parse(List.of("--timeout", "1h"), Set.of("--timeout"))
                        .duration("--timeout", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofSeconds(10)))
                .hasMessageContaining("--timeout");
    }
}
