package io.fogbridge.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One device ({@code fogbridge.io/v1alpha1}, kind {@code Device}): an MQTT, HTTP or CoAP device that connects to a
 * gateway, or a Modbus slave or OPC UA server the gateway polls. {@code spec} is what it should be (who it is, how it
 * proves it, which gateway serves it, its typed protocol section, the {@code desired} properties); {@code status} is
 * what was observed (registered, connected, the {@code reported} twin). The device id is {@code metadata.name} (or {@code spec.deviceId}); the
 * CRD ({@code META-INF/fabric8/devices.fogbridge.io-v1.yml}) is generated from these types at build time.
 */
@Group(Gateway.GROUP)
@Version(Gateway.VERSION)
@ShortNames("fdev")
@AdditionalPrinterColumn(name = "TENANT", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".spec.tenant")
@AdditionalPrinterColumn(
        name = "GATEWAY",
        type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.assignedGateway")
@AdditionalPrinterColumn(
        name = "CONNECTED",
        type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Connected\")].status")
@AdditionalPrinterColumn(name = "LAST SEEN", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".status.lastSeen")
public class Device extends CustomResource<DeviceSpec, DeviceStatus> implements Namespaced {

    /**
     * The device id on the wire: its topics, its Kafka key, its registry entry. {@code spec.deviceId} when set (an id
     * that is no Kubernetes name, such as an onboarded certificate's CN), else {@code metadata.name}.
     */
    public String deviceId() {
        return getSpec() != null && getSpec().deviceId != null
                ? getSpec().deviceId
                : getMetadata().getName();
    }
}
