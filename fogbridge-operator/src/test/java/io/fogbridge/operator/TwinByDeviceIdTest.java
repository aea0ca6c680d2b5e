package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fogbridge.gateway.twin.TwinUpdate;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.reconcile.DeviceReconciler;
import io.fogbridge.operator.twin.DeviceNames;
import io.fogbridge.operator.twin.KubernetesTwinSink;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A device whose id is no Kubernetes name (an onboarded certificate's CN) is a Device named by a hash with the id in
 * {@code spec.deviceId}; its twin updates name it by the id, and the operator's sink finds it through the Device
 * reconciler's informer index. On fabric8's mock API server, with the operator running.
 */
class TwinByDeviceIdTest {

    private static final String ID = "Lathe_7";
    private static final String NAME = "device-5f0c2a9e41";

    @Test
    void anUpdateByDeviceIdIsWrittenToTheDeviceNamedByAHash() throws Exception {
        KubernetesMockServer server = OperatorFixture.mockServer();
        KubernetesClient client = server.createClient();
        DeviceReconciler devices = new DeviceReconciler(Clock.systemUTC());
        Operator operator = OperatorFixture.startOperator(client, devices);
        try {
            Device device = Devices.mqtt("plant-1", NAME, "gw-1");
            device.getSpec().deviceId = ID;
            client.resource(device).create();
            long deadline = System.currentTimeMillis() + 15_000;
            while (!devices.deviceNames().nameOf("plant-1", ID).equals(NAME) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(devices.deviceNames().nameOf("plant-1", ID)).isEqualTo(NAME);
            assertThat(devices.deviceNames().nameOf("plant-2", ID))
                    .as("another namespace")
                    .isEqualTo(ID);
            assertThat(devices.deviceNames().nameOf("plant-1", "lathe-8")).isEqualTo("lathe-8");

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (var byId = new KubernetesTwinSink(client, registry, devices.deviceNames());
                    var byName = new KubernetesTwinSink(client, registry, DeviceNames.BY_NAME)) {
                assertThat(byName.write(List.of(update(20)))).isEmpty();
                assertThat(registry.counter(KubernetesTwinSink.GONE_METRIC).count())
                        .as("by name: no such Device")
                        .isEqualTo(1.0);

                assertThat(byId.write(List.of(update(21)))).isEmpty();
                assertThat(registry.counter(KubernetesTwinSink.GONE_METRIC).count())
                        .isEqualTo(1.0);
            }
            Device written = client.resources(Device.class)
                    .inNamespace("plant-1")
                    .withName(NAME)
                    .get();
            assertThat(written.getStatus().reported.get("temperature").value.asInt())
                    .isEqualTo(21);
            assertThat(written.getStatus().condition("Connected")).isPresent();
        } finally {
            operator.stop();
            client.close();
            server.destroy();
        }
    }

    private static TwinUpdate update(int temperature) {
        Instant at = Instant.parse("2026-12-04T19:00:00Z");
        return new TwinUpdate(
                "plant-1",
                ID,
                true,
                at,
                Map.of("temperature", new TwinUpdate.Reading(IntNode.valueOf(temperature), at)));
    }
}
