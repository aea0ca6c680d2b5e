package io.fogbridge.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.api.DeviceId;
import org.junit.jupiter.api.Test;

class DeviceCommandTest {

    @Test
    void readsDeviceAtTenant() {
        assertThat(DeviceCommand.deviceId("lathe-1@acme")).isEqualTo(new DeviceId("acme", "lathe-1"));
    }

    @Test
    void refusesOtherNamesWithTheArgumentInTheMessage() {
        for (String bad : new String[] {"lathe-1", "@acme", "lathe-1@"}) {
            assertThatThrownBy(() -> DeviceCommand.deviceId(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("name devices as device@tenant, got '" + bad + "'");
        }
    }
}
