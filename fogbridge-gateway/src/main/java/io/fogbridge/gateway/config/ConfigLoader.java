package io.fogbridge.gateway.config;

import io.fogbridge.api.adapter.AdapterFactory;
import io.fogbridge.api.adapter.ConfiguredAdapter;
import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigNode;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.Origin;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.Suggestions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the gateway's YAML file and the {@code FOGBRIDGE_*} environment overrides into a validated
 * {@link GatewayConfig}, or fails with every problem found.
 *
 * <p>Environment: {@code FOGBRIDGE_} + the key's path upper-cased with dots as underscores
 * ({@code FOGBRIDGE_KAFKA_BOOTSTRAPSERVERS} → {@code kafka.bootstrapServers}); the variable name is matched
 * case-insensitively and wins over the file. Maps and lists take YAML flow syntax
 * ({@code FOGBRIDGE_GATEWAY_LABELS='{site: plant-1}'}); an empty value unsets the key. A {@code FOGBRIDGE_} variable
 * that names no key but starts like one ({@code FOGBRIDGE_SPOOL_FSYN}) is an error; others
 * ({@code FOGBRIDGE_HOME}) belong to the launcher and are ignored.
 *
 * <p>Keys come from {@link ConfigSections}: each section parses, checks and builds its own part. A key that was
 * renamed ({@link ConfigKey#formerly}) is still read under its old name, in the file and the environment, with a
 * warning ({@link GatewayConfig#warnings()}) that names the new key; errors name the key as the user wrote it.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigLoader {

    private static final String ENV_PREFIX = "FOGBRIDGE_";
    private static final Map<String, ConfigKey<?>> BY_PATH = new LinkedHashMap<>();
    private static final Map<String, ConfigKey<?>> BY_ENV = new LinkedHashMap<>();
    /** Former paths and variable names of renamed keys. */
    private static final Map<String, ConfigKey<?>> BY_FORMER_PATH = new LinkedHashMap<>();

    private static final Map<String, ConfigKey<?>> BY_FORMER_ENV = new LinkedHashMap<>();
    /** Mappings that group keys ({@code mqtt}, {@code mqtt.external}) → the names they may contain. */
    private static final Map<String, Set<String>> SECTIONS = new LinkedHashMap<>();

    static {
        SECTIONS.put("", new LinkedHashSet<>());
        for (ConfigKey<?> key : ConfigSections.keys()) {
            BY_PATH.put(key.path(), key);
            BY_ENV.put(key.envName(), key);
            addSections(key.path());
            if (key.formerPath() != null) {
                BY_FORMER_PATH.put(key.formerPath(), key);
                BY_FORMER_ENV.put(key.formerEnvName(), key);
                addSections(key.formerPath());
            }
        }
    }

    private static void addSections(String path) {
        String parent = "";
        for (String segment : path.split("\\.")) {
            SECTIONS.get(parent).add(segment);
            parent = parent.isEmpty() ? segment : parent + "." + segment;
            if (!parent.equals(path)) {
                SECTIONS.computeIfAbsent(parent, p -> new LinkedHashSet<>());
            }
        }
    }

    private ConfigLoader() {}

    /**
     * Loads {@code file}, applies {@code env} (pass {@code System.getenv()}). {@code kafka.bootstrapServers} is
     * required.
     *
     * @throws ConfigException with every problem found, each naming the file (or variable), line and key
     */
    public static GatewayConfig load(Path file, Map<String, String> env) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(
                    List.of(file + ": cannot read: " + e.getClass().getSimpleName() + " " + e.getMessage()));
        }
        return load(file.toString(), text, env);
    }

    /** As {@link #load(Path, Map)}, from text; {@code source} names it in errors. */
    public static GatewayConfig load(String source, String yaml, Map<String, String> env) throws ConfigException {
        return load(source, yaml, env, true);
    }

    /**
     * The embedded defaults of {@code fogbridge demo}: every key at its default, no routes, and no Kafka servers
     * ({@code kafka().bootstrapServers()} is null: the demo starts a broker and sets it with
     * {@link GatewayConfig#withKafka}).
     */
    public static GatewayConfig defaults() {
        try {
            return load("defaults", "", Map.of(), false);
        } catch (ConfigException e) {
            throw new IllegalStateException("built-in defaults are invalid: " + e.getMessage(), e);
        }
    }

    private static GatewayConfig load(String source, String yaml, Map<String, String> env, boolean requireKafka)
            throws ConfigException {
        Problems problems = new Problems();
        Given given = new Given(new HashMap<>(), new HashMap<>(), new Problems());
        ConfigNode root = YamlTreeReader.read(yaml, source, problems);
        if (root instanceof ConfigNode.Mapping mapping) {
            collect(mapping, "", given, problems);
        } else if (!ConfigNode.isUnset(root)) {
            problems.add(
                    root.origin(),
                    "",
                    "expected a mapping of " + String.join(", ", SECTIONS.get("")) + ", got "
                            + ConfigNode.describe(root));
        }
        applyEnvironment(env, given, problems);
        Values values = resolve(source, given, requireKafka, problems);
        Built built = new Built(new HashMap<>());
        for (ConfigSection<?> section : ConfigSections.ALL) {
            // A section builds from valid values only; what is wrong with a single key was reported already.
            if (section.keys().stream().noneMatch(values.invalid()::contains)) {
                built.sections().put(section, section.build(values, problems));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.formatted());
        }
        return new GatewayConfig(
                built.get(ConfigSections.GATEWAY),
                built.get(ConfigSections.MQTT),
                built.get(ConfigSections.DEVICES),
                built.get(ConfigSections.KAFKA),
                built.get(ConfigSections.SPOOL),
                built.get(ConfigSections.HTTP),
                built.get(ConfigSections.ROUTES),
                built.get(ConfigSections.COMMANDS),
                configuredAdapters(built),
                built.get(ConfigSections.ADAPTERS),
                given.warnings().formatted(),
                built.get(ConfigSections.REDUCTION),
                built.get(ConfigSections.TWIN),
                built.get(ConfigSections.DISCOVERY));
    }

    private static List<ConfiguredAdapter<?>> configuredAdapters(Built built) {
        List<ConfiguredAdapter<?>> adapters = new ArrayList<>();
        for (AdapterFactory<?> factory : ConfigSections.ADAPTER_FACTORIES) {
            adapters.add(configured(factory, built));
        }
        return adapters;
    }

    private static <S> ConfiguredAdapter<S> configured(AdapterFactory<S> factory, Built built) {
        return new ConfiguredAdapter<>(factory, built.get(factory.section()));
    }

    /** Each section's settings, typed by the section that built them. */
    private record Built(Map<ConfigSection<?>, Object> sections) {
        @SuppressWarnings("unchecked")
        <S> S get(ConfigSection<S> section) {
            return (S) sections.get(section);
        }
    }

    /**
     * What the file and the environment give: each key's node by the key's path, the path the user wrote it under
     * (differs for a key used by its former name), and the warnings about former names.
     */
    private record Given(Map<String, ConfigNode> nodes, Map<String, String> writtenAs, Problems warnings) {

        void put(ConfigKey<?> key, String written, ConfigNode node) {
            nodes.put(key.path(), node);
            writtenAs.put(key.path(), written);
        }

        void warnRenamed(ConfigKey<?> key, Origin origin, String written) {
            warnings.add(origin, written, "is now " + key.path() + "; the old name still works but will go away");
        }
    }

    /** Finds each key's node; reports unknown keys. A dotted key ({@code spool.fsync: group}) works as well. */
    private static void collect(ConfigNode.Mapping mapping, String prefix, Given given, Problems problems) {
        for (ConfigNode.Entry entry : mapping.entries()) {
            String path = prefix.isEmpty() ? entry.key() : prefix + "." + entry.key();
            ConfigKey<?> key = BY_PATH.get(path);
            if (key == null && BY_FORMER_PATH.containsKey(path)) {
                key = BY_FORMER_PATH.get(path);
                given.warnRenamed(key, entry.keyOrigin(), path);
            }
            if (key != null) {
                ConfigNode earlier = given.nodes().get(key.path());
                if (earlier == null) {
                    given.put(key, path, entry.value());
                } else {
                    String first = given.writtenAs().get(key.path());
                    problems.add(
                            entry.keyOrigin(),
                            path,
                            (first.equals(path) ? "set twice" : "set twice, also as " + first) + " (also on line "
                                    + earlier.origin().line() + ")");
                }
            } else if (SECTIONS.containsKey(path)) {
                if (entry.value() instanceof ConfigNode.Mapping section) {
                    collect(section, path, given, problems);
                } else if (!ConfigNode.isUnset(entry.value())) {
                    problems.add(
                            entry.value().origin(),
                            path,
                            "expected a mapping of " + String.join(", ", SECTIONS.get(path)) + ", got "
                                    + ConfigNode.describe(entry.value()));
                }
            } else {
                problems.add(entry.keyOrigin(), path, "unknown key" + suggestion(prefix, entry.key(), path));
            }
        }
    }

    private static String suggestion(String prefix, String name, String path) {
        Set<String> siblings = SECTIONS.getOrDefault(prefix, Set.of());
        var sibling = Suggestions.closest(name, siblings);
        if (sibling.isPresent()) {
            return ", did you mean '" + (prefix.isEmpty() ? "" : prefix + ".") + sibling.get() + "'?";
        }
        List<String> everything = new ArrayList<>(BY_PATH.keySet());
        everything.addAll(BY_FORMER_PATH.keySet()); // still accepted; using one warns with the new name
        everything.addAll(SECTIONS.keySet());
        return Suggestions.closest(path, everything)
                .map(s -> ", did you mean '" + s + "'?")
                .orElse("");
    }

    private static void applyEnvironment(Map<String, String> env, Given given, Problems problems) {
        for (Map.Entry<String, String> variable : new TreeMap<>(env).entrySet()) {
            String name = variable.getKey();
            String upper = name.toUpperCase(Locale.ROOT);
            if (!upper.startsWith(ENV_PREFIX)) {
                continue;
            }
            ConfigKey<?> key = BY_ENV.get(upper);
            Origin origin = Origin.env(name);
            String written = key == null ? null : key.path();
            if (key == null && BY_FORMER_ENV.containsKey(upper)) {
                key = BY_FORMER_ENV.get(upper);
                written = key.formerPath();
                if (env.keySet().stream()
                        .anyMatch(
                                n -> n.equalsIgnoreCase(BY_FORMER_ENV.get(upper).envName()))) {
                    continue; // the variable under the new name wins
                }
                given.warnRenamed(key, origin, written);
            }
            if (key == null) {
                if (looksLikeOurs(upper)) {
                    problems.add(
                            origin,
                            "",
                            "names no config key"
                                    + Suggestions.closest(upper, BY_ENV.keySet())
                                            .map(s -> ", did you mean " + s + "?")
                                            .orElse(""));
                }
                continue;
            }
            String value = variable.getValue();
            if (value == null || value.isEmpty()) {
                given.put(key, written, new ConfigNode.Scalar(null, origin));
            } else if (key.type().structured()) {
                try {
                    given.put(key, written, YamlTreeReader.read(value, origin.source(), problems));
                } catch (ConfigException e) {
                    problems.add(
                            origin,
                            written,
                            "expected YAML flow syntax such as " + flowExample(key) + ": "
                                    + e.problems().getFirst());
                }
            } else {
                given.put(key, written, new ConfigNode.Scalar(value, origin));
            }
        }
    }

    private static boolean looksLikeOurs(String upperName) {
        for (String section : SECTIONS.get("")) {
            String start = ENV_PREFIX + section.toUpperCase(Locale.ROOT);
            if (upperName.equals(start) || upperName.startsWith(start + "_")) {
                return true;
            }
        }
        return false;
    }

    private static String flowExample(ConfigKey<?> key) {
        return key.type().describe().startsWith("list") ? "[{a: 1, b: 2}]" : "{a: 1, b: 2}";
    }

    /** Typed values of every top-level key, where each came from, and which were given but invalid. */
    private record Values(
            Map<ConfigKey<?>, Object> values,
            Map<ConfigKey<?>, Origin> origins,
            Set<ConfigKey<?>> invalid,
            String source)
            implements SectionValues {

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get(ConfigKey<T> key) {
            return (T) values.get(key);
        }

        @Override
        public boolean isSet(ConfigKey<?> key) {
            return origins.containsKey(key);
        }

        @Override
        public Origin origin(ConfigKey<?> key) {
            return origins.getOrDefault(key, new Origin(source, 0));
        }
    }

    private static Values resolve(String source, Given given, boolean requireKafka, Problems problems) {
        Map<ConfigKey<?>, Object> values = new HashMap<>();
        Map<ConfigKey<?>, Origin> origins = new HashMap<>();
        Set<ConfigKey<?>> invalid = new java.util.HashSet<>();
        for (ConfigKey<?> key : ConfigSections.keys()) {
            ConfigNode node = given.nodes().get(key.path());
            int before = problems.size();
            if (ConfigNode.isUnset(node)) {
                if (key.isRequired() && (requireKafka || key != KafkaSection.BOOTSTRAP_SERVERS)) {
                    problems.add(
                            node == null ? new Origin(source, 0) : node.origin(),
                            key.path(),
                            "required; set it in the file or with " + key.envName());
                }
                values.put(key, key.defaultValue());
            } else {
                values.put(key, key.type().read(node, given.writtenAs().get(key.path()), problems));
                origins.put(key, node.origin());
            }
            if (problems.size() != before) {
                invalid.add(key);
            }
        }
        return new Values(values, origins, invalid, source);
    }
}
