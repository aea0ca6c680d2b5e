package io.fogbridge.gateway.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogbridge.api.device.AuthResult;
import io.fogbridge.registry.DeviceRegistry;
import io.fogbridge.registry.PasswordHasher;
import io.fogbridge.registry.Registry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each watch event does to the registry: ADDED and MODIFIED apply (as the file reload would), a broken version
 * keeps the previous one, DELETED keeps it too, 410 asks for a list, and the saved copy brings the last good version
 * back without the API server.
 */
class RegistrySecretFeedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-04T16:00:00Z");
    private static String hash;

    @TempDir
    Path dir;

    @BeforeAll
    static void hashOnce() {
        hash = PasswordHasher.hash("s3cret".toCharArray(), 4);
    }

    @Test
    void addedAndModifiedApplyTheRegistryAndRemovingADeviceRefusesIt() {
        DeviceRegistry registry = DeviceRegistry.of(Registry.EMPTY);
        RegistrySecretFeed feed = new RegistrySecretFeed("plant-1", "lathe-devices", dir, registry);

        assertThat(feed.event(event("ADDED", "7", registryWith("lathe-7"))))
                .isEqualTo(RegistrySecretFeed.Next.WATCH_ON);
        assertThat(authenticates(registry, "lathe-7")).isTrue();
        assertThat(feed.resourceVersion()).isEqualTo("7");
        long version = registry.version();

        feed.event(event("MODIFIED", "8", registryWith("lathe-8")));
        assertThat(authenticates(registry, "lathe-7")).isFalse();
        assertThat(authenticates(registry, "lathe-8")).isTrue();
        assertThat(registry.version()).isGreaterThan(version);
        assertThat(feed.resourceVersion()).isEqualTo("8");
    }

    @Test
    void aBrokenVersionKeepsThePreviousOneAndTheNextGoodOneApplies() {
        DeviceRegistry registry = DeviceRegistry.of(Registry.EMPTY);
        RegistrySecretFeed feed = new RegistrySecretFeed("plant-1", "lathe-devices", dir, registry);
        feed.event(event("ADDED", "7", registryWith("lathe-7")));
        long version = registry.version();

        feed.event(event("MODIFIED", "8", "tenants:\n  acme:\n    devices:\n      lathe-9:\n        colour: red\n"));
        assertThat(registry.version()).as("nothing applied").isEqualTo(version);
        assertThat(authenticates(registry, "lathe-7")).isTrue();
        feed.event(event("MODIFIED", "9", "{}", "other.pem", "x")); // no registry.yaml at all
        assertThat(registry.version()).isEqualTo(version);

        feed.event(event("MODIFIED", "10", registryWith("lathe-9")));
        assertThat(authenticates(registry, "lathe-9")).isTrue();
    }

    @Test
    void theStandingSaysWhatIsInForceAndWhatWasRefusedOrIsAbsent() {
        DeviceRegistry registry = DeviceRegistry.of(Registry.EMPTY);
        RegistrySecretFeed feed = new RegistrySecretFeed("plant-1", "lathe-devices", dir, registry);
        assertThat(feed.standing().version()).isNull();

        feed.event(event("ADDED", "7", registryWith("lathe-7")));
        assertThat(feed.standing()).isEqualTo(new RegistrySecretFeed.Standing("7", "the API server", 1, null, null));

        feed.event(event("MODIFIED", "8", "tenants: [broken"));
        feed.event(event("MODIFIED", "8", "tenants: [broken")); // listed again: not counted again
        assertThat(feed.standing().version()).isEqualTo("7");
        assertThat(feed.standing().refused()).startsWith("resourceVersion 8 not applied: ");
        assertThat(feed.versionsRefused()).isEqualTo(1);

        feed.event(event("DELETED", "9", "tenants: [broken"));
        assertThat(feed.standing().absent()).isEqualTo("Secret it was deleted");
        assertThat(feed.standing().version()).isEqualTo("7");

        feed.event(event("ADDED", "10", registryWith("lathe-8")));
        assertThat(feed.standing()).isEqualTo(new RegistrySecretFeed.Standing("10", "the API server", 1, null, null));
        assertThat(feed.versionsApplied()).isEqualTo(2);

        DeviceRegistry after = DeviceRegistry.of(Registry.EMPTY);
        RegistrySecretFeed restarted = new RegistrySecretFeed("plant-1", "lathe-devices", dir, after);
        assertThat(restarted.startFromSavedCopy()).isTrue();
        assertThat(restarted.standing())
                .isEqualTo(new RegistrySecretFeed.Standing("10", "the saved copy", 1, null, null));
    }

    @Test
    void theOtherKeysOfTheVersionInForceArePublishedForReadersThatPollAFile() throws Exception {
        DeviceRegistry registry = DeviceRegistry.of(Registry.EMPTY);
        Path own = Files.createDirectories(dir.resolve(RegistrySecretWatch.DIR)); // as the gateway makes it
        RegistrySecretFeed feed = new RegistrySecretFeed("plant-1", "lathe-devices", own, registry);
        Path twin = RegistrySecretWatch.publishedFile(dir, "twin.yaml");

        feed.event(event("ADDED", "7", registryWith("lathe-7"), "twin.yaml", "devices: [one]\n"));
        assertThat(twin).hasContent("devices: [one]");
        assertThat(twin.resolveSibling("registry.yaml")).doesNotExist();

        feed.event(event("MODIFIED", "8", "tenants: [broken", "twin.yaml", "devices: [two]\n"));
        assertThat(twin).as("a version not applied is not published").hasContent("devices: [one]");

        feed.event(event("MODIFIED", "9", registryWith("lathe-7"), "twin.yaml", "devices: [three]\n"));
        assertThat(twin).hasContent("devices: [three]");
        feed.event(event("MODIFIED", "10", registryWith("lathe-7")));
        assertThat(twin).as("a key gone from the Secret").doesNotExist();
    }

    @Test
    void aDeletedSecretKeepsTheDevicesAndGoneAsksForAList() {
        DeviceRegistry registry = DeviceRegistry.of(Registry.EMPTY);
        RegistrySecretFeed feed = new RegistrySecretFeed("plant-1", "lathe-devices", dir, registry);
        feed.event(event("ADDED", "7", registryWith("lathe-7")));

        assertThat(feed.event(event("DELETED", "8", registryWith("lathe-7"))))
                .isEqualTo(RegistrySecretFeed.Next.WATCH_ON);
        assertThat(authenticates(registry, "lathe-7")).isTrue();

        assertThat(feed.event("{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"12\"}}}"))
                .isEqualTo(RegistrySecretFeed.Next.WATCH_ON);
        assertThat(feed.resourceVersion()).isEqualTo("12");
        assertThat(feed.event("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,"
                        + "\"reason\":\"Expired\",\"message\":\"too old resource version: 12 (40)\"}}"))
                .isEqualTo(RegistrySecretFeed.Next.RELIST);
        assertThat(feed.event("not json")).isEqualTo(RegistrySecretFeed.Next.RELIST);
        assertThat(authenticates(registry, "lathe-7")).isTrue();
    }

    @Test
    void aListAppliesItsItemAndSetsTheVersionToWatchFrom() throws Exception {
        DeviceRegistry registry = DeviceRegistry.of(Registry.EMPTY);
        RegistrySecretFeed feed = new RegistrySecretFeed("plant-1", "lathe-devices", dir, registry);
        ObjectNode list = JSON.createObjectNode();
        list.putObject("metadata").put("resourceVersion", "40");
        list.putArray("items").add(JSON.readTree(secret("39", registryWith("lathe-7"))));

        feed.listed(list);
        assertThat(feed.resourceVersion()).isEqualTo("40");
        assertThat(authenticates(registry, "lathe-7")).isTrue();
    }

    @Test
    void theSavedCopyBringsBackTheLastGoodVersionAfterARestart() {
        DeviceRegistry before = DeviceRegistry.of(Registry.EMPTY);
        RegistrySecretFeed feed = new RegistrySecretFeed("plant-1", "lathe-devices", dir, before);
        feed.event(event("ADDED", "7", registryWith("lathe-7")));
        feed.event(event("MODIFIED", "8", "tenants: [broken"));
        assertThat(dir.resolve(RegistrySecretFeed.SAVED)).exists();

        DeviceRegistry after = DeviceRegistry.of(Registry.EMPTY);
        assertThat(new RegistrySecretFeed("plant-1", "lathe-devices", dir, after).startFromSavedCopy())
                .isTrue();
        assertThat(authenticates(after, "lathe-7")).isTrue();

        DeviceRegistry other = DeviceRegistry.of(Registry.EMPTY);
        assertThat(new RegistrySecretFeed("plant-1", "tank-devices", dir, other).startFromSavedCopy())
                .as("another Secret's copy is not used")
                .isFalse();
        assertThat(authenticates(other, "lathe-7")).isFalse();
    }

    @Test
    void aKeyThatWouldBeAPathIsRefused() throws Exception {
        DeviceRegistry registry = DeviceRegistry.of(Registry.EMPTY);
        RegistrySecretFeed feed = new RegistrySecretFeed("plant-1", "lathe-devices", dir, registry);
        feed.event(event("ADDED", "7", registryWith("lathe-7"), "../escape", "x"));
        assertThat(authenticates(registry, "lathe-7")).isFalse();
        assertThat(Files.exists(dir.resolveSibling("escape"))).isFalse();
    }

    private static boolean authenticates(DeviceRegistry registry, String device) {
        return registry.authenticate(device + "@acme", "s3cret".getBytes(StandardCharsets.UTF_8), NOW)
                instanceof AuthResult.Authenticated;
    }

    private static String registryWith(String device) {
        return "tenants:\n  acme:\n    devices:\n      " + device
                + ":\n        credentials:\n          - type: hashed-password\n            hash: \"" + hash + "\"\n";
    }

    private static String event(String type, String version, String registryYaml, String... more) {
        return "{\"type\":\"" + type + "\",\"object\":" + secret(version, registryYaml, more) + "}";
    }

    /** As a real API server sends it: {@code data}, base64. */
    private static String secret(String version, String registryYaml, String... more) {
        ObjectNode secret = JSON.createObjectNode();
        secret.putObject("metadata")
                .put("name", "lathe-devices")
                .put("namespace", "plant-1")
                .put("resourceVersion", version);
        ObjectNode data = secret.putObject("data");
        if (!"{}".equals(registryYaml)) {
            data.put("registry.yaml", base64(registryYaml));
        }
        for (int i = 0; i < more.length; i += 2) {
            data.put(more[i], base64(more[i + 1]));
        }
        return secret.toString();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
