package io.fogbridge.gateway.discovery;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogbridge.api.discovery.ProposedDevice;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A device a scheduled field scan of the gateway found ({@code discovery} in gateway.yaml), as a Kafka record's value
 * in {@code fog.twin.<tenant>}, beside the twin updates ({@link io.fogbridge.gateway.twin.TwinRecords}) and the
 * newcomers ({@link io.fogbridge.gateway.twin.NewcomerRecords}); key {@code discovered/<name>}. The gateway publishes
 * it, the operator turns it into a pending Device resource ({@link DeviceProposal}):
 *
 * <pre>
 * {"discovered":{"gateway":"plant-1.lathe","tenant":"acme","scan":"plc-scan","protocol":"modbus",
 *  "endpoint":"modbus://10.0.0.7:502/1","section":{"host":"10.0.0.7","port":502,"unitId":1,"tags":[...]},
 *  "notes":["coils address 0: no answer"],"seen":"2026-12-04T10:00:00Z"}}
 * </pre>
 *
 * {@code gateway} is the publishing gateway's {@code gateway.id}; {@code section} has the keys of the Device's typed
 * {@code spec.<protocol>} ({@link ProposedDevice}). The record names no Device: the reader derives the name from the
 * protocol and endpoint itself ({@link ProposedDevice#name()}), so a gateway cannot pick a name. Stateless.
 */
public final class ProposalRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A proposal, the gateway that made it and the scan that found it. */
    public record Report(String gateway, String tenant, String scan, Instant seen, ProposedDevice device) {}

    private ProposalRecords() {}

    public static String key(ProposedDevice device) {
        return "discovered/" + device.name();
    }

    public static byte[] toJson(Report report) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode d = root.putObject("discovered");
        d.put("gateway", report.gateway());
        d.put("tenant", report.tenant());
        d.put("scan", report.scan());
        d.put("protocol", report.device().protocol());
        d.put("endpoint", report.device().endpoint());
        d.set("section", JSON.valueToTree(report.device().section()));
        d.set("notes", JSON.valueToTree(report.device().notes()));
        d.put("seen", report.seen().toString());
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("a tree of JSON nodes always serializes", e);
        }
    }

    /** Whether {@code value} is a discovery proposal (and not a twin update or a newcomer). */
    public static boolean isProposal(byte[] value) {
        try {
            JsonNode root = JSON.readTree(value);
            return root != null && root.has("discovered");
        } catch (IOException e) {
            return false;
        }
    }

    /** @throws IOException not a proposal record, or a field is missing or of the wrong shape */
    public static Report fromJson(byte[] value) throws IOException {
        JsonNode d = JSON.readTree(value).path("discovered");
        if (!d.path("section").isObject()) {
            throw new IOException("not a discovery proposal: no section");
        }
        try {
            Map<String, Object> section = JSON.convertValue(d.path("section"), new TypeReference<>() {});
            List<String> notes = new ArrayList<>();
            d.path("notes").forEach(n -> notes.add(n.asText()));
            return new Report(
                    text(d, "gateway"),
                    text(d, "tenant"),
                    text(d, "scan"),
                    Instant.parse(text(d, "seen")),
                    new ProposedDevice(text(d, "protocol"), text(d, "endpoint"), section, notes));
        } catch (RuntimeException e) {
            throw new IOException("not a discovery proposal: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String key) throws IOException {
        if (!node.path(key).isTextual()) {
            throw new IOException("not a discovery proposal: no " + key);
        }
        return node.path(key).asText();
    }
}
