package io.fogbridge.gateway.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogbridge.registry.DeviceRegistry;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.RegistryFile;
import io.fogbridge.registry.RegistryFileException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies what the API server says of the Gateway's registry Secret to a {@link DeviceRegistry}, exactly as the file
 * watcher applies the mounted file: the Secret's {@value #REGISTRY_KEY} (with the CA files it names, which are keys of
 * the same Secret) is parsed by the same {@link RegistryFile}; a version that does not parse is logged and the
 * previous one stays in force; the registry's listeners then review open connections, so a removed device is
 * disconnected. Each applied version is saved, so a gateway restarted while the API server is out of reach still
 * knows its devices.
 *
 * <p>On disk, in its directory (on the spool's volume):
 *
 * <pre>
 * saved.json    the last Secret applied: {"namespace", "name", "resourceVersion", "files": {key: text}};
 *               written beside (saved.json.next, forced to disk) and renamed over, so it is whole or the previous one
 * files/        the Secret's keys as files, rewritten before each parse (the registry names CA files relative to
 *               itself); private to this class
 * current/      the keys of the version in force but the registry's (the twin map), for readers that poll a file:
 *               each written beside (.&lt;key&gt;.next) and renamed over only when its text changed, so a reader sees
 *               the old file or the new, and an unchanged key keeps its modification time; keys gone are deleted
 * </pre>
 *
 * <p>Not thread-safe: one watch thread feeds it.
 */
final class RegistrySecretFeed {

