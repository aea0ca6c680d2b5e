package io.fogbridge.operator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fogbridge.operator.crd.DeviceCredentials;
import io.fogbridge.operator.crd.DeviceSpec;
import io.fogbridge.registry.RegistryFile;
import io.fogbridge.registry.RegistryFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The devices of one Gateway, rendered: the registry file in the gateway's own format ({@link RegistryFile}), the
 * CoAP pre-shared key file, and the converter and reduction entries of its gateway.yaml. The registry and the keys go
 * into a Secret the Gateway owns, mounted in the pod: the gateway polls the file and applies a change without a
 * restart (a removed device's open connections close). Deterministic: devices are sorted by tenant and id, so an
 * unchanged set renders the same bytes and writes nothing. Pure but for a temporary file to have the registry loader
 * read what was rendered.
 */
public final class DeviceSet {

    public static final String REGISTRY_FILE = "registry.yaml";
    public static final String PSK_FILE = "psk.keys";
    /** Secret key listing {@code tenant/id@generation} per line: lets each Device see its generation was rendered. */
    public static final String RENDERED_LIST = "rendered-devices";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    /** The CAs of every tenant, one PEM: what listeners that ask for client certificates trust. */
    public static final String CLIENT_CAS_FILE = "client-cas.pem";

    private final List<RenderedDevice> devices;
    private final List<RenderedTenant> tenants;

    private DeviceSet(List<RenderedDevice> devices, List<RenderedTenant> tenants) {
        this.devices = devices.stream()
                .sorted(Comparator.comparing(RenderedDevice::tenant).thenComparing(RenderedDevice::id))
                .toList();
        this.tenants = tenants.stream()
                .sorted(Comparator.comparing(RenderedTenant::name))
                .toList();
    }

    public static DeviceSet of(List<RenderedDevice> devices) {
        return new DeviceSet(devices, List.of());
    }

    /** With the Gateway's {@code spec.tenants}: their CAs and onboarding policies go into the registry too. */
    public static DeviceSet of(List<RenderedDevice> devices, List<RenderedTenant> tenants) {
        return new DeviceSet(devices, tenants);
    }

    public List<RenderedDevice> devices() {
        return devices;
    }

    /** The Secret's data: the registry, the PSK file, the rendered list. */
    public Map<String, String> secretData() {
        Map<String, String> data = new TreeMap<>();
        data.put(REGISTRY_FILE, registryYaml());
        data.put(PSK_FILE, pskFile());
        data.put(TwinAccess.TWIN_FILE, twinYaml());
        data.put(RENDERED_LIST, devices.stream().map(d -> d.renderedAs() + "\n").collect(Collectors.joining()));
        data.putAll(caFiles());
        return data;
    }

    /** Each tenant's CA file, and all of them in {@link #CLIENT_CAS_FILE}; empty when no tenant names a CA. */
    Map<String, String> caFiles() {
        Map<String, String> files = new TreeMap<>();
        StringBuilder all = new StringBuilder();
        for (RenderedTenant tenant : tenants) {
            if (tenant.caPem() != null) {
                String pem = tenant.caPem().endsWith("\n") ? tenant.caPem() : tenant.caPem() + "\n";
                files.put(tenant.caFile(), pem);
                all.append(pem);
            }
        }
        if (!all.isEmpty()) {
            files.put(CLIENT_CAS_FILE, all.toString());
        }
        return files;
    }

    /** Whether some tenant onboards devices: the gateway then reports its newcomers. */
    boolean onboards() {
        return tenants.stream().anyMatch(t -> t.onboarding() != null);
    }

    /**
     * The registry file, as the gateway's {@link RegistryFile} reads it (it is read back here before it is returned).
     *
     * @throws IllegalStateException the loader refused it: a bug, since every device was checked alone
     */
    public String registryYaml() {
        String yaml = registryYamlUnchecked();
        try {
            read(yaml, caFiles());
        } catch (RegistryFileException e) {
            throw new IllegalStateException("rendered a registry the gateway refuses: " + e.getMessage(), e);
        }
        return yaml;
    }

    String registryYamlUnchecked() {
        Map<String, Object> tenants = new TreeMap<>();
        for (RenderedTenant tenant : this.tenants) {
            Map<String, Object> entry = new LinkedHashMap<>();
            if (tenant.caPem() != null) {
                entry.put("trustedCa", tenant.caFile());
            }
            if (tenant.onboarding() != null) {
                entry.put(
                        "onboarding",
                        tenant.onboarding().subjectPattern == null
                                ? ordered("policy", policy(tenant))
                                : ordered(
                                        "policy",
                                        policy(tenant),
                                        "subjectPattern",
                                        tenant.onboarding().subjectPattern));
            }
            entry.put("devices", new TreeMap<>());
            tenants.put(tenant.name(), entry);
        }
        for (RenderedDevice device : devices) {
            @SuppressWarnings("unchecked")
            Map<String, Object> tenant = (Map<String, Object>) tenants.computeIfAbsent(
                    device.tenant(), t -> new LinkedHashMap<>(Map.of("devices", new TreeMap<>())));
            @SuppressWarnings("unchecked")
            Map<String, Object> entries = (Map<String, Object>) tenant.get("devices");
            entries.put(device.id(), registryEntry(device));
        }
        try {
            return YAML.writeValueAsString(Map.of("tenants", tenants));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings always serialize", e);
        }
    }

    private static String policy(RenderedTenant tenant) {
        return tenant.onboarding().policy.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Reads {@code yaml} with the gateway's registry loader. */
    static void read(String yaml) throws RegistryFileException {
        read(yaml, Map.of());
    }

    /** Reads {@code yaml} with the gateway's registry loader, the CA files it names beside it. */
    static void read(String yaml, Map<String, String> files) throws RegistryFileException {
        try {
            Path dir = Files.createTempDirectory("fogbridge-registry");
            Path file = dir.resolve(REGISTRY_FILE);
            try {
                Files.writeString(file, yaml);
                for (Map.Entry<String, String> f : files.entrySet()) {
                    Files.writeString(dir.resolve(f.getKey()), f.getValue());
                }
                RegistryFile.read(file);
            } finally {
                try (var listing = Files.list(dir)) {
                    for (Path p : listing.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> registryEntry(RenderedDevice device) {
        DeviceCredentials credentials = device.device().getSpec().credentials;
        List<Map<String, Object>> entries = new ArrayList<>();
        String notAfter = credentials == null ? null : credentials.notAfter;
        if (device.bcryptHash() != null) {
            entries.add(credential("hashed-password", "hash", device.bcryptHash(), notAfter));
        }
        if (credentials != null && credentials.certificateSubject != null) {
            entries.add(credential("x509-cert", "subjectDn", credentials.certificateSubject, notAfter));
        }
        // A device with only a PSK (or a polled one) is registered without credentials: the key file proves a CoAP
        // device's identity, the registry says it exists and is enabled.
        return entries.isEmpty() ? ordered("enabled", true) : ordered("enabled", true, "credentials", entries);
    }

    /** Map.of's order changes from one JVM to the next; a rendered file must not. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Map<String, Object> credential(String type, String key, String value, String notAfter) {
        Map<String, Object> credential = new LinkedHashMap<>();
        credential.put("type", type);
        credential.put(key, value);
        if (notAfter != null) {
            credential.put("notAfter", notAfter);
        }
        return credential;
    }

    /**
     * The twin map the gateway reads with {@code twin.devicesFile} ({@code io.fogbridge.gateway.twin.TwinDevices}):
     * per device its tenant and id, its Device resource, and its properties' JSON paths; a Modbus or OPC UA device
     * without {@code properties} reports every tag or item under its own name.
     */
    public String twinYaml() {
        List<Object> entries = new ArrayList<>();
        for (RenderedDevice device : devices) {
            DeviceSpec spec = device.device().getSpec();
            Map<String, Object> properties = new TreeMap<>();
            if (spec.properties != null) {
                spec.properties.forEach(
                        (name, property) -> properties.put(name, property == null ? null : property.jsonPath));
            } else if (spec.modbus != null && spec.modbus.tags != null) {
                spec.modbus.tags.forEach(tag -> properties.put(tag.name, null));
            } else if (spec.opcua != null && spec.opcua.items != null) {
                spec.opcua.items.forEach(item -> properties.put(item.name, null));
            }
            Map<String, Object> entry = ordered(
                    "tenant",
                    device.tenant(),
                    "id",
                    device.id(),
                    "namespace",
                    device.device().getMetadata().getNamespace(),
                    "name",
                    device.device().getMetadata().getName());
            if (!properties.isEmpty()) {
                entry.put("properties", properties);
            }
            entries.add(entry);
        }
        try {
            return YAML.writeValueAsString(Map.of("devices", entries));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings always serialize", e);
        }
    }

    /** The CoAP DTLS key file: {@code device@tenant = base64:…} per device with a PSK. */
    public String pskFile() {
        StringBuilder text = new StringBuilder();
        for (RenderedDevice device : devices) {
            if (device.psk() != null) {
                text.append(device.id())
                        .append('@')
                        .append(device.tenant())
                        .append(" = base64:")
                        .append(Base64.getEncoder().encodeToString(device.psk()))
                        .append('\n');
            }
        }
        return text.toString();
    }

    /**
     * Adds the converters' device lists, the reduction rules and the command path for the devices' tenants to a
     * gateway.yaml document (enabling a converter only when a device needs it).
     */
    @SuppressWarnings("unchecked")
    void addConverters(Map<String, Object> doc) {
        List<Object> modbus = new ArrayList<>();
        List<Object> opcua = new ArrayList<>();
        List<Object> reduction = new ArrayList<>();
        for (RenderedDevice device : devices) {
            DeviceSpec.Protocol protocol = device.device().getSpec().protocol;
            if (protocol == DeviceSpec.Protocol.MODBUS) {
                modbus.add(ConverterSections.modbus(device));
            } else if (protocol == DeviceSpec.Protocol.OPCUA) {
                opcua.add(ConverterSections.opcua(device));
            }
            Map<String, Object> rule = ConverterSections.reduction(device);
            if (rule != null) {
                reduction.add(rule);
            }
        }
        Map<String, Object> adapters =
                (Map<String, Object>) doc.computeIfAbsent("adapters", k -> new LinkedHashMap<String, Object>());
        if (!modbus.isEmpty()) {
            adapters.put("modbus", ordered("enabled", true, "devices", modbus));
        }
        if (!opcua.isEmpty()) {
            adapters.put("opcua", ordered("enabled", true, "endpoints", opcua));
        }
        if (!devices.isEmpty() && !doc.containsKey("commands")) {
            // The twin's desired values come as commands. Several gateways may share a tenant: a command for a
            // device served elsewhere is skipped here, not answered 404.
            doc.put(
                    "commands",
                    ordered(
                            "enabled",
                            true,
                            "tenants",
                            devices.stream()
                                    .map(RenderedDevice::tenant)
                                    .distinct()
                                    .sorted()
                                    .collect(Collectors.joining(",")),
                            "unknownDevices",
                            "ignore"));
        }
        if (!reduction.isEmpty()) {
            List<Object> rules = new ArrayList<>((List<Object>) doc.getOrDefault("reduction", List.of()));
            rules.addAll(reduction);
            doc.put("reduction", rules);
        }
    }

    /**
     * Points gateway.yaml at the mounted registry, and a CoAP adapter at the mounted key file. With tenant CAs, the
     * listeners that ask for client certificates trust exactly those ({@link #CLIENT_CAS_FILE}, reloaded by the
     * gateway when the Secret changes) instead of their own Secret's {@code ca.crt}; with onboarding, the gateway
     * reports its newcomers.
     */
    @SuppressWarnings("unchecked")
    void addFiles(Map<String, Object> doc, PodPaths paths) {
        Map<String, Object> devicesSection =
                (Map<String, Object>) doc.computeIfAbsent("devices", k -> new LinkedHashMap<String, Object>());
        devicesSection.put("registry", paths.devicesDir().resolve(REGISTRY_FILE).toString());
        if (onboards()) {
            devicesSection.put("reportNewcomers", true);
        }
        if (caFiles().containsKey(CLIENT_CAS_FILE)
                && doc.get("mqtt") instanceof Map<?, ?> mqtt
                && mqtt.get("listeners") instanceof List<?> listeners) {
            for (Object listener : listeners) {
                if (listener instanceof Map<?, ?> l && l.containsKey("clientCaFile")) {
                    ((Map<String, Object>) l)
                            .put(
                                    "clientCaFile",
                                    paths.devicesDir().resolve(CLIENT_CAS_FILE).toString());
                }
            }
        }
        Object adapters = doc.get("adapters");
        if (adapters instanceof Map<?, ?> a
                && a.get("coap") instanceof Map<?, ?> coap
                && devices.stream().anyMatch(d -> d.psk() != null)) {
            ((Map<String, Object>) coap)
                    .put("pskFile", paths.devicesDir().resolve(PSK_FILE).toString());
        }
    }
}
