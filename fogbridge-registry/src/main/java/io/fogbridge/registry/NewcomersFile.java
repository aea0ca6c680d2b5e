package io.fogbridge.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fogbridge.registry.OnboardingQueue.Newcomer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's list of newcomers ({@link OnboardingQueue}), {@code <gateway.dataDir>/newcomers.yaml}, rewritten
 * whole (a temporary file, then an atomic rename) when it changes; what {@code fogbridge device approve} reads to
 * learn a pending device's certificate subject:
 *
 * <pre>
 * newcomers:
 * - tenant: acme
 *   id: sensor-9
 *   subject: CN=sensor-9,O=acme        # RFC 2253; what an approval registers as its x509-cert credential
 *   issuer: CN=acme CA
 *   state: pending                     # or admitted (the tenant's auto policy)
 *   firstSeen: 2026-12-04T10:00:00Z
 *   lastSeen: 2026-12-04T10:05:00Z
 * </pre>
 *
 * Stateless.
 */
public final class NewcomersFile {

    public static final String NAME = "newcomers.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private NewcomersFile() {}

    public static void write(Path file, List<Newcomer> newcomers) throws IOException {
        ObjectNode root = YAML.createObjectNode();
        ArrayNode list = root.putArray("newcomers");
        for (Newcomer n : newcomers) {
            ObjectNode entry = list.addObject();
            entry.put("tenant", n.tenant());
            entry.put("id", n.id());
            entry.put("subject", n.subject());
            entry.put("issuer", n.issuer());
            entry.put("state", n.admitted() ? "admitted" : "pending");
            entry.put("firstSeen", n.firstSeen().toString());
            entry.put("lastSeen", n.lastSeen().toString());
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temporary, YAML.writeValueAsBytes(root));
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** @throws IOException the file cannot be read or is not the shape above (the message names the file) */
    public static List<Newcomer> read(Path file) throws IOException {
        JsonNode root = YAML.readTree(Files.readString(file));
        List<Newcomer> newcomers = new ArrayList<>();
        if (root == null || !root.path("newcomers").isArray()) {
            return newcomers;
        }
        int index = 0;
        for (JsonNode entry : root.path("newcomers")) {
            String where = file + ": newcomers[" + index++ + "]";
            try {
                newcomers.add(new Newcomer(
                        text(entry, "tenant", where),
                        text(entry, "id", where),
                        text(entry, "subject", where),
                        entry.path("issuer").asText(""),
                        "admitted".equals(entry.path("state").asText()),
                        Instant.parse(text(entry, "firstSeen", where)),
                        Instant.parse(text(entry, "lastSeen", where))));
            } catch (DateTimeParseException e) {
                throw new IOException(where + ": " + e.getMessage(), e);
            }
        }
        return newcomers;
    }

    private static String text(JsonNode entry, String key, String where) throws IOException {
        if (!entry.path(key).isTextual()) {
            throw new IOException(where + "." + key + ": missing");
        }
        return entry.path(key).asText();
    }
}
