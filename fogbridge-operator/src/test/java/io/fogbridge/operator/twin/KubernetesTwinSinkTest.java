package io.fogbridge.operator.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fogbridge.gateway.twin.TwinUpdate;
import io.fogbridge.operator.Devices;
import io.fogbridge.operator.OperatorFixture;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sink against fabric8's mock API server (CRUD), with the requests it sends. */
class KubernetesTwinSinkTest {

    private KubernetesMockServer server;
    private KubernetesClient client;
    private SimpleMeterRegistry registry;
    private KubernetesTwinSink sink;

    @BeforeEach
    void start() {
        server = OperatorFixture.mockServer();
        client = server.createClient();
        registry = new SimpleMeterRegistry();
        sink = new KubernetesTwinSink(client, registry, DeviceNames.BY_NAME);
    }

    @AfterEach
    void stop() {
        sink.close();
        client.close();
        server.destroy();
    }

    @Test
    void readsOnlyWhenConnectedChangesAndKeepsTheOperatorsConditions() throws Exception {
        Device device =
                client.resource(Devices.mqtt("plant-1", "lathe-7", "gw-1")).create();
        DeviceStatus status = new DeviceStatus();
        status.conditions.add(new Condition("Registered", Condition.Status.TRUE, "Rendered", null));
        device.setStatus(status);
        client.resource(device).updateStatus();
        requests();

        assertThat(sink.write(List.of(update(true, 21)))).isEmpty();
        // The first since the operator started: read, then one write of the values and the whole condition list.
        assertThat(requests()).containsExactly("GET", "PATCH status");
        // Connected as written: the values alone, with no read.
        assertThat(sink.write(List.of(update(true, 22)))).isEmpty();
        assertThat(requests()).containsExactly("PATCH status");

        Device written = client.resources(Device.class)
                .inNamespace("plant-1")
                .withName("lathe-7")
                .get();
        assertThat(written.getStatus().reported.get("temperature").value.asInt())
                .isEqualTo(22);
        assertThat(written.getStatus().condition("Registered").orElseThrow().status)
                .isEqualTo(Condition.Status.TRUE);
        assertThat(written.getStatus().condition("Connected").orElseThrow().status)
                .isEqualTo(Condition.Status.TRUE);

        requests(); // the test's own reads
        assertThat(sink.write(List.of(update(false, 22)))).isEmpty();
        assertThat(requests()).as("Connected changes: one read, one write").containsExactly("GET", "PATCH status");
        written = client.resources(Device.class)
                .inNamespace("plant-1")
                .withName("lathe-7")
                .get();
        assertThat(written.getStatus().condition("Connected").orElseThrow().status)
                .isEqualTo(Condition.Status.FALSE);
        assertThat(written.getStatus().conditions).extracting(c -> c.type).containsExactly("Registered", "Connected");
        assertThat(registry.counter(KubernetesTwinSink.GONE_METRIC).count()).isZero();
    }

    @Test
    void anUpdateForADeletedDeviceIsDroppedAndCounted() {
        assertThat(sink.write(List.of(update(true, 21))))
                .as("failed, to be retried")
                .isEmpty();
        assertThat(registry.counter(KubernetesTwinSink.GONE_METRIC).count()).isEqualTo(1.0);
    }

    private static TwinUpdate update(boolean connected, int temperature) {
        Instant at = Instant.parse("2026-12-04T19:00:00Z");
        return new TwinUpdate(
                "plant-1",
                "lathe-7",
                connected,
                at,
                Map.of("temperature", new TwinUpdate.Reading(IntNode.valueOf(temperature), at)));
    }

    /** The requests since the last call: their method, and "status" for the status subresource's. */
    private List<String> requests() throws InterruptedException {
        List<String> seen = new ArrayList<>();
        var request = server.takeRequest(50, TimeUnit.MILLISECONDS);
        while (request != null) {
            seen.add(request.getMethod() + (request.getPath().endsWith("/status") ? " status" : ""));
            request = server.takeRequest(50, TimeUnit.MILLISECONDS);
        }
        return seen;
    }
}
