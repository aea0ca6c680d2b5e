package io.fogbridge.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * Reads the edge's registry file. Format (every key but {@code tenants} optional):
 *
 * <pre>
 * tenants:
 *   acme:
 *     enabled: true
 *     trustedCa: certs/acme-ca.pem        # PEM file (one or more CA certificates), relative to this file
 *     onboarding:                         # unregistered certificates of trustedCa (else refused)
 *       policy: auto                      # manual: held pending until `fogbridge device approve`
 *       subjectPattern: "CN=sensor-[0-9]+,O=acme"   # auto: admitted when the whole subject matches, else pending
 *     devices:
 *       lathe-1:
 *         enabled: true
 *         credentials:
 *           - type: hashed-password       # bcrypt; make one with `fogbridge device set-password`
 *             hash: "$2y$10$…"
 *             notAfter: 2026-01-01T00:00:00Z
 *           - type: x509-cert
 *             subjectDn: "CN=lathe-1,O=acme"
 *       line-gateway:
 *         via: [lathe-1]                  # may publish for lathe-1
 *         roles: [historian]              # roles defined in the gateway config (mqtt.roles)
 * </pre>
 *
 * Plain passwords are refused (there is no {@code password} key). Errors name the line and the path of the entry.
 * Stateless; thread-safe.
 */
