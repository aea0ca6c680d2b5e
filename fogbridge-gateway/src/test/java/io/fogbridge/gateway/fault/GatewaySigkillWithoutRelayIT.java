package io.fogbridge.gateway.fault;

/**
 * {@link GatewaySigkillIT} with {@code devices.pipelinedAcks: false}: devices publish to the embedded broker directly
 * and its interceptor holds each PUBACK until durable; a SIGKILL between an append and its PUBACK still loses
 * nothing that was acknowledged.
 */
class GatewaySigkillWithoutRelayIT extends GatewaySigkillIT {

    /** 2 in CI mode (each kill is a JVM start; the CI budget is tight), 50 in long mode. */
    @Override
    int kills(FaultRun run) {
        return run.size(2, 50);
    }

    @Override
    String extraYaml() {
        return "devices: {pipelinedAcks: false}\n";
    }
}
