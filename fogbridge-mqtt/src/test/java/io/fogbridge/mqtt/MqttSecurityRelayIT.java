package io.fogbridge.mqtt;

import org.junit.jupiter.api.BeforeAll;

/** {@link MqttSecurityIT} with devices connecting through the {@link DeviceRelay} ({@code devices.pipelinedAcks}): authentication (password, client certificate, anonymous listeners), topic ACLs, reason codes and wills. */
class MqttSecurityRelayIT extends MqttSecurityIT {

    @BeforeAll
    static void start() throws Exception {
        start(true);
    }
}
