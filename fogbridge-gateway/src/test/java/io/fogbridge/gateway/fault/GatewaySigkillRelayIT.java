package io.fogbridge.gateway.fault;

/**
 * {@link GatewaySigkillIT} with {@code devices.pipelinedAcks: true}: devices publish through the PUBACK-holding relay
 * (decision 0001), and a SIGKILL between an append and its PUBACK still loses nothing that was acknowledged.
 */
class GatewaySigkillRelayIT extends GatewaySigkillIT {

    @Override
    String extraYaml() {
        return "devices: {pipelinedAcks: true}\n";
    }
}
