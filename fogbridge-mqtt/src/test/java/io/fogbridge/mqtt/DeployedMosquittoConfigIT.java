package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.testkit.MosquittoBroker;
import io.fogbridge.testkit.TestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge behind mosquitto started with {@code deploy/mosquitto/mosquitto.conf} and its ACL file, as shipped: only
 * the port and the file paths are the test's. What this mode guarantees with those settings, and what the gateway
 * reports when the broker's queue is too small.
 */
class DeployedMosquittoConfigIT {

    private static final Path DEPLOY = Path.of("..", "deploy", "mosquitto");
    private static final String GATEWAY_USER = "fogbridge-edge-1";
    private static final String PASSWORD = "secret-1";

    @TempDir
    Path dir;

    MosquittoBroker mosquitto;
    final List<Mqtt5AsyncClient> devices = new ArrayList<>();

    @AfterEach
    void stop() {
        devices.forEach(Mqtt5AsyncClient::disconnect);
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    @Test
    void eachDeviceReachesTheGatewayOnlyOnItsOwnTopics() throws Exception {
        start("");
        Set<String> received = ConcurrentHashMap.newKeySet();
        try (ExternalMqttBridge bridge = new ExternalMqttBridge(options(), null)) {
            bridge.start(collecting(received));
            assertThat(bridge.ready()).as(this::brokerLog).isTrue();
            Mqtt5AsyncClient lathe = device("lathe-1");
            assertThatThrownBy(() -> publish(lathe, "telemetry/acme/press-9", "forged"))
                    .as("another device's topic: the ACL refuses it (MQTT 5: PUBACK 0x87)")
                    .hasRootCauseInstanceOf(Mqtt5PubAckException.class);
            publish(lathe, "telemetry/acme/lathe-1", "own");
            await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("own"));
            Thread.sleep(300);
            assertThat(received).containsExactly("own");
        }
    }

