package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.fogbridge.testkit.TestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mqtt.maxConnections} and {@code mqtt.maxConnectionsPerAddress} with real clients (HiveMQ MQTT 5 client and
 * {@code mosquitto_pub} speaking 3.1.1): at the bound a CONNECT is refused with 0x97 (3.1.1: 3, server unavailable)
 * and counted; the connections already in keep working; a place freed by a disconnect is taken again.
 */
class ConnectionQuotaIT {

    @TempDir
    Path workDir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();
    private EmbeddedMqttBroker broker;

    @AfterEach
    void close() {
        for (Mqtt5BlockingClient c : clients) {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void connectsBeyondTheBoundsAreRefusedWithQuotaExceededAndCounted() throws Exception {
        Path mosquittoPub = TestEnv.peer("mosquitto_pub");
        broker = new EmbeddedMqttBroker(
                EmbeddedBrokerOptions.builder(workDir)
                        .listener("127.0.0.1", 0)
                        .maxConnections(4, 3)
                        .pipelinedAcks(this instanceof ThroughDeviceRelay)
                        .build(),
                meters);
        ControllableUplink uplink = new ControllableUplink();
        broker.start(uplink);
        int port = broker.port();

        for (int i = 0; i < 3; i++) {
            connect("a" + i, "127.0.0.1");
        }
        assertThatThrownBy(() -> connect("a3", "127.0.0.1"))
                .as("a fourth connection from 127.0.0.1 (mqtt.maxConnectionsPerAddress: 3)")
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(
                                e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5ConnAckReasonCode.QUOTA_EXCEEDED));
        connect("b0", "127.0.0.2"); // another address: the fourth connection in all
        assertThatThrownBy(() -> connect("b1", "127.0.0.2"))
                .as("a fifth connection (mqtt.maxConnections: 4)")
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(
                                e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5ConnAckReasonCode.QUOTA_EXCEEDED));
        String refused311 = mosquittoPub(mosquittoPub, port, "m311");
        assertThat(refused311).as("mosquitto_pub (MQTT 3.1.1) at the bound").contains("unavailable");

        assertThat(refusedCount()).isEqualTo(3.0);
        for (Mqtt5BlockingClient c : clients) {
            assertThat(c.getState().isConnected()).isTrue();
            c.publishWith()
                    .topic("telemetry/t1/" + c.getConfig().getClientIdentifier().orElseThrow())
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload("still served".getBytes(StandardCharsets.UTF_8))
                    .send();
        }
        for (int i = 0; i < clients.size(); i++) {
            assertThat(uplink.next().message().payload())
                    .asString(StandardCharsets.UTF_8)
                    .isEqualTo("still served");
        }

        clients.getFirst().disconnect();
        await("the freed place is taken again")
                .atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() -> connect("a4", "127.0.0.1").getState().isConnected());
    }

    private Mqtt5BlockingClient connect(String clientId, String localAddress) {
        Mqtt5BlockingClient client = Mqtt5Client.builder()
                .identifier(clientId)
                .serverHost("127.0.0.1")
                .serverPort(broker.port())
                .transportConfig()
                .localAddress(new InetSocketAddress(localAddress, 0))
                .applyTransportConfig()
                .buildBlocking();
        client.connect();
        clients.add(client);
        return client;
    }

    private double refusedCount() {
        var counter = meters.find("fogbridge.mqtt.connections.refused")
                .tag("reason", "quota")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static String mosquittoPub(Path mosquittoPub, int port, String clientId)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        mosquittoPub.toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(port),
                        "-V",
                        "mqttv311",
                        "-i",
                        clientId,
                        "-t",
                        "telemetry/t1/m311",
                        "-m",
                        "x")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isNotZero();
        return out;
    }
}
