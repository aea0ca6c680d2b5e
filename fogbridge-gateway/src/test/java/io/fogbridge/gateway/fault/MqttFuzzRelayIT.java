package io.fogbridge.gateway.fault;

/**
 * {@link MqttFuzzIT} with {@code devices.pipelinedAcks: true}: random and mutated packets pass the device relay's frame
 * splitter before the broker sees them (decision 0001).
 */
class MqttFuzzRelayIT extends MqttFuzzIT {

    @Override
    String extraYaml() {
        return "devices: {pipelinedAcks: true}";
    }
}