    @Test
    void brokerRestartedCleanlyKeepsWhatItQueuedForTheGateway() throws Exception {
        start("");
        Set<String> received = ConcurrentHashMap.newKeySet();
        try (ExternalMqttBridge first = new ExternalMqttBridge(options(), null)) {
            first.start(collecting(received)); // creates the gateway's persistent session, then goes away
        }
        Mqtt5AsyncClient lathe = device("lathe-1");
        for (int i = 0; i < 50; i++) {
            publish(lathe, "event/acme/lathe-1", "m" + i);
        }
        lathe.disconnect().get(10, TimeUnit.SECONDS);
        devices.clear();
        mosquitto.stop(); // persistence true: written on a clean shutdown
        mosquitto.start();

        try (ExternalMqttBridge second = new ExternalMqttBridge(options(), null)) {
            second.start(collecting(received));
            await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 50);
        }
    }

    @Test
    void queueTooSmallForTheOutageShowsAsDropsMatchingWhatIsMissing() throws Exception {
        start("max_queued_messages 100\nsys_interval 1\n"); // mosquitto takes the last value of a setting
        Set<String> received = ConcurrentHashMap.newKeySet();
        try (ExternalMqttBridge first = new ExternalMqttBridge(options(), null)) {
            first.start(collecting(received)); // the session exists; now the gateway goes away
        }
        Mqtt5AsyncClient lathe = device("lathe-1");
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            acks.add(lathe.publishWith()
                    .topic("telemetry/acme/lathe-1")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("m" + i).getBytes(StandardCharsets.UTF_8))
                    .send());
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ExternalMqttBridge second = new ExternalMqttBridge(options(), registry)) {
            second.start(collecting(received));
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            registry.find("fogbridge.external.broker.dropped").counter() != null);
            Thread.sleep(1500); // the backlog drains; the counter is published once a second
            long missing = 500 - received.size();
            assertThat(missing).as("the queue held about 100").isGreaterThan(300);
            assertThat(registry.get("fogbridge.external.broker.dropped")
                            .counter()
                            .count())
                    .isEqualTo((double) missing);
            assertThat(second.brokerDrops())
                    .isEqualTo("the broker dropped " + missing
                            + " messages it had acknowledged to devices; raise max_queued_messages");
        }
    }

    @Test
    void gatewayThatMayNotReadSysSaysDropsCannotBeSeen() throws Exception {
        Path acl = Files.writeString(
                dir.resolve("acl-without-sys"),
                Files.readString(DEPLOY.resolve("acl"))
                        .replace("topic read $SYS/broker/publish/messages/dropped\n", ""));
        assertThat(Files.readString(acl)).doesNotContain("topic read $SYS");
        start("", acl);
        try (ExternalMqttBridge bridge =
                new ExternalMqttBridge(options(), null, java.time.Clock.systemUTC(), Duration.ofSeconds(3))) {
            bridge.start(collecting(ConcurrentHashMap.newKeySet()));
            assertThat(bridge.ready()).as("the routed filters are not affected").isTrue();
            assertThat(bridge.brokerDropsUnseen()).isNull();
            await().atMost(Duration.ofSeconds(10)).until(() -> bridge.brokerDropsUnseen() != null);
            assertThat(bridge.brokerDropsUnseen())
                    .startsWith(
                            "drops at the broker cannot be seen: no $SYS/broker/publish/messages/dropped within 3 s");
        }
    }

    private void start(String overrides) throws Exception {
        start(overrides, DEPLOY.resolve("acl"));
    }

    private void start(String overrides, Path acl) throws Exception {
        Path passwords = dir.resolve("passwd");
        for (String user : List.of(GATEWAY_USER, "lathe-1", "press-9")) {
            List<String> command =
                    new ArrayList<>(List.of(TestEnv.peer("mosquitto_passwd").toString(), "-b"));
            if (!Files.exists(passwords)) {
                command.add("-c");
            }
            command.addAll(List.of(passwords.toString(), user, PASSWORD));
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(() -> command.toString()).isZero();
        }
        Files.createDirectories(dir.resolve("data"));
        String shipped = Files.readString(DEPLOY.resolve("mosquitto.conf"));
        String root = "root".equals(System.getProperty("user.name")) ? "user root\n" : ""; // see MosquittoBroker
        mosquitto = MosquittoBroker.startWithConfig(
                dir.resolve("broker"),
                port -> shipped.replace("listener 1883", "listener " + port + " 127.0.0.1")
                                .replace(
                                        "/etc/mosquitto/passwd",
                                        passwords.toAbsolutePath().toString())
                                .replace(
                                        "/etc/mosquitto/acl",
                                        acl.toAbsolutePath().toString())
                                .replace(
                                        "/var/lib/mosquitto/",
                                        dir.resolve("data").toAbsolutePath() + "/")
                        + root
                        + overrides);
    }

    private String brokerLog() {
        try {
            return mosquitto.log();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private ExternalBrokerOptions options() {
        return ExternalBrokerOptions.builder(URI.create(mosquitto.uri()), "edge-1")
                .credentials(GATEWAY_USER, PASSWORD)
                .filters(List.of("telemetry/#", "event/#"))
                .sharedGroup("fogbridge")
                .reconnectMaxDelay(Duration.ofSeconds(1))
                .retryMaxDelay(Duration.ofMillis(200))
                .startTimeout(Duration.ofSeconds(15))
                .build();
    }

    private Mqtt5AsyncClient device(String user) throws Exception {
        Mqtt5AsyncClient client = Mqtt5Client.builder()
                .identifier(user)
                .serverHost("127.0.0.1")
                .serverPort(mosquitto.port())
                .simpleAuth()
                .username(user)
                .password(PASSWORD.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .buildAsync();
        client.connect().get(15, TimeUnit.SECONDS);
        devices.add(client);
        return client;
    }

    private static void publish(Mqtt5AsyncClient device, String topic, String text) throws Exception {
        device.publishWith()
                .topic(topic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(text.getBytes(StandardCharsets.UTF_8))
                .send()
                .get(10, TimeUnit.SECONDS);
    }

    private static ControllableUplink collecting(Set<String> received) {
        Outcome accepted = new Outcome.Accepted(Lane.BULK, 1);
        return new ControllableUplink().answering(message -> {
            received.add(text(message));
            return accepted;
        });
    }

    private static String text(InboundMessage message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }
}
