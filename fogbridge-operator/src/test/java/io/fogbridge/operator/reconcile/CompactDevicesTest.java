package io.fogbridge.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fogbridge.operator.Devices;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Devices as an informer gets them: each deserialized on its own, so equal strings are distinct instances. */
class CompactDevicesTest {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    @Test
    void managedFieldsAreDroppedAndEverythingElseIsKept() {
        Device device = deserialized("lathe-7");
        String before = withoutManagedFields(device);

        Device kept = new CompactDevices(new SharedStrings(1024)).compact(device);

        assertThat(kept.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(SERIALIZATION.asJson(kept)).isEqualTo(before);
    }

    @Test
    void repeatedStringsOfTwoDevicesAreOneInstance() {
        CompactDevices store = new CompactDevices(new SharedStrings(1024));
        Device a = deserialized("lathe-7");
        Device b = deserialized("lathe-8");
        assertThat(b.getSpec().tenant).isEqualTo(a.getSpec().tenant).isNotSameAs(a.getSpec().tenant);

        store.put("plant-1/lathe-7", a);
        store.put("plant-1/lathe-8", b);

        assertThat(b.getMetadata().getNamespace()).isSameAs(a.getMetadata().getNamespace());
        assertThat(b.getSpec().tenant).isSameAs(a.getSpec().tenant);
        assertThat(b.getSpec().gateway).isSameAs(a.getSpec().gateway);
        assertThat(b.getSpec().credentials.bcryptHash.key).isSameAs(a.getSpec().credentials.bcryptHash.key);
        assertThat(labelKey(b)).isSameAs(labelKey(a));
        assertThat(b.getMetadata().getLabels().get("site"))
                .isSameAs(a.getMetadata().getLabels().get("site"));
        assertThat(b.getStatus().conditions.get(0).reason)
                .isSameAs(a.getStatus().conditions.get(0).reason);
        assertThat(b.getStatus().assignedGateway).isSameAs(a.getStatus().assignedGateway);
        // Unique to each: still their own.
        assertThat(b.getMetadata().getName()).isEqualTo("lathe-8");
        assertThat(store.get("plant-1/lathe-8")).isSameAs(b);
    }

    @Test
    void theGatewayReconcilersCopyIsStrippedAndCompact() {
        Device device = deserialized("lathe-7");

        new StrippedDevices().put("plant-1/lathe-7", device);

        assertThat(device.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(device.getStatus().conditions).isEmpty();
        assertThat(device.getStatus().assignedGateway).isEqualTo("gw-1");
    }

    private static String labelKey(Device device) {
        return device.getMetadata().getLabels().keySet().iterator().next();
    }

    /** A Device as the API server sends it: labels, managed fields and a status, through JSON. */
    private static Device deserialized(String name) {
        Device device = Devices.mqtt("plant-1", name, "gw-1");
        device.getMetadata().setLabels(Map.of("site", "hall-3"));
        device.getMetadata().setUid(name + "-uid");
        device.getMetadata()
                .setManagedFields(List.of(new ManagedFieldsEntryBuilder()
                        .withManager("kubectl-client-side-apply")
                        .withOperation("Update")
                        .withApiVersion("fogbridge.io/v1alpha1")
                        .withTime("2026-12-04T18:00:00Z")
                        .withFieldsType("FieldsV1")
                        .build()));
        DeviceStatus status = new DeviceStatus();
        status.assignedGateway = "gw-1";
        status.conditions.add(new Condition("Registered", Condition.Status.TRUE, "Rendered", "in gw-1-devices"));
        device.setStatus(status);
        return SERIALIZATION.unmarshal(SERIALIZATION.asJson(device), Device.class);
    }

    private static String withoutManagedFields(Device device) {
        Device copy = SERIALIZATION.clone(device);
        copy.getMetadata().setManagedFields(null);
        return SERIALIZATION.asJson(copy);
    }
}
