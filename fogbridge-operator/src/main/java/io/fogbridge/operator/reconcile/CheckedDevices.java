package io.fogbridge.operator.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceCredentials;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.model.DeviceCheck;
import io.fogbridge.operator.model.InvalidDevice;
import io.fogbridge.operator.model.RenderedDevice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * {@link DeviceCheck}'s verdicts on each Gateway's Devices, kept while a Device's generation and the resource versions
 * of the Secrets its credentials name stay the same. A Gateway is reconciled every 30 s for its figures and on every
 * change of its objects; with 100 Devices each, checking every one again each time (the registry loader and the
 * gateway's config loader, per Device) was most of the operator's idle CPU. A refused Device is checked again every
 * time (it may have been fixed by a Secret that appeared). Per Gateway, replaced whole on each of its reconciles, so a
 * deleted Device leaves it. Thread-safe: JOSDK reconciles different Gateways on different threads, one Gateway on one
 * at a time.
 */
final class CheckedDevices {

    /** What a check found, and of which generation and Secrets. */
    private record Verdict(Long generation, String secretVersions, String bcryptHash, byte[] psk) {}

    private final Map<String, Map<String, Verdict>> byGateway = new ConcurrentHashMap<>();

    /**
     * The valid ones of {@code devices}, checked again only where something changed.
     *
     * @param refused hears each Device left out, and why
     */
    List<RenderedDevice> check(
            Gateway gateway,
            List<Device> devices,
            DeviceCheck.SecretLookup secrets,
            BiConsumer<Device, InvalidDevice> refused) {
        String key = gateway.getMetadata().getNamespace() + "/"
                + gateway.getMetadata().getName();
        Map<String, Verdict> before = byGateway.getOrDefault(key, Map.of());
        Map<String, Verdict> now = new HashMap<>();
        List<RenderedDevice> valid = new ArrayList<>();
        for (Device device : devices) {
            String id = device.getMetadata().getUid() != null
                    ? device.getMetadata().getUid()
                    : device.getMetadata().getNamespace() + "/"
                            + device.getMetadata().getName();
            Long generation = device.getMetadata().getGeneration();
            String versions = secretVersions(device, secrets);
            Verdict known = before.get(id);
            if (known != null
                    && java.util.Objects.equals(known.generation(), generation)
                    && known.secretVersions().equals(versions)) {
                valid.add(new RenderedDevice(device, known.bcryptHash(), known.psk()));
                now.put(id, known);
                continue;
            }
            try {
                RenderedDevice rendered = DeviceCheck.check(device, secrets);
                valid.add(rendered);
                now.put(id, new Verdict(generation, versions, rendered.bcryptHash(), rendered.psk()));
            } catch (InvalidDevice e) {
                refused.accept(device, e);
            }
        }
        byGateway.put(key, now);
        return valid;
    }

    private static String secretVersions(Device device, DeviceCheck.SecretLookup secrets) {
        DeviceCredentials credentials = device.getSpec().credentials;
        return credentials == null
                ? ""
                : version(credentials.bcryptHash, secrets) + "," + version(credentials.psk, secrets);
    }

    private static String version(DeviceCredentials.SecretKeyRef ref, DeviceCheck.SecretLookup secrets) {
        if (ref == null) {
            return "-";
        }
        Secret secret = secrets.find(ref.name);
        return secret == null
                ? "missing"
                : ref.name + "@" + secret.getMetadata().getResourceVersion();
    }
}
