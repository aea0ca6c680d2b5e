package io.fogbridge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The topic names are the contract of ARCHITECTURE.md: spelled out here literally, not through the constants. */
class TopicsTest {

    @Test
    void kafkaTopicsAreFogKindTenant() {
        assertThat(Topics.telemetryTopic("acme")).isEqualTo("fog.telemetry.acme");
        assertThat(Topics.eventTopic("acme")).isEqualTo("fog.event.acme");
        assertThat(Topics.commandTopic("acme")).isEqualTo("fog.command.acme");
        assertThat(Topics.commandResponseTopic("acme")).isEqualTo("fog.command_response.acme");
    }

    @Test
    void tenantOfCommandTopicReadsBackWhatCommandTopicBuilt() {
        assertThat(Topics.tenantOfCommandTopic("fog.command.acme")).isEqualTo("acme");
        assertThat(Topics.tenantOfCommandTopic(Topics.commandTopic("plant.1-a")))
                .isEqualTo("plant.1-a");
    }

    @Test
    void tenantOfCommandTopicRefusesOtherTopics() {
        assertThatThrownBy(() -> Topics.tenantOfCommandTopic("fog.command_response.acme"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fog.command_response.acme");
        assertThatThrownBy(() -> Topics.tenantOfCommandTopic("fog.telemetry.acme"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topics.tenantOfCommandTopic(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deviceFacingTopics() {
        assertThat(Topics.deviceTelemetryTopic("acme", "lathe-1")).isEqualTo("telemetry/acme/lathe-1");
        assertThat(Topics.deviceEventTopic("acme", "lathe-1")).isEqualTo("event/acme/lathe-1");
        assertThat(Topics.deviceCommandRequestTopic("acme", "lathe-1", "r-7", "setValve"))
                .isEqualTo("command/acme/lathe-1/req/r-7/setValve");
        assertThat(Topics.deviceCommandResponseTopic("acme", "lathe-1", "r-7", "200"))
                .isEqualTo("command/acme/lathe-1/res/r-7/200");
    }

    @Test
    void shortFormAndOneWayKeepTheirEmptyLevels() {
        assertThat(Topics.deviceCommandRequestTopic("", "", "", "reboot")).isEqualTo("command///req//reboot");
        assertThat(Topics.deviceCommandResponseTopic("", "", "r-7", "500")).isEqualTo("command///res/r-7/500");
    }

    @Test
    void recognisesCommandRequestLevels() {
        assertThat(Topics.isDeviceCommandRequest("command/acme/lathe-1/req/#".split("/", -1)))
                .isTrue();
        assertThat(Topics.isDeviceCommandRequest("command///req/#".split("/", -1)))
                .isTrue();
        assertThat(Topics.isDeviceCommandRequest("command/acme/lathe-1/res/#".split("/", -1)))
                .isFalse();
        assertThat(Topics.isDeviceCommandRequest("command/acme/lathe-1/req".split("/", -1)))
                .isFalse();
        assertThat(Topics.isDeviceCommandRequest("event/acme/lathe-1/req/#".split("/", -1)))
                .isFalse();
    }
}
