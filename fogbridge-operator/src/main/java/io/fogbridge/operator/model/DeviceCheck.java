package io.fogbridge.operator.model;

import io.fabric8.kubernetes.api.model.Secret;
import io.fogbridge.gateway.config.ConfigException;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceCredentials;
import io.fogbridge.operator.crd.DeviceSpec;
import io.fogbridge.registry.RegistryFileException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks one Device alone, with the gateway's own loaders: its registry entry with the registry file's loader, its
 * converter and reduction entries with gateway.yaml's config loader. One bad Device is refused on its own (its
 * {@code Registered} condition says why) and never keeps the rest of its Gateway's devices from being rendered.
 * No client calls: the Secrets come through {@link SecretLookup}.
 */
public final class DeviceCheck {

    /** The Secrets of the Device's namespace, by name; null when there is none. */
    @FunctionalInterface
    public interface SecretLookup {
        Secret find(String name);
    }

    private DeviceCheck() {}

    /**
     * @throws InvalidDevice with reason {@code PendingApproval}, {@code SecretNotFound}, {@code InvalidCredentials},
     *                       {@code NoCredentials} or {@code InvalidSpec}
     */
    public static RenderedDevice check(Device device, SecretLookup secrets) throws InvalidDevice {
        DeviceSpec spec = device.getSpec();
        if (Boolean.FALSE.equals(spec.approved)) {
            // A proposal (field discovery) or a device waiting to be admitted: nothing is rendered for it, so a
            // converter never polls a device nobody approved. Absent means approved: Devices written by hand.
            throw new InvalidDevice(
                    "PendingApproval",
                    "waiting for approval: kubectl patch fdev "
                            + device.getMetadata().getName() + " --type merge -p '{\"spec\":{\"approved\":true}}'");
        }
        DeviceCredentials credentials = spec.credentials;
        byte[] hash = credentials == null ? null : secretValue(credentials.bcryptHash, "bcryptHash", secrets);
        byte[] psk = credentials == null ? null : secretValue(credentials.psk, "psk", secrets);
        boolean subject = credentials != null && credentials.certificateSubject != null;
        if (!spec.protocol.polled() && hash == null && psk == null && !subject) {
            throw new InvalidDevice(
                    "NoCredentials",
                    "a " + spec.protocol.name().toLowerCase(java.util.Locale.ROOT) + " device connects, so it needs"
                            + " spec.credentials (bcryptHash, psk or certificateSubject)");
        }
        RenderedDevice rendered =
                new RenderedDevice(device, hash == null ? null : new String(hash, StandardCharsets.UTF_8).strip(), psk);
        DeviceSet alone = DeviceSet.of(List.of(rendered));
        try {
            DeviceSet.read(alone.registryYamlUnchecked());
        } catch (RegistryFileException e) {
            throw new InvalidDevice("InvalidCredentials", e.getMessage().replaceFirst("^[^:]*: ", ""));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("gateway", Map.of("id", "device-check"));
        doc.put("kafka", Map.of("bootstrapServers", "kafka:9092"));
        alone.addConverters(doc);
        try {
            ConfigLoader.load("Device " + device.getMetadata().getName(), GatewayConfigRenderer.yaml(doc), Map.of());
        } catch (ConfigException e) {
            throw new InvalidDevice("InvalidSpec", String.join("\n", e.problems()));
        }
        return rendered;
    }

    /** The value of a Secret key, or null when {@code ref} is; the {@code what} names the field in a refusal. */
    public static byte[] secretValue(DeviceCredentials.SecretKeyRef ref, String what, SecretLookup secrets)
            throws InvalidDevice {
        if (ref == null) {
            return null;
        }
        Secret secret = secrets.find(ref.name);
        if (secret == null) {
            throw new InvalidDevice(
                    "SecretNotFound", "credentials." + what + ": no Secret '" + ref.name + "' in this namespace");
        }
        if (secret.getData() != null && secret.getData().containsKey(ref.key)) {
            return Base64.getDecoder().decode(secret.getData().get(ref.key));
        }
        if (secret.getStringData() != null && secret.getStringData().containsKey(ref.key)) {
            return secret.getStringData().get(ref.key).getBytes(StandardCharsets.UTF_8);
        }
        throw new InvalidDevice(
                "SecretNotFound", "credentials." + what + ": Secret '" + ref.name + "' has no key '" + ref.key + "'");
    }
}
