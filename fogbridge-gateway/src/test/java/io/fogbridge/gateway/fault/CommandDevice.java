package io.fogbridge.gateway.fault;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An actuator on a real HiveMQ MQTT 5 client, authenticated as {@code device@tenant} with a password: subscribes
 * at QoS 1 to {@code command/<tenant>/<device>/req/#}, records every command it receives (in arrival order,
 * repeats included) and answers each on {@code command/<tenant>/<device>/res/<request-id>/200} with the payload
 * {@code done:<request-id>}.
 *
 * <p>A command is recorded in the receive callback, before the client sends the PUBACK: whatever the gateway
 * saw acknowledged is in {@link #received()}. A response whose PUBLISH was not PUBACKed (the gateway died) is
 * sent again on the next {@link #connect}, as a real device keeps an unsent response. One connection per
 * {@code connect}; after the gateway is killed, call {@link #disconnect} and {@code connect} again.
 *
 * <p>Thread-safe: the client's callbacks and the test thread share the recorded state under its lock.
 */
public final class CommandDevice implements AutoCloseable {

    /** One command as the device saw it. */
    public record Received(String requestId, String name, String payload) {}

    private final String tenant;
    private final String device;
    private final String password;
    private final int port;
    private final List<Received> received = new ArrayList<>();
    private final Set<String> unanswered = new LinkedHashSet<>();
    private final Set<String> answered = new LinkedHashSet<>();
    private Mqtt5AsyncClient client;
    private int connection;

    public CommandDevice(String tenant, String device, String password, int mqttPort) {
        this.tenant = tenant;
        this.device = device;
        this.password = password;
        this.port = mqttPort;
    }

    /** Connects, subscribes to the command topic and sends the responses the last connection could not. */
    public void connect(Duration timeout) throws Exception {
        Mqtt5AsyncClient next;
        synchronized (this) {
            connection++;
            next = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier(device + "-" + connection)
                    .serverHost("127.0.0.1")
                    .serverPort(port)
                    .simpleAuth()
                    .username(device + "@" + tenant)
                    .password(password.getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth()
                    .buildAsync();
            client = next;
        }
        next.connectWith().cleanStart(true).send().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        next.subscribeWith()
                .topicFilter("command/" + tenant + "/" + device + "/req/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(publish -> onCommand(next, publish))
                .send()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<String> retry;
        synchronized (this) {
            retry = List.copyOf(unanswered);
        }
        retry.forEach(requestId -> respond(next, requestId));
    }

    public void disconnect() {
        Mqtt5AsyncClient current;
        synchronized (this) {
            current = client;
            client = null;
        }
        if (current != null) {
            try {
                current.disconnect().get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // the gateway is gone: nothing to say goodbye to
            }
        }
    }

    /** Every command received so far, in arrival order, repeats included. */
    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** Request ids whose response the gateway PUBACKed. */
    public synchronized Set<String> answered() {
        return Set.copyOf(answered);
    }

    private void onCommand(Mqtt5AsyncClient via, Mqtt5Publish publish) {
        // command/<tenant>/<device>/req/<request-id>/<name>
        String[] levels = publish.getTopic().toString().split("/", -1);
        String requestId = levels.length > 4 ? levels[4] : "";
        String name = levels.length > 5 ? levels[5] : "";
        synchronized (this) {
            received.add(
                    new Received(requestId, name, new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8)));
            if (requestId.isEmpty() || answered.contains(requestId)) {
                return; // one-way, or a repeat the cloud already has an answer to
            }
            unanswered.add(requestId);
        }
        respond(via, requestId);
    }

    private void respond(Mqtt5AsyncClient via, String requestId) {
        via.publishWith()
                .topic("command/" + tenant + "/" + device + "/res/" + requestId + "/200")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(("done:" + requestId).getBytes(StandardCharsets.UTF_8))
                .send()
                .whenComplete((result, error) -> {
                    if (error == null && result.getError().isEmpty()) {
                        synchronized (this) {
                            unanswered.remove(requestId);
                            answered.add(requestId);
                        }
                    }
                });
    }

    @Override
    public void close() {
        disconnect();
    }
}
