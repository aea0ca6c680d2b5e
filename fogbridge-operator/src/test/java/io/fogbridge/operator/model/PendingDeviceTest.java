package io.fogbridge.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.operator.Devices;
import io.fogbridge.operator.crd.Device;
import org.junit.jupiter.api.Test;

/** {@code spec.approved: false} (a discovery proposal) is never rendered; absent or true is a normal Device. */
class PendingDeviceTest {

    @Test
    void aDeviceNotApprovedIsNotRenderedAndSaysHowToApproveIt() {
        Device device = Devices.modbus("plant-1", "modbus-ba0b2da2fe", "lathe", "10.0.5.7", 502);
        device.getSpec().approved = false;
        assertThatThrownBy(() -> DeviceCheck.check(device, name -> null))
                .isInstanceOfSatisfying(
                        InvalidDevice.class, e -> assertThat(e.reason()).isEqualTo("PendingApproval"))
                .hasMessageContaining("kubectl patch fdev modbus-ba0b2da2fe")
                .hasMessageContaining("\"approved\":true");
    }

    @Test
    void anApprovedDeviceOrOneWrittenWithoutTheFieldIsRendered() throws Exception {
        Device device = Devices.modbus("plant-1", "press-1", "lathe", "10.0.5.7", 502);
        assertThat(DeviceCheck.check(device, name -> null).id()).isEqualTo("press-1");
        device.getSpec().approved = true;
        assertThat(DeviceCheck.check(device, name -> null).id()).isEqualTo("press-1");
    }
}
