package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.gateway.config.ConfigException;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.testkit.TestEnv;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails half-way leaves nothing behind: the ops endpoint (the last stage) cannot bind its port, and
 * the stages started before it (spool, forwarder, MQTT broker) are closed, so a second start on the same data
 * directory and MQTT port succeeds at once. No Kafka is needed: the forwarder starts without reaching it.
 */
class GatewayStartIT {

    @TempDir
    Path dir;

    @Test
    void aStageThatFailsToStartClosesTheStagesStartedBeforeIt() throws Exception {
        int mqttPort = TestEnv.freePort();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> Gateway.start(config(mqttPort, taken.getLocalPort())))
                    .isInstanceOf(IOException.class);
        }
        // The spool's directory lock and the broker's port were released by the failed start.
        try (Gateway gateway = Gateway.start(config(mqttPort, 0))) {
            assertThat(gateway.mqttPorts()).containsExactly(mqttPort);
            assertThat(gateway.spool().stats().records()).isZero();
        }
    }

    private GatewayConfig config(int mqttPort, int httpPort) throws ConfigException {
        return ConfigLoader.load("start-it.yaml", """
                gateway: {id: start-it, dataDir: "%s"}
                mqtt: {listeners: [{host: 127.0.0.1, port: %d}]}
                kafka: {bootstrapServers: "127.0.0.1:1"}
                http: {host: 127.0.0.1, port: %d}
                """.formatted(dir.resolve("gw"), mqttPort, httpPort), Map.of());
    }
}
