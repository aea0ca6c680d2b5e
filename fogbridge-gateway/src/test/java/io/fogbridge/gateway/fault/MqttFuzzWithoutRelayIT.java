package io.fogbridge.gateway.fault;

/**
 * {@link MqttFuzzIT} with {@code devices.pipelinedAcks: false}: random and mutated packets reach the embedded broker's
 * own decoder directly, without the device relay's frame splitter in front.
 */
class MqttFuzzWithoutRelayIT extends MqttFuzzIT {

    @Override
    String extraYaml() {
        return "devices: {pipelinedAcks: false}";
    }
}
