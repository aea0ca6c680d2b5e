package io.fogbridge.gateway.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogbridge.registry.OnboardingQueue.Newcomer;
import java.io.IOException;
import java.time.Instant;

/**
 * A newcomer (a certificate device that plug-and-play onboarding holds pending, or that its tenant's {@code auto}
 * policy admitted) as a Kafka record's value in {@code fog.twin.<tenant>}, beside the twin updates ({@link
 * TwinRecords}; key {@code newcomer/<id>}). The gateway publishes it, the operator turns it into a Device resource:
 *
 * <pre>
 * {"newcomer":{"gateway":"plant-1.lathe","tenant":"acme","id":"sensor-9","subject":"CN=sensor-9,O=acme",
 *  "issuer":"CN=acme CA","state":"pending","firstSeen":"2026-12-04T10:00:00Z","lastSeen":"2026-12-04T10:05:00Z"}}
 * </pre>
 *
 * {@code gateway} is the publishing gateway's {@code gateway.id} ({@code <namespace>.<name>} of its Gateway resource
 * when the operator rendered it); {@code state} is {@code pending} or {@code admitted}. Stateless.
 */
public final class NewcomerRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A newcomer and the gateway that saw it. */
    public record Report(String gateway, Newcomer newcomer) {}

    private NewcomerRecords() {}

    public static String key(Newcomer newcomer) {
        return "newcomer/" + newcomer.id();
    }

    public static byte[] toJson(String gateway, Newcomer newcomer) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode n = root.putObject("newcomer");
        n.put("gateway", gateway);
        n.put("tenant", newcomer.tenant());
        n.put("id", newcomer.id());
        n.put("subject", newcomer.subject());
        n.put("issuer", newcomer.issuer());
        n.put("state", newcomer.admitted() ? "admitted" : "pending");
        n.put("firstSeen", newcomer.firstSeen().toString());
        n.put("lastSeen", newcomer.lastSeen().toString());
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("a tree of JSON nodes always serializes", e);
        }
    }

    /** Whether {@code value} is a newcomer record (and not a twin update). */
    public static boolean isNewcomer(byte[] value) {
        try {
            JsonNode root = JSON.readTree(value);
            return root != null && root.has("newcomer");
        } catch (IOException e) {
            return false;
        }
    }

    /** @throws IOException not a newcomer record, or a field is missing */
    public static Report fromJson(byte[] value) throws IOException {
        JsonNode n = JSON.readTree(value).path("newcomer");
        try {
            return new Report(
                    text(n, "gateway"),
                    new Newcomer(
                            text(n, "tenant"),
                            text(n, "id"),
                            text(n, "subject"),
                            n.path("issuer").asText(""),
                            "admitted".equals(n.path("state").asText()),
                            Instant.parse(text(n, "firstSeen")),
                            Instant.parse(text(n, "lastSeen"))));
        } catch (RuntimeException e) {
            throw new IOException("not a newcomer record: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String key) throws IOException {
        if (!node.path(key).isTextual()) {
            throw new IOException("not a newcomer record: no " + key);
        }
        return node.path(key).asText();
    }
}
