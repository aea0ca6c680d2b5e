package io.fogbridge.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.api.discovery.FieldScanner.UsageError;
import org.junit.jupiter.api.Test;

class HostRangeTest {

    @Test
    void aCidrBlockIsItsHostsWithoutNetworkAndBroadcast() throws Exception {
        HostRange range = HostRange.parse("10.0.5.0/24");
        assertThat(range.hosts()).hasSize(254).startsWith("10.0.5.1").endsWith("10.0.5.254");
        assertThat(HostRange.parse("10.0.5.77/30").hosts()).containsExactly("10.0.5.77", "10.0.5.78");
        assertThat(HostRange.parse("10.0.5.7/32").hosts()).containsExactly("10.0.5.7");
        assertThat(HostRange.parse("10.0.5.6/31").hosts()).containsExactly("10.0.5.6", "10.0.5.7");
    }

    @Test
    void rangesNamesAndListsCombineWithoutRepeats() throws Exception {
        assertThat(HostRange.parse("10.0.1.254-10.0.2.1, plc-7,10.0.2.1").hosts())
                .containsExactly("10.0.1.254", "10.0.1.255", "10.0.2.0", "10.0.2.1", "plc-7");
    }

    @Test
    void moreThanAFewThousandHostsOrBadTextIsAUsageErrorNamingThePart() {
        assertThatThrownBy(() -> HostRange.parse("10.0.0.0/16"))
                .isInstanceOf(UsageError.class)
                .hasMessageContaining("10.0.0.0/16")
                .hasMessageContaining("4096");
        assertThatThrownBy(() -> HostRange.parse("10.0.0.0/20,10.1.0.0/20"))
                .isInstanceOf(UsageError.class)
                .hasMessageContaining("more than 4096");
        assertThatThrownBy(() -> HostRange.parse("10.0.0.300/24"))
                .isInstanceOf(UsageError.class)
                .hasMessageContaining("10.0.0.300");
        assertThatThrownBy(() -> HostRange.parse("10.0.0.9-10.0.0.1"))
                .isInstanceOf(UsageError.class)
                .hasMessageContaining("ends before it starts");
        assertThatThrownBy(() -> HostRange.parse("10.0.0.0/x")).isInstanceOf(UsageError.class);
        assertThatThrownBy(() -> HostRange.parse("a,,b")).isInstanceOf(UsageError.class);
    }
}
