package io.fogbridge.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Edits the registry file for the CLI ({@code fogbridge device …}). Every change is checked by parsing the result
 * with {@link RegistryFile} before it replaces the file, and the file is replaced atomically (write a sibling, then
 * rename) so a gateway watching it never reads half a file. Comments in the file are not kept.
 *
 * <p>Not thread-safe, and two editors on one file at once would lose one's change: it is a command-line tool.
 */
public final class RegistryFileEditor {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    private final Path file;
    private final ObjectNode root;

    private RegistryFileEditor(Path file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    /** Opens {@code file}; a missing file starts empty. */
    public static RegistryFileEditor open(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new RegistryFileEditor(file, JsonNodeFactory.instance.objectNode());
        }
        JsonNode node = YAML.readTree(file.toFile());
        if (node == null || node.isMissingNode() || node.isNull()) {
            return new RegistryFileEditor(file, JsonNodeFactory.instance.objectNode());
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IOException(file + ": the registry file must be a mapping with 'tenants'");
        }
        return new RegistryFileEditor(file, object);
    }

    /** Adds a device, creating the tenant if needed. Fails if it exists. */
    public void addDevice(String tenant, String device, List<String> via, List<String> roles) {
        Ids.check("tenant id", tenant);
        Ids.check("device id", device);
        ObjectNode devices = tenantNode(tenant).withObjectProperty("devices");
        if (devices.has(device)) {
            throw new IllegalArgumentException("device " + device + "@" + tenant + " already exists");
        }
        ObjectNode entry = devices.putObject(device);
        entry.put("enabled", true);
        entry.putArray("credentials");
        if (!via.isEmpty()) {
            via.forEach(entry.putArray("via")::add);
        }
        if (!roles.isEmpty()) {
            roles.forEach(entry.putArray("roles")::add);
        }
    }

    public void removeDevice(String tenant, String device) {
        if (deviceNode(tenant, device) == null) {
            throw new IllegalArgumentException("no device " + device + "@" + tenant);
        }
        ((ObjectNode) root.get("tenants").get(tenant).get("devices")).remove(device);
    }

    public void setEnabled(String tenant, String device, boolean enabled) {
        existingDevice(tenant, device).put("enabled", enabled);
    }

    /** Replaces the device's password credentials by this bcrypt hash. */
    public void setPasswordHash(String tenant, String device, String hash) {
        if (!PasswordHasher.isBcryptHash(hash)) {
            throw new IllegalArgumentException("not a bcrypt hash");
        }
        ArrayNode credentials = existingDevice(tenant, device).withArrayProperty("credentials");
        removeCredentials(credentials, Credential.HashedPassword.TYPE);
        credentials.addObject().put("type", Credential.HashedPassword.TYPE).put("hash", hash);
    }

    /** Adds an x509-cert credential for this subject (kept if it exists). */
    public void addCertificateSubject(String tenant, String device, String subjectDn) {
        ArrayNode credentials = existingDevice(tenant, device).withArrayProperty("credentials");
        for (JsonNode credential : credentials) {
            if (subjectDn.equals(credential.path("subjectDn").asText(null))) {
                return;
            }
        }
        credentials.addObject().put("type", Credential.X509Cert.TYPE).put("subjectDn", subjectDn);
    }

    /** Adds a tenant without devices. Fails if it exists. */
    public void addTenant(String tenant) {
        Ids.check("tenant id", tenant);
        if (root.path("tenants").has(tenant)) {
            throw new IllegalArgumentException("tenant " + tenant + " already exists");
        }
        tenantNode(tenant).put("enabled", true);
    }

    /**
     * Sets the PEM file of the CAs that issue the tenant's device certificates, as written in the file: relative
     * paths are read relative to the registry file. {@link #save()} reads it, so a file that holds no certificate is
     * refused there.
     */
    public void setTrustedCa(String tenant, String caFile) {
        tenantNode(tenant).put("trustedCa", caFile);
    }

    /** Removes the tenant's {@code trustedCa}: none of its device certificates logs in afterwards. */
    public void removeTrustedCa(String tenant) {
        existingTenant(tenant).remove("trustedCa");
    }

    /** A disabled tenant's devices cannot connect, and its open connections are closed. */
    public void setTenantEnabled(String tenant, boolean enabled) {
        existingTenant(tenant).put("enabled", enabled);
    }

    /** The tenants' entries by id, in file order, for {@code tenant list}. */
    public List<Map.Entry<String, JsonNode>> tenants() {
        List<Map.Entry<String, JsonNode>> rows = new ArrayList<>();
        root.path("tenants").fields().forEachRemaining(rows::add);
        return rows;
    }

    /** Checks the edited registry and atomically replaces the file. */
    public Registry save() throws IOException, RegistryFileException {
        Path absolute = file.toAbsolutePath();
        Path temp = absolute.resolveSibling("." + absolute.getFileName() + ".tmp");
        Files.createDirectories(absolute.getParent());
        YAML.writeValue(temp.toFile(), root);
        try {
            Registry checked = RegistryFile.read(temp);
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return checked;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** (tenant, device, enabled, credential types) rows, for {@code device list}. */
    public List<Map.Entry<String, JsonNode>> devices() {
        List<Map.Entry<String, JsonNode>> rows = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> t = root.path("tenants").fields(); t.hasNext(); ) {
            Map.Entry<String, JsonNode> tenant = t.next();
            for (Iterator<Map.Entry<String, JsonNode>> d =
                            tenant.getValue().path("devices").fields();
                    d.hasNext(); ) {
                Map.Entry<String, JsonNode> device = d.next();
                rows.add(Map.entry(device.getKey() + "@" + tenant.getKey(), device.getValue()));
            }
        }
        return rows;
    }

    private ObjectNode tenantNode(String tenant) {
        return root.withObjectProperty("tenants").withObjectProperty(tenant);
    }

    private ObjectNode existingTenant(String tenant) {
        JsonNode node = root.path("tenants").path(tenant);
        if (node instanceof ObjectNode object) {
            return object;
        }
        if (root.path("tenants").has(tenant)) { // "acme:" with nothing under it
            return tenantNode(tenant);
        }
        throw new IllegalArgumentException("no tenant " + tenant + "; add it with `tenant add`");
    }

    private ObjectNode deviceNode(String tenant, String device) {
        JsonNode node = root.path("tenants").path(tenant).path("devices").path(device);
        return node instanceof ObjectNode object ? object : null;
    }

    private ObjectNode existingDevice(String tenant, String device) {
        ObjectNode node = deviceNode(tenant, device);
        if (node == null) {
            throw new IllegalArgumentException("no device " + device + "@" + tenant + "; add it with `device add`");
        }
        return node;
    }

    private static void removeCredentials(ArrayNode credentials, String type) {
        for (int i = credentials.size() - 1; i >= 0; i--) {
            if (type.equals(credentials.get(i).path("type").asText())) {
                credentials.remove(i);
            }
        }
    }
}
