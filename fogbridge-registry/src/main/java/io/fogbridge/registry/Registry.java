package io.fogbridge.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.security.auth.x500.X500Principal;

/**
 * An immutable snapshot of tenants and devices. A {@link DeviceRegistry} swaps whole snapshots, so a reader always
 * sees one consistent version. Thread-safe.
 */
public final class Registry {

    public static final Registry EMPTY = new Registry(Map.of());

    private final Map<String, Tenant> tenants;
    private final Map<X500Principal, List<Device>> bySubject;

    public Registry(Map<String, Tenant> tenants) {
        this.tenants = Map.copyOf(tenants);
        Map<X500Principal, List<Device>> index = new HashMap<>();
        for (Tenant tenant : this.tenants.values()) {
            for (Device device : tenant.devices().values()) {
                for (Credential credential : device.credentials()) {
                    if (credential instanceof Credential.X509Cert cert) {
                        index.computeIfAbsent(cert.subject(), s -> new ArrayList<>())
                                .add(device);
                    }
                }
            }
        }
        index.replaceAll((subject, devices) -> List.copyOf(devices));
        this.bySubject = Map.copyOf(index);
    }

    public Map<String, Tenant> tenants() {
        return tenants;
    }

    public Optional<Tenant> tenant(String tenantId) {
        return Optional.ofNullable(tenants.get(tenantId));
    }

    public Optional<Device> device(String tenantId, String deviceId) {
        Tenant tenant = tenants.get(tenantId);
        return tenant == null
                ? Optional.empty()
                : Optional.ofNullable(tenant.devices().get(deviceId));
    }

    /** Devices (of any tenant) with an {@code x509-cert} credential for this subject. */
    public List<Device> devicesWithSubject(X500Principal subject) {
        return bySubject.getOrDefault(subject, List.of());
    }

    /**
     * What loads but cannot work as written, for the log and {@code config check}: a tenant whose devices have
     * certificate credentials but which trusts no CA (none of those certificates can log in). Each warning names the
     * tenant and the command that fixes it.
     */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        for (Tenant tenant : new TreeMap<>(tenants).values()) {
            List<String> certificateDevices = tenant.devices().values().stream()
                    .filter(d -> d.credentials().stream().anyMatch(Credential.X509Cert.class::isInstance))
                    .map(Device::id)
                    .sorted()
                    .toList();
            if (!certificateDevices.isEmpty() && tenant.trustedCas().isEmpty()) {
                warnings.add(noTrustedCa(tenant.id(), certificateDevices));
            }
        }
        return warnings;
    }

    private static String noTrustedCa(String tenant, List<String> certificateDevices) {
        return "tenant " + tenant + " has no trustedCa, so the certificates of " + String.join(", ", certificateDevices)
                + " cannot log in; run `fogbridge tenant set-ca " + tenant + " <ca.pem>` (the CA that issued them)";
    }

    public int deviceCount() {
        return tenants.values().stream().mapToInt(t -> t.devices().size()).sum();
    }

    @Override
    public String toString() {
        return "Registry[" + tenants.size() + " tenants, " + deviceCount() + " devices]";
    }
}
