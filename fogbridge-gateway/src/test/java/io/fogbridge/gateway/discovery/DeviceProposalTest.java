package io.fogbridge.gateway.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogbridge.api.discovery.ProposedDevice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceProposalTest {

    private static final ProposedDevice FOUND = new ProposedDevice(
            "modbus",
            "modbus://10.0.5.7:502/1",
            Map.of("host", "10.0.5.7", "port", 502, "unitId", 1),
            List.of("unit 1 answered", "coils address 0: refused"));

    @Test
    void aProposalIsAPendingDeviceNamedByItsEndpointWithTheTypedSection() {
        ObjectNode device = new DeviceProposal("plant-1", "acme", "lathe", null).resource(FOUND);
        assertThat(device.path("apiVersion").asText()).isEqualTo("fogbridge.io/v1alpha1");
        assertThat(device.path("kind").asText()).isEqualTo("Device");
        assertThat(device.at("/metadata/name").asText()).isEqualTo(FOUND.name());
        assertThat(device.at("/metadata/namespace").asText()).isEqualTo("plant-1");
        assertThat(device.at("/metadata/labels/fogbridge.io~1discovered").asText())
                .isEqualTo("true");
        assertThat(device.at("/metadata/annotations/fogbridge.io~1discovered-endpoint")
                        .asText())
                .isEqualTo("modbus://10.0.5.7:502/1");
        assertThat(device.at("/metadata/annotations/fogbridge.io~1discovery-notes")
                        .asText())
                .isEqualTo("unit 1 answered\ncoils address 0: refused");
        assertThat(device.at("/spec/approved").isBoolean()).isTrue();
        assertThat(device.at("/spec/approved").asBoolean()).isFalse();
        assertThat(device.at("/spec/tenant").asText()).isEqualTo("acme");
        assertThat(device.at("/spec/gateway").asText()).isEqualTo("lathe");
        assertThat(device.at("/spec/site").isMissingNode()).isTrue();
        assertThat(device.at("/spec/protocol").asText()).isEqualTo("modbus");
        assertThat(device.at("/spec/modbus/port").asInt()).isEqualTo(502);
        assertThat(device.at("/spec/modbus/unitId").asInt()).isEqualTo(1);
    }

    @Test
    void aSiteInsteadOfAGatewayButNeverBothOrNeither() {
        ObjectNode device = new DeviceProposal("plant-1", "acme", null, "plant-1").resource(FOUND);
        assertThat(device.at("/spec/site").asText()).isEqualTo("plant-1");
        assertThat(device.at("/spec/gateway").isMissingNode()).isTrue();
        assertThatThrownBy(() -> new DeviceProposal("plant-1", "acme", "lathe", "plant-1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeviceProposal("plant-1", "acme", null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
