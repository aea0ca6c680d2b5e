package io.fogbridge.gateway.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogbridge.gateway.kubernetes.ApiConnection;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes twins into {@code devices/status} of the Kubernetes API with the JDK's HTTP client (the gateway carries no
 * Kubernetes client library): per update one GET of the Device and one JSON Patch of its status that first tests
 * the resource version read, so a write between the two (the operator's {@code InSync}, say) makes this one fail
 * (422/409) and it goes again next round instead of overwriting it. Only the twin's fields are written:
 * {@code lastSeen}, the {@code reported} values it carries (others stay) and the {@code Connected} condition (the
 * list is written whole, with every other condition as read). The service account needs
 * {@code get} on {@code devices} and {@code patch} on {@code devices/status}, nothing else.
 *
 * <p>One thread at a time (the reporting round).
 */
public final class DeviceStatusWriter implements TwinSink {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceStatusWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CONNECTED = "Connected";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ApiConnection api;
    private final Clock clock;
    private String lastFailure;

    /**
     * @param caFile PEM CA of an https API server, or null for the JDK's trust store
     * @throws IOException the CA file cannot be read or holds no certificate
     */
    public DeviceStatusWriter(String apiServer, Path tokenFile, Path caFile, Clock clock) throws IOException {
        this.api = new ApiConnection(apiServer, tokenFile, caFile, TIMEOUT);
        this.clock = clock;
    }

    @Override
    public List<TwinUpdate> write(List<TwinUpdate> batch) {
        List<TwinUpdate> failed = new ArrayList<>();
        for (TwinUpdate update : batch) {
            try {
                if (!write(update)) {
                    failed.add(update);
                }
            } catch (IOException e) {
                failed.add(update);
                logFailure(update, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.add(update);
                break;
            }
        }
        return failed;
    }

    /** @return false when the API server refused it for now (the reporter offers it again) */
    private boolean write(TwinUpdate update) throws IOException, InterruptedException {
        String path = "/apis/fogbridge.io/v1alpha1/namespaces/" + ApiConnection.segment(update.namespace())
                + "/devices/" + ApiConnection.segment(update.device());
        HttpResponse<byte[]> got =
                api.http().send(api.request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (got.statusCode() == 404) {
            LOG.debug("twin of {}/{}: no such Device (deleted?)", update.namespace(), update.device());
            return true; // nothing to write to; the next twin map drops it
        }
        if (got.statusCode() != 200) {
            logFailure(update, "GET " + got.statusCode());
            return false;
        }
        JsonNode device = JSON.readTree(got.body());
        ArrayNode patch = patch(device, update);
        HttpResponse<byte[]> patched = api.http()
                .send(
                        api.request(path + "/status")
                                .header("Content-Type", "application/json-patch+json")
                                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(patch)))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        if (patched.statusCode() / 100 != 2) {
            logFailure(update, "PATCH " + patched.statusCode());
            return false;
        }
        return true;
    }

    /**
     * A JSON Patch (RFC 6902): {@code test} of the resource version read, then {@code add} (which replaces) of
     * {@code lastSeen}, the whole {@code reported} map (what was there, with this update's values over it) and the
     * whole {@code conditions} list; or of the whole {@code status} when the Device has none yet. A JSON merge patch
     * would be shorter, but not every server replaces lists in one (fabric8's mock appends to them).
     */
    ArrayNode patch(JsonNode device, TwinUpdate update) {
        ArrayNode patch = JSON.createArrayNode();
        JsonNode version = device.path("metadata").path("resourceVersion");
        if (version.isTextual()) {
            patch.addObject()
                    .put("op", "test")
                    .put("path", "/metadata/resourceVersion")
                    .put("value", version.asText());
        }
        JsonNode before = device.path("status");
        ObjectNode reported = before.path("reported").isObject()
                ? ((ObjectNode) before.path("reported")).deepCopy()
                : JSON.createObjectNode();
        update.reported().forEach((name, reading) -> {
            ObjectNode value = reported.putObject(name);
            value.set("value", reading.value());
            value.put("lastUpdated", reading.at().truncatedTo(ChronoUnit.MILLIS).toString());
        });
        ArrayNode conditions = conditions(before.path("conditions"), update);
        if (!before.isObject()) {
            ObjectNode status = JSON.createObjectNode();
            if (update.lastSeen() != null) {
                status.put(
                        "lastSeen",
                        update.lastSeen().truncatedTo(ChronoUnit.SECONDS).toString());
            }
            status.set("reported", reported);
            status.set("conditions", conditions);
            patch.addObject().put("op", "add").put("path", "/status").set("value", status);
            return patch;
        }
        if (update.lastSeen() != null) {
            patch.addObject()
                    .put("op", "add")
                    .put("path", "/status/lastSeen")
                    .put(
                            "value",
                            update.lastSeen().truncatedTo(ChronoUnit.SECONDS).toString());
        }
        patch.addObject().put("op", "add").put("path", "/status/reported").set("value", reported);
        patch.addObject().put("op", "add").put("path", "/status/conditions").set("value", conditions);
        return patch;
    }

    /** Every condition as read, but {@code Connected}: kept while its status stays, else replaced (a new time). */
    private ArrayNode conditions(JsonNode before, TwinUpdate update) {
        String connected = update.connected() ? "True" : "False";
        ArrayNode conditions = JSON.createArrayNode();
        boolean kept = false;
        for (JsonNode condition : before) {
            if (CONNECTED.equals(condition.path("type").asText())) {
                if (!kept && connected.equals(condition.path("status").asText())) {
                    conditions.add(condition);
                    kept = true;
                }
            } else {
                conditions.add(condition);
            }
        }
        if (!kept) {
            conditions
                    .addObject()
                    .put("type", CONNECTED)
                    .put("status", connected)
                    .put("reason", update.connected() ? "Connected" : "Disconnected")
                    .put(
                            "lastTransitionTime",
                            (update.lastSeen() == null ? clock.instant() : update.lastSeen())
                                    .truncatedTo(ChronoUnit.SECONDS)
                                    .toString());
        }
        return conditions;
    }

    /** One line per kind of failure, not one per device and round: an unreachable API server must not flood. */
    private void logFailure(TwinUpdate update, String what) {
        if (!what.equals(lastFailure)) {
            lastFailure = what;
            LOG.warn(
                    "twin: status of Device {}/{} not written ({}); retried after twin.reportInterval",
                    update.namespace(),
                    update.device(),
                    what);
        }
    }
}
