package io.fogbridge.demo;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.TrustManagerFactory;

/**
 * A demo device: an MQTT 5 client that publishes one reading per period, at QoS 1, and waits for
 * the PUBACK before the next, as a real sensor with a small buffer would. Subclasses say what a
 * reading is, and may take commands ({@link #commandDevice()}, {@link #onCommand}). Not thread-safe;
 * {@link DemoDevices} runs each on its own scheduler slot; commands arrive on the client's thread.
 */
abstract class SimulatedDevice implements AutoCloseable {

    protected final String name;
    protected final Random random;
    private final Mqtt5AsyncClient client;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null);

    /**
     * @param login how the device authenticates: its {@code device@tenant} user name and password, over TLS trusting
     *              only the demo's CA
     */
    SimulatedDevice(String name, String host, int port, Login login, long seed) {
        this.name = name;
        this.random = new Random(seed);
        this.client = MqttClient.builder()
                .useMqttVersion5()
                .identifier("demo-" + name)
                .serverHost(host)
                .serverPort(port)
                .sslConfig(MqttClientSslConfig.builder()
                        .trustManagerFactory(login.trust())
                        .protocols(List.of("TLSv1.3", "TLSv1.2"))
                        .build())
                .simpleAuth()
                .username(login.username())
                .password(login.password().getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .automaticReconnect()
                .initialDelay(200, TimeUnit.MILLISECONDS)
                .maxDelay(5, TimeUnit.SECONDS)
                .applyAutomaticReconnect()
                // Every connection starts clean (the first and each automatic reconnect): subscribe again each time.
                .addConnectedListener(context -> subscribeToCommands())
                .buildAsync();
    }

    /** The device whose commands this one takes ({@code command/demo/<device>/req/#}), or null for none. */
    String commandDevice() {
        return null;
    }

    /** Handles a command; the answer goes to {@code command/demo/<device>/res/<request-id>/<status>}. */
    Reply onCommand(String name, byte[] payload) {
        return new Reply(404, "{\"error\":\"unknown command " + name + "\"}");
    }

    private void subscribeToCommands() {
        String device = commandDevice();
        if (device != null) {
            client.subscribeWith()
                    .topicFilter("command/demo/" + device + "/req/#")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .callback(publish -> answer(device, publish))
                    .send();
        }
    }

    private void answer(String device, Mqtt5Publish command) {
        // command/demo/<device>/req/<request-id>/<name>; an empty request id is a one-way command.
        String[] levels = command.getTopic().toString().split("/", -1);
        if (levels.length != 6) {
            return;
        }
        Reply reply = onCommand(levels[5], command.getPayloadAsBytes());
        if (!levels[4].isEmpty()) {
            client.publishWith()
                    .topic("command/demo/" + device + "/res/" + levels[4] + "/" + reply.status())
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .contentType("application/json")
                    .payload(reply.json().getBytes(StandardCharsets.UTF_8))
                    .send();
        }
    }

    void connect(Duration timeout) throws Exception {
        client.connectWith().cleanStart(true).send().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Publishes the next reading unless the previous one is still waiting for its PUBACK. */
    final void tick() {
        if (!inFlight.isDone() || !client.getState().isConnected()) {
            return;
        }
        Reading reading = next();
        inFlight = client.publishWith()
                .topic(reading.topic())
                .qos(MqttQos.AT_LEAST_ONCE)
                .contentType("application/json")
                .payload(reading.json().getBytes(StandardCharsets.UTF_8))
                .send()
                .whenComplete((result, error) -> {
                    if (error == null && result.getError().isEmpty()) {
                        acknowledged.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                });
    }

    abstract Reading next();

    long acknowledged() {
        return acknowledged.get();
    }

    long failed() {
        return failed.get();
    }

    Mqtt5AsyncClient client() {
        return client;
    }

    @Override
    public void close() {
        try {
            client.disconnect().get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // Shutting down: a device that cannot say goodbye is simply gone.
        }
    }

    record Reading(String topic, String json) {}

    /** A command's outcome: an HTTP-like status and a JSON body. */
    record Reply(int status, String json) {}

    /** A device's credentials; {@link #toString()} hides the password. */
    record Login(String username, String password, TrustManagerFactory trust) {
        @Override
        public String toString() {
            return username;
        }
    }
}
