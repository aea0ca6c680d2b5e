package io.fogbridge.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceCredentials;
import io.fogbridge.operator.crd.DeviceSpec;
import io.fogbridge.operator.crd.ModbusDeviceSpec;
import io.fogbridge.registry.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Device resources and their Secrets for tests. */
public final class Devices {

    private Devices() {}

    /** An MQTT device of tenant acme on {@code gateway}, whose password hash is in Secret {@code <name>-credentials}. */
    public static Device mqtt(String namespace, String name, String gateway) {
        Device device = new Device();
        device.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        DeviceSpec spec = new DeviceSpec();
        spec.tenant = "acme";
        spec.gateway = gateway;
        spec.protocol = DeviceSpec.Protocol.MQTT;
        spec.credentials = new DeviceCredentials();
        spec.credentials.bcryptHash = new DeviceCredentials.SecretKeyRef(name + "-credentials", "hash");
        spec.labels = Map.of("machine", name);
        device.setSpec(spec);
        return device;
    }

    /** The Secret {@link #mqtt} points to, holding the bcrypt hash of {@code password} (cost 4: tests are cheap). */
    public static Secret credentials(String namespace, String device, String password) {
        String hash = PasswordHasher.hash(password.toCharArray(), 4);
        return new SecretBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(device + "-credentials")
                .endMetadata()
                .withData(Map.of("hash", Base64.getEncoder().encodeToString(hash.getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    /** A Modbus TCP device with one holding register, {@code temperature}, polled every second. */
    public static Device modbus(String namespace, String name, String gateway, String host, int port) {
        Device device = new Device();
        device.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        DeviceSpec spec = new DeviceSpec();
        spec.tenant = "acme";
        spec.gateway = gateway;
        spec.protocol = DeviceSpec.Protocol.MODBUS;
        spec.modbus = new ModbusDeviceSpec();
        spec.modbus.host = host;
        spec.modbus.port = port;
        spec.modbus.timeout = "500ms";
        ModbusDeviceSpec.Tag tag = new ModbusDeviceSpec.Tag();
        tag.name = "temperature";
        tag.table = "holding-registers";
        tag.address = "0x10";
        tag.type = "int16";
        tag.scale = 0.1;
        tag.unit = "°C";
        spec.modbus.tags = List.of(tag);
        device.setSpec(spec);
        return device;
    }
}
