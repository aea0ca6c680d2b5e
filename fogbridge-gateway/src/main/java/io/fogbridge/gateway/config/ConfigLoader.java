package io.fogbridge.gateway.config;

import static io.fogbridge.gateway.config.GatewayConfigKeys.*;

import io.fogbridge.api.adapter.AdapterFactory;
import io.fogbridge.api.adapter.ConfiguredAdapter;
import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigNode;
import io.fogbridge.api.config.Origin;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.Suggestions;
import io.fogbridge.api.config.Units;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
import java.util.ServiceLoader;
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
 * <p>Stateless and thread-safe.
 */
public final class ConfigLoader {

    private static final String ENV_PREFIX = "FOGBRIDGE_";
    private static final List<AdapterFactory<?>> ADAPTER_FACTORIES = adapterFactories();
    private static final List<ConfigKey<?>> KEYS = keysWithAdapterSections();
    private static final Map<String, ConfigKey<?>> BY_PATH = new LinkedHashMap<>();
    private static final Map<String, ConfigKey<?>> BY_ENV = new LinkedHashMap<>();
    /** Mappings that group keys ({@code mqtt}, {@code mqtt.external}) → the names they may contain. */
    private static final Map<String, Set<String>> SECTIONS = new LinkedHashMap<>();

    static {
        SECTIONS.put("", new LinkedHashSet<>());
        for (ConfigKey<?> key : KEYS) {
            BY_PATH.put(key.path(), key);
            BY_ENV.put(key.envName(), key);
            String path = key.path();
            String parent = "";
            for (String segment : path.split("\\.")) {
                SECTIONS.get(parent).add(segment);
                parent = parent.isEmpty() ? segment : parent + "." + segment;
                if (!parent.equals(path)) {
                    SECTIONS.computeIfAbsent(parent, p -> new LinkedHashSet<>());
                }
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
        ConfigNode root = YamlTreeReader.read(yaml, source, problems);
        Map<String, ConfigNode> given = new HashMap<>();
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
        checkAcrossKeys(source, values, problems);
        checkHttpExposure(source, values, problems);
        List<ConfiguredAdapter<?>> adapters = configuredAdapters(source, values, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.formatted());
        }
        return assemble(values, adapters);
    }

    /** Finds each key's node; reports unknown keys. A dotted key ({@code spool.fsync: group}) works as well. */
    private static void collect(
            ConfigNode.Mapping mapping, String prefix, Map<String, ConfigNode> given, Problems problems) {
        for (ConfigNode.Entry entry : mapping.entries()) {
            String path = prefix.isEmpty() ? entry.key() : prefix + "." + entry.key();
            if (BY_PATH.containsKey(path)) {
                ConfigNode earlier = given.putIfAbsent(path, entry.value());
                if (earlier != null) {
                    problems.add(
                            entry.keyOrigin(),
                            path,
                            "set twice (also on line " + earlier.origin().line() + ")");
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
        everything.addAll(SECTIONS.keySet());
        return Suggestions.closest(path, everything)
                .map(s -> ", did you mean '" + s + "'?")
                .orElse("");
    }

    private static void applyEnvironment(Map<String, String> env, Map<String, ConfigNode> given, Problems problems) {
        for (Map.Entry<String, String> variable : new TreeMap<>(env).entrySet()) {
            String name = variable.getKey();
            String upper = name.toUpperCase(Locale.ROOT);
            if (!upper.startsWith(ENV_PREFIX)) {
                continue;
            }
            ConfigKey<?> key = BY_ENV.get(upper);
            Origin origin = Origin.env(name);
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
                given.put(key.path(), new ConfigNode.Scalar(null, origin));
            } else if (key.type().structured()) {
                try {
                    given.put(key.path(), YamlTreeReader.read(value, origin.source(), problems));
                } catch (ConfigException e) {
                    problems.add(
                            origin,
                            key.path(),
                            "expected YAML flow syntax such as " + flowExample(key) + ": "
                                    + e.problems().getFirst());
                }
            } else {
                given.put(key.path(), new ConfigNode.Scalar(value, origin));
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

    /** Typed values of every top-level key, and where each came from. */
    private record Values(Map<ConfigKey<?>, Object> values, Map<ConfigKey<?>, Origin> origins) {
        @SuppressWarnings("unchecked")
        <T> T get(ConfigKey<T> key) {
            return (T) values.get(key);
        }

        boolean isSet(ConfigKey<?> key) {
            return origins.containsKey(key);
        }
    }

    private static Values resolve(
            String source, Map<String, ConfigNode> given, boolean requireKafka, Problems problems) {
        Map<ConfigKey<?>, Object> values = new HashMap<>();
        Map<ConfigKey<?>, Origin> origins = new HashMap<>();
        for (ConfigKey<?> key : KEYS) {
            ConfigNode node = given.get(key.path());
            if (ConfigNode.isUnset(node)) {
                if (key.isRequired() && (requireKafka || key != KAFKA_BOOTSTRAP_SERVERS)) {
                    problems.add(
                            node == null ? new Origin(source, 0) : node.origin(),
                            key.path(),
                            "required; set it in the file or with " + key.envName());
                }
                values.put(key, key.defaultValue());
            } else {
                values.put(key, key.type().read(node, key.path(), problems));
                origins.put(key, node.origin());
            }
        }
        return new Values(values, origins);
    }

    private static void checkAcrossKeys(String source, Values values, Problems problems) {
        if (!values.isSet(MQTT_EXTERNAL_URI)) {
            for (ConfigKey<?> key : List.of(
                    MQTT_EXTERNAL_CA_FILE,
                    MQTT_EXTERNAL_CERT_FILE,
                    MQTT_EXTERNAL_KEY_FILE,
                    MQTT_EXTERNAL_VERIFY_HOSTNAME,
                    MQTT_EXTERNAL_CLIENT_ID,
                    MQTT_EXTERNAL_USERNAME,
                    MQTT_EXTERNAL_PASSWORD,
                    MQTT_EXTERNAL_PASSWORD_FILE,
                    MQTT_EXTERNAL_SHARED_GROUP)) {
                if (values.isSet(key)) {
                    problems.add(values.origins().get(key), key.path(), "has no effect without mqtt.external.uri");
                }
            }
        } else {
            checkExternalBroker(values, problems);
        }
        Long maxBytes = values.get(SPOOL_MAX_BYTES);
        Long segmentBytes = values.get(SPOOL_SEGMENT_BYTES);
        if (maxBytes != null && segmentBytes != null && maxBytes < segmentBytes) {
            ConfigKey<?> blame = values.isSet(SPOOL_MAX_BYTES) ? SPOOL_MAX_BYTES : SPOOL_SEGMENT_BYTES;
            problems.add(
                    values.origins().getOrDefault(blame, new Origin(source, 0)),
                    blame.path(),
                    "spool.maxBytes (" + Units.formatSize(maxBytes) + ") must be at least spool.segmentBytes ("
                            + Units.formatSize(segmentBytes) + ")");
        }
    }

    /**
     * TLS keys only with an {@code ssl://} URI, certificate and key together, files that exist now (a typo in a path
     * is found at load, with its line, rather than as a failed handshake later). Keys whose value did not parse were
     * reported already and are skipped.
     */
    private static void checkExternalBroker(Values values, Problems problems) {
        String uri = values.get(MQTT_EXTERNAL_URI);
        List<ConfigKey<?>> tlsKeys = List.of(
                MQTT_EXTERNAL_CA_FILE, MQTT_EXTERNAL_CERT_FILE, MQTT_EXTERNAL_KEY_FILE, MQTT_EXTERNAL_VERIFY_HOSTNAME);
        if (uri != null && !uri.startsWith("ssl://")) {
            for (ConfigKey<?> key : tlsKeys) {
                if (values.isSet(key) && values.get(key) != null) {
                    problems.add(
                            values.origins().get(key),
                            key.path(),
                            "is a TLS option, but mqtt.external.uri is '" + uri + "': use ssl://host:port for TLS");
                }
            }
        }
        Path cert = values.get(MQTT_EXTERNAL_CERT_FILE);
        Path key = values.get(MQTT_EXTERNAL_KEY_FILE);
        if (cert != null && key == null && !values.isSet(MQTT_EXTERNAL_KEY_FILE)) {
            problems.add(
                    values.origins().get(MQTT_EXTERNAL_CERT_FILE),
                    MQTT_EXTERNAL_CERT_FILE.path(),
                    "needs mqtt.external.keyFile (the certificate's private key)");
        }
        if (key != null && cert == null && !values.isSet(MQTT_EXTERNAL_CERT_FILE)) {
            problems.add(
                    values.origins().get(MQTT_EXTERNAL_KEY_FILE),
                    MQTT_EXTERNAL_KEY_FILE.path(),
                    "needs mqtt.external.certFile (the certificate it belongs to)");
        }
        if (values.isSet(MQTT_EXTERNAL_PASSWORD) && values.isSet(MQTT_EXTERNAL_PASSWORD_FILE)) {
            problems.add(
                    values.origins().get(MQTT_EXTERNAL_PASSWORD_FILE),
                    MQTT_EXTERNAL_PASSWORD_FILE.path(),
                    "give mqtt.external.password or mqtt.external.passwordFile, not both");
        }
        for (ConfigKey<Path> file : List.of(
                MQTT_EXTERNAL_CA_FILE, MQTT_EXTERNAL_CERT_FILE, MQTT_EXTERNAL_KEY_FILE, MQTT_EXTERNAL_PASSWORD_FILE)) {
            Path path = values.get(file);
            if (path != null && !(Files.isRegularFile(path) && Files.isReadable(path))) {
                problems.add(
                        values.origins().get(file),
                        file.path(),
                        "cannot read " + path.toAbsolutePath() + ": "
                                + (Files.exists(path) ? "not a readable file" : "no such file"));
            }
        }
    }

    /** The first line of {@code mqtt.external.passwordFile}; checked readable before. */
    private static String readPassword(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .findFirst()
                    .map(String::strip)
                    .orElse("");
        } catch (IOException e) {
            throw new UncheckedIOException("mqtt.external.passwordFile: cannot read " + file, e);
        }
    }

    /**
     * Secure by default: {@code /readyz} and {@code /metrics} reachable from other machines need a token, or the
     * operator's explicit {@code http.allowUnauthenticated}.
     */
    private static void checkHttpExposure(String source, Values values, Problems problems) {
        if (values.isSet(HTTP_TOKEN) && values.isSet(HTTP_TOKEN_FILE)) {
            problems.add(
                    values.origins().get(HTTP_TOKEN), HTTP_TOKEN.path(), "give http.token or http.tokenFile, not both");
        }
        String host = values.get(HTTP_HOST);
        boolean tokenSet = values.isSet(HTTP_TOKEN) || values.isSet(HTTP_TOKEN_FILE);
        boolean allowed = Boolean.TRUE.equals(values.get(HTTP_ALLOW_UNAUTHENTICATED));
        if (host == null || tokenSet || allowed || isLoopback(host)) {
            return;
        }
        problems.add(
                values.origins().getOrDefault(HTTP_HOST, new Origin(source, 0)),
                HTTP_HOST.path(),
                "'" + host + "' is not a loopback address, so /readyz and /metrics would be open to the network: set"
                        + " http.tokenFile (or http.token) to require a bearer token, or http.allowUnauthenticated:"
                        + " true to serve them without one");
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static GatewayConfig assemble(Values v, List<ConfiguredAdapter<?>> adapters) {
        String id = v.get(GATEWAY_ID);
        ExternalBroker external = null;
        String uri = v.get(MQTT_EXTERNAL_URI);
        if (uri != null) {
            String authority = uri.substring(uri.indexOf("://") + 3);
            int colon = authority.lastIndexOf(':');
            String clientId = v.get(MQTT_EXTERNAL_CLIENT_ID);
            Path passwordFile = v.get(MQTT_EXTERNAL_PASSWORD_FILE);
            external = new ExternalBroker(
                    uri,
                    authority.substring(0, colon),
                    Integer.parseInt(authority.substring(colon + 1)),
                    clientId != null ? clientId : "fogbridge-" + id,
                    v.get(MQTT_EXTERNAL_USERNAME),
                    passwordFile != null ? readPassword(passwordFile) : v.get(MQTT_EXTERNAL_PASSWORD),
                    v.get(MQTT_EXTERNAL_SHARED_GROUP),
                    v.get(MQTT_EXTERNAL_CA_FILE),
                    v.get(MQTT_EXTERNAL_CERT_FILE),
                    v.get(MQTT_EXTERNAL_KEY_FILE),
                    v.get(MQTT_EXTERNAL_VERIFY_HOSTNAME));
        }
        return new GatewayConfig(
                new GatewaySettings(id, v.get(GATEWAY_DATA_DIR), v.get(GATEWAY_LABELS)),
                new MqttSettings(
                        v.get(MQTT_LISTENERS),
                        v.get(MQTT_MAX_PAYLOAD),
                        v.get(MQTT_ACK_TIMEOUT),
                        external,
                        v.get(MQTT_REGISTRY),
                        v.get(MQTT_ROLES)),
                new KafkaSettings(v.get(KAFKA_BOOTSTRAP_SERVERS), v.get(KAFKA_PROPERTIES), v.get(KAFKA_MAX_IN_FLIGHT)),
                new SpoolSettings(
                        v.get(SPOOL_MAX_BYTES),
                        v.get(SPOOL_MAX_AGE),
                        v.get(SPOOL_FSYNC),
                        v.get(SPOOL_WHEN_FULL),
                        v.get(SPOOL_SEGMENT_BYTES)),
                new HttpSettings(
                        v.get(HTTP_HOST),
                        v.get(HTTP_PORT),
                        v.get(HTTP_TOKEN),
                        v.get(HTTP_TOKEN_FILE),
                        v.get(HTTP_ALLOW_UNAUTHENTICATED)),
                v.get(ROUTES),
                new CommandSettings(
                        v.get(COMMANDS_ENABLED),
                        v.get(COMMANDS_TENANTS),
                        v.get(COMMANDS_MAX_PENDING),
                        v.get(COMMANDS_UNKNOWN_DEVICES)),
                adapters,
                v.get(ADAPTERS_MAX_TTD));
    }

    // ---- adapter sections: found through ServiceLoader, so adding a protocol touches no list here -------------

    /** Every key the loader knows, in reference order: {@link GatewayConfigKeys#ALL} and the adapter sections. */
    public static List<ConfigKey<?>> keys() {
        return KEYS;
    }

    private static List<AdapterFactory<?>> adapterFactories() {
        List<AdapterFactory<?>> factories = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (AdapterFactory<?> factory :
                ServiceLoader.load(AdapterFactory.class, ConfigLoader.class.getClassLoader())) {
            String section = "adapters." + factory.name();
            if (!names.add(factory.name()) || !factory.section().name().equals(section)) {
                throw new IllegalStateException(
                        "adapter factory " + factory.getClass().getName() + ": name '" + factory.name()
                                + "' is taken, or its section is not named " + section);
            }
            for (ConfigKey<?> key : factory.section().keys()) {
                if (!key.path().startsWith(section + ".")) {
                    throw new IllegalStateException(
                            "adapter factory " + factory.getClass().getName() + ": key " + key.path()
                                    + " is outside its section " + section);
                }
            }
            factories.add(factory);
        }
        return List.copyOf(factories);
    }

    /** The adapter sections' keys go before {@code adapters.maxTtd}, where the reference always listed them. */
    private static List<ConfigKey<?>> keysWithAdapterSections() {
        List<ConfigKey<?>> keys = new ArrayList<>();
        for (ConfigKey<?> key : GatewayConfigKeys.ALL) {
            if (key == ADAPTERS_MAX_TTD) {
                ADAPTER_FACTORIES.forEach(
                        factory -> keys.addAll(factory.section().keys()));
            }
            keys.add(key);
        }
        return List.copyOf(keys);
    }

    /** Builds each adapter section from its already parsed keys; a section's own cross-key problems are reported. */
    private static List<ConfiguredAdapter<?>> configuredAdapters(String source, Values values, Problems problems) {
        SectionValues sectionValues = new SectionValues() {
            @Override
            public <T> T get(ConfigKey<T> key) {
                return values.get(key);
            }

            @Override
            public boolean isSet(ConfigKey<?> key) {
                return values.isSet(key);
            }

            @Override
            public Origin origin(ConfigKey<?> key) {
                return values.origins().getOrDefault(key, new Origin(source, 0));
            }
        };
        List<ConfiguredAdapter<?>> adapters = new ArrayList<>();
        for (AdapterFactory<?> factory : ADAPTER_FACTORIES) {
            ConfiguredAdapter<?> adapter = configured(factory, sectionValues, problems);
            if (adapter != null) {
                adapters.add(adapter);
            }
        }
        return adapters;
    }

    private static <S> ConfiguredAdapter<S> configured(
            AdapterFactory<S> factory, SectionValues values, Problems problems) {
        S settings = factory.section().build(values, problems);
        return settings == null ? null : new ConfiguredAdapter<>(factory, settings);
    }
}