    private static final Logger log = LoggerFactory.getLogger(RegistrySecretFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The Secret's key holding the registry file, as the operator renders it. */
    static final String REGISTRY_KEY = "registry.yaml";

    static final String SAVED = "saved.json";
    static final String PUBLISHED = "current";
    /** Secret keys are {@code [-._a-zA-Z0-9]+}; anything else would be a path, and is refused. */
    private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");

    /** What the watch should do after an event. */
    enum Next {
        WATCH_ON,
        /** The watch's resource version is gone (410) or the stream failed: list again, then watch from there. */
        RELIST
    }

    private final String namespace;
    private final String name;
    private final Path dir;
    private final DeviceRegistry target;
    private Map<String, String> applied;
    private Map<String, String> broken;
    private String resourceVersion;
    private boolean absentLogged;
    private volatile Standing standing = new Standing(null, null, 0, null, null);
    private final AtomicLong versionsApplied = new AtomicLong();
    private final AtomicLong versionsRefused = new AtomicLong();

    RegistrySecretFeed(String namespace, String name, Path dir, DeviceRegistry target) {
        this.namespace = namespace;
        this.name = name;
        this.dir = dir;
        this.target = target;
    }

    /** The resource version to watch from: the last list's or event's; null before the first list. */
    String resourceVersion() {
        return resourceVersion;
    }

    /** Whether some version (from the API or the saved copy) is in force. */
    boolean hasContent() {
        return applied != null;
    }

    /**
     * What is in force and what is wrong with the Secret, for {@code /readyz}; read from any thread.
     *
     * @param version the resource version in force, null when none is
     * @param from {@code "the API server"} or {@code "the saved copy"}
     * @param refused the last version not applied and why, until a version is applied again; else null
     * @param absent why the Secret is not there, while it is not; else null
     */
    record Standing(String version, String from, int devices, String refused, String absent) {}

    Standing standing() {
        return standing;
    }

    /** Versions applied since the start, the saved copy included. */
    long versionsApplied() {
        return versionsApplied.get();
    }

    /** Versions not applied (they did not parse); a broken version listed again is not counted again. */
    long versionsRefused() {
        return versionsRefused.get();
    }

    /**
     * Starts from the saved copy, when there is one of this Secret.
     *
     * @return whether it was applied
     */
    boolean startFromSavedCopy() {
        Path saved = dir.resolve(SAVED);
        if (!Files.exists(saved)) {
            return false;
        }
        try {
            JsonNode copy = JSON.readTree(saved.toFile());
            if (!namespace.equals(copy.path("namespace").asText())
                    || !name.equals(copy.path("name").asText())) {
                log.warn(
                        "device directory: the saved copy {} is of Secret {}/{}, not {}/{}: not used",
                        saved,
                        copy.path("namespace").asText(),
                        copy.path("name").asText(),
                        namespace,
                        name);
                return false;
            }
            Map<String, String> files = new TreeMap<>();
            copy.path("files")
                    .fields()
                    .forEachRemaining(e -> files.put(e.getKey(), e.getValue().asText()));
            Registry registry = parse(files);
            target.replaceAll(registry);
            applied = files;
            publish(files);
            versionsApplied.incrementAndGet();
            standing = new Standing(
                    copy.path("resourceVersion").asText("?"), "the saved copy", registry.deviceCount(), null, null);
            log.warn(
                    "device directory: the API server is out of reach; devices from the saved copy {} (Secret {}/{},"
                            + " resourceVersion {}, saved {}): {}",
                    saved,
                    namespace,
                    name,
                    copy.path("resourceVersion").asText(),
                    Files.getLastModifiedTime(saved),
                    registry);
            return true;
        } catch (IOException | RegistryFileException e) {
            log.error("device directory: the saved copy {} cannot be used: {}", saved, e.getMessage());
            return false;
        }
    }

    /** A LIST answer ({@code SecretList}, filtered to the one name): applies its item, remembers its version. */
    void listed(JsonNode list) {
        resourceVersion = list.path("metadata").path("resourceVersion").asText(null);
        JsonNode secret = null;
        for (JsonNode item : list.path("items")) {
            if (name.equals(item.path("metadata").path("name").asText())) {
                secret = item;
            }
        }
        if (secret == null) {
            absent("it is not there (yet)");
            return;
        }
        absentLogged = false;
        apply(secret);
    }

    /** One watch event, as the API server streams it: {@code {"type": ..., "object": ...}}. */
    Next event(String text) {
        JsonNode event;
        try {
            event = JSON.readTree(text);
        } catch (IOException e) {
            log.warn("device directory: a watch event is not JSON ({}); listing again", e.getMessage());
            return Next.RELIST;
        }
        JsonNode object = event.path("object");
        String type = event.path("type").asText();
        switch (type) {
            case "ADDED", "MODIFIED" -> {
                if (!name.equals(object.path("metadata").path("name").asText())) {
                    return Next.WATCH_ON; // the field selector should keep others out
                }
                absentLogged = false;
                apply(object);
            }
            case "DELETED" -> absent("it was deleted");
            case "BOOKMARK" -> {}
            case "ERROR" -> {
                int code = object.path("code").asInt();
                if (code == 410) {
                    log.info("device directory: resourceVersion {} is gone (410); listing again", resourceVersion);
                } else {
                    log.warn(
                            "device directory: the watch of Secret {}/{} ended with an error ({} {}); listing again",
                            namespace,
                            name,
                            code,
                            object.path("message").asText());
                }
                return Next.RELIST;
            }
            default -> {
                log.warn("device directory: unknown watch event type '{}'; listing again", type);
                return Next.RELIST;
            }
        }
        String version = object.path("metadata").path("resourceVersion").asText(null);
        if (version != null) {
            resourceVersion = version;
        }
        return Next.WATCH_ON;
    }

    /**
     * A Secret gone (or not there yet) is not an empty registry: the operator removes it only with its Gateway, and
     * dropping every device on a mistake would cut them all off. The last version stays, as with a missing file.
     */
    private void absent(String why) {
        Standing was = standing;
        standing = new Standing(was.version(), was.from(), was.devices(), was.refused(), "Secret " + why);
        if (!absentLogged) {
            absentLogged = true;
            log.warn(
                    "device directory: Secret {}/{}: {}; {}",
                    namespace,
                    name,
                    why,
                    applied == null ? "no devices until it comes" : "the previous devices stay in force");
        }
    }

    private void apply(JsonNode secret) {
        String version = secret.path("metadata").path("resourceVersion").asText("?");
        Map<String, String> files;
        try {
            files = files(secret);
        } catch (IllegalArgumentException e) {
            refuse(null, version, e.getMessage());
            return;
        }
        if (files.equals(applied) || files.equals(broken)) {
            Standing was = standing;
            if (was.absent() != null) { // back, unchanged
                standing = new Standing(was.version(), was.from(), was.devices(), was.refused(), null);
            }
            return; // the same content again (a relist, another key's change): nothing to do or to say
        }
        Registry registry;
        try {
            registry = parse(files);
        } catch (RegistryFileException | IOException e) {
            refuse(files, version, e.getMessage());
            return;
        }
        target.replaceAll(registry);
        applied = files;
        broken = null;
        publish(files);
        versionsApplied.incrementAndGet();
        standing = new Standing(version, "the API server", registry.deviceCount(), null, null);
        log.info(
                "device registry from Secret {}/{} (resourceVersion {}) applied: {}",
                namespace,
                name,
                version,
                registry);
        registry.warnings()
                .forEach(warning -> log.warn("device registry from Secret {}/{}: {}", namespace, name, warning));
        try {
            save(files, version);
        } catch (IOException e) {
            log.warn(
                    "device directory: could not save the registry to {} (a restart without the API server would not"
                            + " know these devices): {}",
                    dir.resolve(SAVED),
                    e.toString());
        }
    }

    private void refuse(Map<String, String> files, String version, String why) {
        broken = files;
        versionsRefused.incrementAndGet();
        Standing was = standing;
        standing = new Standing(
                was.version(), was.from(), was.devices(), "resourceVersion " + version + " not applied: " + why, null);
        log.error(
                "device registry from Secret {}/{} (resourceVersion {}) not applied, the previous one stays in force:"
                        + " {}",
                namespace,
                name,
                version,
                why);
    }

    /** The Secret's keys and their text: {@code data} is base64 (a real API server), {@code stringData} plain. */
    static Map<String, String> files(JsonNode secret) {
        Map<String, String> files = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> data = secret.path("data").fields();
        while (data.hasNext()) {
            Map.Entry<String, JsonNode> entry = data.next();
            files.put(
                    key(entry.getKey()),
                    new String(Base64.getDecoder().decode(entry.getValue().asText()), StandardCharsets.UTF_8));
        }
        // stringData is write-only on a real server (merged into data); a mock server may keep it as written.
        secret.path("stringData")
                .fields()
                .forEachRemaining(e -> files.put(key(e.getKey()), e.getValue().asText()));
        return files;
    }

    private static String key(String key) {
        if (!KEY.matcher(key).matches() || key.equals(".") || key.equals("..")) {
            throw new IllegalArgumentException("'" + key + "' is not a Secret key");
        }
        return key;
    }

    /** Writes the files out and reads the registry from them with the registry file's own loader. */
    private Registry parse(Map<String, String> files) throws IOException, RegistryFileException {
        if (!files.containsKey(REGISTRY_KEY)) {
            throw new RegistryFileException("the Secret has no " + REGISTRY_KEY, null);
        }
        Path out = dir.resolve("files");
        Files.createDirectories(out);
        try (Stream<Path> old = Files.list(out)) {
            for (Path file : old.toList()) {
                Files.delete(file);
            }
        }
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(out.resolve(file.getKey()), file.getValue());
        }
        return RegistryFile.read(out.resolve(REGISTRY_KEY));
    }

