package io.fogbridge.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpcUaAdapterTest {

    @Test
    void onlyThisMachineCountsAsLoopbackForTheSecurityNoneWarning() {
        assertThat(OpcUaAdapter.loopback("opc.tcp://localhost:4840")).isTrue();
        assertThat(OpcUaAdapter.loopback("opc.tcp://127.0.0.1:4840/peer")).isTrue();
        assertThat(OpcUaAdapter.loopback("opc.tcp://[::1]:4840")).isTrue();
        assertThat(OpcUaAdapter.loopback("opc.tcp://10.0.0.7:4840")).isFalse();
        assertThat(OpcUaAdapter.loopback("opc.tcp://plc.example:4840")).isFalse();
    }
}