public final class RegistryFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private RegistryFile() {}

    /** Parses the file; the CA files it names are read too. */
    public static Registry read(Path file) throws RegistryFileException {
        FileModel model;
        try {
            String text = Files.readString(file);
            model = text.isBlank() ? null : YAML.readValue(text, FileModel.class);
        } catch (NoSuchFileException e) {
            throw new RegistryFileException(file + ": no such file", e);
        } catch (JacksonException e) {
            throw new RegistryFileException(describe(file, e), e);
        } catch (IOException e) {
            throw new RegistryFileException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (model == null) { // an empty file is an empty registry
            return Registry.EMPTY;
        }
        return toRegistry(file, model);
    }

    private static String describe(Path file, JacksonException e) {
        JsonLocation where = e.getLocation();
        String line = where == null || where.getLineNr() < 1 ? "" : ":" + where.getLineNr();
        String path = e instanceof JsonMappingException m && !m.getPath().isEmpty() ? " at " + path(m) : "";
        Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : null;
        String problem = cause != null ? cause.getMessage() : e.getOriginalMessage();
        return file + line + path + ": " + firstLine(problem);
    }

    private static String path(JsonMappingException e) {
        StringBuilder text = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                text.append(text.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                text.append('[').append(ref.getIndex()).append(']');
            }
        }
        return text.toString();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "invalid";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static Registry toRegistry(Path file, FileModel model) throws RegistryFileException {
        Map<String, Tenant> tenants = new LinkedHashMap<>();
        for (Map.Entry<String, TenantEntry> t : model.tenants().entrySet()) {
            String where = file + ": tenants." + t.getKey();
            try {
                TenantEntry entry = t.getValue() == null ? TenantEntry.EMPTY : t.getValue();
                Map<String, Device> devices = new LinkedHashMap<>();
                for (Map.Entry<String, DeviceEntry> d : entry.devices().entrySet()) {
                    DeviceEntry device = d.getValue() == null ? DeviceEntry.EMPTY : d.getValue();
                    devices.put(d.getKey(), device.toDevice(t.getKey(), d.getKey()));
                }
                for (Device device : devices.values()) {
                    for (String other : device.via()) {
                        if (!devices.containsKey(other)) {
                            throw new IllegalArgumentException("devices." + device.id() + ".via names '" + other
                                    + "', which is not a device of this tenant");
                        }
                    }
                }
                List<X509Certificate> cas = entry.trustedCa() == null
                        ? List.of()
                        : readCertificates(file.toAbsolutePath().resolveSibling(entry.trustedCa()));
                if (entry.onboarding() != null && cas.isEmpty()) {
                    throw new IllegalArgumentException("onboarding needs trustedCa: only certificates of the tenant's"
                            + " own CA are held pending");
                }
                tenants.put(
                        t.getKey(),
                        new Tenant(
                                t.getKey(),
                                entry.enabled(),
                                cas,
                                devices,
                                entry.onboarding() == null
                                        ? null
                                        : entry.onboarding().onboarding()));
            } catch (IllegalArgumentException e) {
                throw new RegistryFileException(where + ": " + e.getMessage(), e);
            }
        }
        return new Registry(tenants);
    }

    /** The X.509 certificates of a PEM (or DER) file. */
    public static List<X509Certificate> readCertificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("trustedCa " + pem + " holds no certificate");
            }
            return certificates;
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("trustedCa " + pem + ": " + e.getMessage(), e);
        }
    }

    static Instant instant(String text, String key) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not a timestamp like 2026-01-31T00:00:00Z");
        }
    }

    // ---- the file's shape, bound by Jackson; constructors validate so errors carry the line ----

    record FileModel(Map<String, TenantEntry> tenants) {
        FileModel {
            tenants = tenants == null ? Map.of() : new LinkedHashMap<>(tenants);
            tenants.keySet().forEach(id -> Ids.check("tenant id", id));
        }
    }

    record TenantEntry(
            Boolean enabledFlag, String trustedCa, OnboardingEntry onboarding, Map<String, DeviceEntry> devices) {
        static final TenantEntry EMPTY = new TenantEntry(null, null, null, null);

        TenantEntry(
                @JsonProperty("enabled") Boolean enabledFlag,
                @JsonProperty("trustedCa") String trustedCa,
                @JsonProperty("onboarding") OnboardingEntry onboarding,
                @JsonProperty("devices") Map<String, DeviceEntry> devices) {
            this.enabledFlag = enabledFlag;
            this.trustedCa = trustedCa;
            this.onboarding = onboarding;
            this.devices = devices == null ? Map.of() : new LinkedHashMap<>(devices);
            this.devices.keySet().forEach(id -> Ids.check("device id", id));
        }

        boolean enabled() {
            return enabledFlag == null || enabledFlag;
        }
    }

    record OnboardingEntry(Onboarding onboarding) {
        @JsonCreator
        OnboardingEntry(
                @JsonProperty(value = "policy", required = true) String policy,
                @JsonProperty("subjectPattern") String subjectPattern) {
            this(Onboarding.of(policy, subjectPattern));
        }
    }

    record DeviceEntry(Boolean enabledFlag, List<CredentialEntry> credentials, List<String> via, List<String> roles) {
        static final DeviceEntry EMPTY = new DeviceEntry(null, null, null, null);

        DeviceEntry(
                @JsonProperty("enabled") Boolean enabledFlag,
                @JsonProperty("credentials") List<CredentialEntry> credentials,
                @JsonProperty("via") List<String> via,
                @JsonProperty("roles") List<String> roles) {
            this.enabledFlag = enabledFlag;
            this.credentials = credentials == null ? List.of() : List.copyOf(credentials);
            this.via = via == null ? List.of() : List.copyOf(via);
            this.roles = roles == null ? List.of() : List.copyOf(roles);
            this.via.forEach(id -> Ids.check("via", id));
        }

        Device toDevice(String tenant, String id) {
            List<Credential> creds =
                    credentials.stream().map(CredentialEntry::credential).toList();
            return new Device(
                    tenant, id, enabledFlag == null || enabledFlag, creds, Set.copyOf(via), Set.copyOf(roles));
        }
    }

    record CredentialEntry(Credential credential) {
        @JsonCreator
        CredentialEntry(
                @JsonProperty(value = "type", required = true) String type,
                @JsonProperty("hash") String hash,
                @JsonProperty("subjectDn") String subjectDn,
                @JsonProperty("notBefore") String notBefore,
                @JsonProperty("notAfter") String notAfter) {
            this(credential(type, hash, subjectDn, instant(notBefore, "notBefore"), instant(notAfter, "notAfter")));
        }

        private static Credential credential(String type, String hash, String subjectDn, Instant from, Instant until) {
            if (from != null && until != null && !from.isBefore(until)) {
                throw new IllegalArgumentException("notBefore must be before notAfter");
            }
            if (Credential.HashedPassword.TYPE.equals(type)) {
                if (subjectDn != null) {
                    throw new IllegalArgumentException("subjectDn belongs to x509-cert credentials");
                }
                return new Credential.HashedPassword(hash, from, until);
            }
            if (Credential.X509Cert.TYPE.equals(type)) {
                if (hash != null) {
                    throw new IllegalArgumentException("hash belongs to hashed-password credentials");
                }
                if (subjectDn == null) {
                    throw new IllegalArgumentException("x509-cert needs subjectDn");
                }
                return new Credential.X509Cert(new X500Principal(subjectDn), from, until);
            }
            throw new IllegalArgumentException("type '" + type + "': use hashed-password or x509-cert");
        }
    }
}