    /** Brings {@code current/} in step with {@code files}; a failure is logged, the registry stays applied. */
    private void publish(Map<String, String> files) {
        Path out = dir.resolve(PUBLISHED);
        try {
            Files.createDirectories(out);
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path target = out.resolve(file.getKey());
                if (file.getKey().equals(REGISTRY_KEY)
                        || (Files.exists(target) && Files.readString(target).equals(file.getValue()))) {
                    continue;
                }
                Path next = out.resolve("." + file.getKey() + ".next");
                Files.writeString(next, file.getValue());
                Files.move(next, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            try (Stream<Path> present = Files.list(out)) {
                for (Path file : present.toList()) {
                    if (!files.containsKey(file.getFileName().toString())) {
                        Files.delete(file);
                    }
                }
            }
        } catch (IOException e) {
            log.warn(
                    "device directory: could not write the Secret's other keys to {} (the twin map stays as it was): {}",
                    out,
                    e.toString());
        }
    }

    private void save(Map<String, String> files, String version) throws IOException {
        ObjectNode copy = JSON.createObjectNode()
                .put("namespace", namespace)
                .put("name", name)
                .put("resourceVersion", version);
        ObjectNode content = copy.putObject("files");
        files.forEach(content::put);
        Path next = dir.resolve(SAVED + ".next");
        try (FileChannel channel = FileChannel.open(
                next, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(copy)));
            channel.force(true);
        }
        Files.move(next, dir.resolve(SAVED), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
