package io.fogbridge.gateway.config;

import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigNode;
import io.fogbridge.api.config.ItemSchema;
import io.fogbridge.api.config.Origin;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.ValueType;
import io.fogbridge.api.config.ValueTypes;
import io.fogbridge.gateway.ops.BearerToken;
import io.fogbridge.pipeline.ContractHeaders;
import io.fogbridge.pipeline.DeviceRoutes;
import io.fogbridge.pipeline.Route;
import io.fogbridge.pipeline.RouteTable;
import io.fogbridge.pipeline.TopicFilter;
import io.fogbridge.pipeline.TopicTemplate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every configuration key, defined once. The loader, the environment overrides and {@link ConfigReference} all
 * read this list; adding a key here is all it takes to make it parse, validate, default, override and appear in the
 * README's reference table (then use it where {@link ConfigLoader} builds the records).
 */
public final class GatewayConfigKeys {

    private GatewayConfigKeys() {}

    // ---- gateway ---------------------------------------------------------------------------------------------

    public static final ConfigKey<String> GATEWAY_ID = ConfigKey.define(
            "gateway.id",
            ValueTypes.identifier(),
            "edge-1",
            "This gateway's name in the `gateway_id` and `fog-seq` headers and in client ids. Keep it stable across"
                    + " restarts (consumers drop replayed duplicates by `fog-seq`) and unique per Kafka cluster.");

    public static final ConfigKey<Path> GATEWAY_DATA_DIR = ConfigKey.define(
            "gateway.dataDir",
            ValueTypes.path(),
            Path.of("data"),
            "Where the spool and the broker keep their files. Relative paths start at the working directory; a"
                    + " packaged install uses `/var/lib/fogbridge`.");

    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    public static final ConfigKey<Map<String, String>> GATEWAY_LABELS = ConfigKey.define(
            "gateway.labels",
            ValueTypes.stringMap("map of name → text", name -> {
                if (!LABEL_NAME.matcher(name).matches()) {
                    return "label names use letters, digits, '.', '_' and '-'";
                }
                if (ContractHeaders.isReserved(name)) {
                    return "collides with the contract header '" + name + "'; choose another label name";
                }
                return null;
            }),
            Map.of(),
            "Added to every record as headers named by the key (site, location, node labels …). Contract header"
                    + " names such as `device_id` are refused.");

    // ---- mqtt ------------------------------------------------------------------------------------------------

    public static final ConfigKey<String> LISTENER_HOST =
            ConfigKey.required("mqtt.listeners[].host", ValueTypes.host(), "Address to listen on.");
    public static final ConfigKey<Integer> LISTENER_PORT =
            ConfigKey.required("mqtt.listeners[].port", ValueTypes.port(), "Port; 0 = any free port.");

    public static final ConfigKey<Boolean> LISTENER_ANONYMOUS = ConfigKey.define(
                    "mqtt.listeners[].anonymous",
                    bool(),
                    null,
                    "Accept clients without credentials here. Anything but a loopback listener should require them.")
            .defaultDescribedAs("true on a loopback host, else false");
    public static final ConfigKey<Path> LISTENER_CERT_FILE = ConfigKey.define(
            "mqtt.listeners[].certFile",
            ValueTypes.path(),
            null,
            "TLS: server certificate chain (PEM). Makes the listener TLS 1.2/1.3; changes are picked up without a"
                    + " restart.");
    public static final ConfigKey<Path> LISTENER_KEY_FILE = ConfigKey.define(
            "mqtt.listeners[].keyFile", ValueTypes.path(), null, "TLS: the server's private key (PEM, unencrypted).");
    public static final ConfigKey<Path> LISTENER_KEY_STORE = ConfigKey.define(
            "mqtt.listeners[].keyStore",
            ValueTypes.path(),
            null,
            "TLS: server key and chain as PKCS12, instead of certFile/keyFile.");
    public static final ConfigKey<String> LISTENER_KEY_STORE_PASSWORD =
            ConfigKey.define("mqtt.listeners[].keyStorePassword", ValueTypes.string(), null, "Password of keyStore.");
    public static final ConfigKey<Path> LISTENER_CLIENT_CA_FILE = ConfigKey.define(
            "mqtt.listeners[].clientCaFile",
            ValueTypes.path(),
            null,
            "TLS: CA certificates (PEM) that client certificates must chain to: every tenant's device CA.");
    public static final ConfigKey<String> LISTENER_CLIENT_AUTH = ConfigKey.define(
                    "mqtt.listeners[].clientAuth",
                    ValueTypes.oneOf("none", "optional", "required"),
                    null,
                    "TLS client certificates: `required` refuses a handshake without one, `optional` lets"
                            + " password devices in too.")
            .defaultDescribedAs("`optional` with clientCaFile, else `none`");

    private static final ItemSchema<MqttListener> LISTENER = new ItemSchema<>(
            List.of(
                    LISTENER_HOST,
                    LISTENER_PORT,
                    LISTENER_ANONYMOUS,
                    LISTENER_CERT_FILE,
                    LISTENER_KEY_FILE,
                    LISTENER_KEY_STORE,
                    LISTENER_KEY_STORE_PASSWORD,
                    LISTENER_CLIENT_CA_FILE,
                    LISTENER_CLIENT_AUTH),
            GatewayConfigKeys::buildListener);

    private static MqttListener buildListener(ItemSchema.Fields f, Problems problems) {
        MqttListener.Tls tls = null;
        boolean pem = f.get(LISTENER_CERT_FILE) != null || f.get(LISTENER_KEY_FILE) != null;
        boolean store = f.get(LISTENER_KEY_STORE) != null;
        if (pem && store) {
            problems.add(f.itemOrigin(), f.itemPath(), "give certFile/keyFile or keyStore, not both");
            return null;
        }
        if (pem && (f.get(LISTENER_CERT_FILE) == null || f.get(LISTENER_KEY_FILE) == null)) {
            problems.add(f.itemOrigin(), f.itemPath(), "certFile and keyFile go together");
            return null;
        }
        if (!pem && !store && (f.get(LISTENER_CLIENT_CA_FILE) != null || f.get(LISTENER_CLIENT_AUTH) != null)) {
            problems.add(
                    f.itemOrigin(), f.itemPath(), "clientCaFile/clientAuth need TLS (certFile+keyFile or keyStore)");
            return null;
        }
        if (f.get(LISTENER_CLIENT_AUTH) != null
                && !f.get(LISTENER_CLIENT_AUTH).equals("none")
                && f.get(LISTENER_CLIENT_CA_FILE) == null) {
            problems.add(f.origin(LISTENER_CLIENT_AUTH), f.path(LISTENER_CLIENT_AUTH), "needs clientCaFile");
            return null;
        }
        if (pem || store) {
            tls = new MqttListener.Tls(
                    f.get(LISTENER_CERT_FILE),
                    f.get(LISTENER_KEY_FILE),
                    f.get(LISTENER_KEY_STORE),
                    f.get(LISTENER_KEY_STORE_PASSWORD),
                    f.get(LISTENER_CLIENT_CA_FILE),
                    f.get(LISTENER_CLIENT_AUTH));
        }
        return new MqttListener(f.get(LISTENER_HOST), f.get(LISTENER_PORT), tls, f.get(LISTENER_ANONYMOUS));
    }

    /** Never echoes the value in a problem: it is a secret. */
    private static ValueType<String> bearerToken() {
        return ValueTypes.scalar(
                "bearer token (16+ characters)",
                text -> {
                    String problem = BearerToken.problem(text);
                    if (problem != null) {
                        throw new IllegalArgumentException(problem);
                    }
                    return text;
                },
                text -> "****");
    }

    private static ValueType<Boolean> bool() {
        return ValueTypes.scalar("true or false", text -> switch (text) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("expected true or false");
        });
    }

    /** A list of MQTT topic filters. */
    private static ValueType<List<String>> filterList() {
        return new ValueType<>() {
            @Override
            public String describe() {
                return "list of topic filters";
            }

            @Override
            public List<String> read(ConfigNode node, String path, Problems problems) {
                if (!(node instanceof ConfigNode.Sequence sequence)) {
                    problems.add(
                            node.origin(), path, "expected a list of topic filters, got " + ConfigNode.describe(node));
                    return null;
                }
                List<String> filters = new ArrayList<>();
                int before = problems.size();
                for (int i = 0; i < sequence.items().size(); i++) {
                    ConfigNode item = sequence.items().get(i);
                    String text = item instanceof ConfigNode.Scalar s ? s.text() : null;
                    String problem = text == null ? "expected a topic filter" : filterProblem(text);
                    if (problem != null) {
                        problems.add(item.origin(), path + "[" + i + "]", problem);
                    } else {
                        filters.add(text);
                    }
                }
                return problems.size() == before ? List.copyOf(filters) : null;
            }

            @Override
            public boolean structured() {
                return true;
            }
        };
    }

    private static String filterProblem(String filter) {
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            boolean wildcard = levels[i].equals("+") || levels[i].equals("#");
            if (!wildcard && (levels[i].contains("+") || levels[i].contains("#"))) {
                return "'" + filter + "': a wildcard must be a whole level";
            }
            if (levels[i].equals("#") && i != levels.length - 1) {
                return "'" + filter + "': '#' must be the last level";
            }
        }
        return filter.isEmpty() ? "empty topic filter" : null;
    }

    public static final ConfigKey<Path> MQTT_REGISTRY = ConfigKey.define(
            "mqtt.registry",
            ValueTypes.path(),
            null,
            "Device registry file (tenants, devices, hashed passwords, certificate subjects); reloaded within a"
                    + " second when it changes. Edit it with `fogbridge device`. Without it only anonymous clients"
                    + " connect, on the listeners that allow them.");

    public static final ConfigKey<String> ROLE_NAME = ConfigKey.required(
            "mqtt.roles[].name", ValueTypes.identifier(), "Role name, as devices list it in `roles`.");
    public static final ConfigKey<List<String>> ROLE_PUBLISH =
            ConfigKey.define("mqtt.roles[].publish", filterList(), List.of(), "Topic filters the role may publish to.");
    public static final ConfigKey<List<String>> ROLE_SUBSCRIBE = ConfigKey.define(
            "mqtt.roles[].subscribe", filterList(), List.of(), "Topic filters the role may subscribe within.");

    private static final ItemSchema<MqttRole> ROLE = new ItemSchema<>(
            List.of(ROLE_NAME, ROLE_PUBLISH, ROLE_SUBSCRIBE),
            (f, problems) -> new MqttRole(f.get(ROLE_NAME), f.get(ROLE_PUBLISH), f.get(ROLE_SUBSCRIBE)));

    public static final ConfigKey<List<MqttRole>> MQTT_ROLES = ConfigKey.define(
            "mqtt.roles",
            ValueTypes.listOf("list of {name, publish, subscribe}", ROLE, (roles, nodes) -> List.of()),
            List.of(),
            "Topics granted beyond a device's own, by role. A role named `anonymous` limits anonymous clients"
                    + " (without it they may use every topic).");

    public static final ConfigKey<List<MqttListener>> MQTT_LISTENERS = ConfigKey.define(
                    "mqtt.listeners",
                    ValueTypes.listOf("list of {host, port}", LISTENER, GatewayConfigKeys::checkListeners),
                    List.of(new MqttListener("0.0.0.0", 1883)),
                    "Listeners of the embedded MQTT broker (ignored with `mqtt.external.uri`).")
            .defaultDescribedAs("`[{host: 0.0.0.0, port: 1883}]`");

    public static final ConfigKey<Long> MQTT_MAX_PAYLOAD = ConfigKey.define(
            "mqtt.maxPayload",
            ValueTypes.size(1, 256L << 20),
            256L << 10,
            "Largest payload accepted; larger publishes are refused (MQTT 5 reason 0x95, disconnect for 3.1.1).");

    public static final ConfigKey<Duration> MQTT_ACK_TIMEOUT = ConfigKey.define(
            "mqtt.ackTimeout",
            ValueTypes.duration(false),
            Duration.ofSeconds(10),
            "How long a QoS 1 publish may wait for the spool before the device gets an error instead of a PUBACK.");

    public static final ConfigKey<String> MQTT_EXTERNAL_URI = ConfigKey.define(
            "mqtt.external.uri",
            ValueTypes.mqttUri(),
            null,
            "Use an existing broker (such as mosquitto) instead of the embedded one: `tcp://host:port`, or"
                    + " `ssl://host:port` for TLS 1.2/1.3 (port 8883 by default; `mqtt://` and `mqtts://` work too).");

    public static final ConfigKey<Path> MQTT_EXTERNAL_CA_FILE = ConfigKey.define(
                    "mqtt.external.caFile",
                    ValueTypes.path(),
                    null,
                    "TLS: CA certificates (PEM) the external broker's certificate must chain to. Read at start.")
            .defaultDescribedAs("the JVM's trust store");

    public static final ConfigKey<Path> MQTT_EXTERNAL_CERT_FILE = ConfigKey.define(
            "mqtt.external.certFile",
            ValueTypes.path(),
            null,
            "TLS: the gateway's client certificate chain (PEM), for brokers that require one (mosquitto"
                    + " `require_certificate true`). Needs `mqtt.external.keyFile`. Read at start.");

    public static final ConfigKey<Path> MQTT_EXTERNAL_KEY_FILE = ConfigKey.define(
            "mqtt.external.keyFile",
            ValueTypes.path(),
            null,
            "TLS: the client certificate's private key (PEM, unencrypted). Keep it chmod 600.");

    public static final ConfigKey<Boolean> MQTT_EXTERNAL_VERIFY_HOSTNAME = ConfigKey.define(
            "mqtt.external.verifyHostname",
            bool(),
            true,
            "TLS: check that the broker's certificate names the host of `mqtt.external.uri`. `false` is logged as a"
                    + " warning at start: anyone holding a certificate of a trusted CA could impersonate the broker.");

    public static final ConfigKey<String> MQTT_EXTERNAL_CLIENT_ID = ConfigKey.define(
                    "mqtt.external.clientId",
                    ValueTypes.identifier(),
                    null,
                    "Fixed client id of the gateway's persistent session on the external broker.")
            .defaultDescribedAs("`fogbridge-` + `gateway.id`");

    public static final ConfigKey<String> MQTT_EXTERNAL_USERNAME =
            ConfigKey.define("mqtt.external.username", ValueTypes.string(), null, "User name on the external broker.");

    public static final ConfigKey<String> MQTT_EXTERNAL_PASSWORD = ConfigKey.define(
            "mqtt.external.password",
            ValueTypes.string(),
            null,
            "Password on the external broker; prefer `mqtt.external.passwordFile` or the environment variable to"
                    + " the file.");

    public static final ConfigKey<Path> MQTT_EXTERNAL_PASSWORD_FILE = ConfigKey.define(
            "mqtt.external.passwordFile",
            ValueTypes.path(),
            null,
            "File holding the password on the external broker (one line; mount it from a Secret). Read at start;"
                    + " instead of `mqtt.external.password`.");

    public static final ConfigKey<String> MQTT_EXTERNAL_SHARED_GROUP = ConfigKey.define(
            "mqtt.external.sharedGroup",
            ValueTypes.identifier(),
            "fogbridge",
            "Shared-subscription group (`$share/<group>/…`), so several gateways can split one broker's traffic.");

    // ---- kafka -----------------------------------------------------------------------------------------------

    public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS = ConfigKey.required(
            "kafka.bootstrapServers",
            ValueTypes.bootstrapServers(),
            "Kafka brokers to dial out to: `host:port[,host:port…]`. Required, except for `fogbridge demo`, which"
                    + " starts its own.");

    /** Set by the gateway itself; letting a passthrough property change them would break the delivery guarantee. */
    static final Set<String> MANAGED_KAFKA_PROPERTIES = Set.of(
            "bootstrap.servers",
            "enable.idempotence",
            "acks",
            "key.serializer",
            "value.serializer",
            "max.in.flight.requests.per.connection");

    public static final ConfigKey<Map<String, String>> KAFKA_PROPERTIES = ConfigKey.define(
            "kafka.properties",
            ValueTypes.stringMap("map of Kafka client property → value", name -> {
                if (name.equals("bootstrap.servers")) {
                    return "set kafka.bootstrapServers instead";
                }
                if (name.equals("max.in.flight.requests.per.connection")) {
                    return "set kafka.maxInFlight instead";
                }
                if (MANAGED_KAFKA_PROPERTIES.contains(name)) {
                    return "is set by the gateway (idempotent producer, acks=all) and cannot be changed";
                }
                return null;
            }),
            Map.of(),
            "Passed to the Kafka clients as they are: `security.protocol`, `ssl.*`, `sasl.*`, `client.dns.lookup` …"
                    + " (not the ones the delivery guarantee depends on, such as `acks`).");

    public static final ConfigKey<Integer> KAFKA_MAX_IN_FLIGHT = ConfigKey.define(
            "kafka.maxInFlight",
            ValueTypes.intRange(1, 5, "an integer 1-5"),
            5,
            "Unacknowledged produce requests per connection (1-5: the idempotent producer keeps order up to 5).");

    // ---- spool -----------------------------------------------------------------------------------------------

    public static final ConfigKey<Long> SPOOL_MAX_BYTES = ConfigKey.define(
            "spool.maxBytes",
            ValueTypes.size(1L << 20, Long.MAX_VALUE),
            1L << 30,
            "Bound on the spool's bytes on disk; at the bound `spool.whenFull` applies.");

    public static final ConfigKey<Duration> SPOOL_MAX_AGE = ConfigKey.define(
            "spool.maxAge",
            ValueTypes.duration(true),
            Duration.ZERO,
            "Records older than this are dropped (counted in metrics); 0 = no age limit.");

    public static final ConfigKey<String> SPOOL_FSYNC = ConfigKey.define(
            "spool.fsync",
            ValueTypes.fsyncPolicy(),
            "group",
            "`group`: acknowledge after fsync, with group commit (survives power loss). `interval:<ms>`: acknowledge"
                    + " once the OS has the write, fsync every <ms> (survives a process crash; a power cut may lose"
                    + " the last <ms>).");

    public static final ConfigKey<String> SPOOL_WHEN_FULL = ConfigKey.define(
            "spool.whenFull",
            ValueTypes.oneOf("block", "drop-oldest", "drop-newest"),
            "block",
            "At the bound: `block` (devices wait for space, then get an error), `drop-oldest`, `drop-newest`."
                    + " Every drop is counted and logged.");

    public static final ConfigKey<Long> SPOOL_SEGMENT_BYTES = ConfigKey.define(
            "spool.segmentBytes",
            ValueTypes.size(64L << 10, 1L << 30),
            64L << 20,
            "Size of one segment file; space is freed a whole segment at a time.");

    // ---- http ------------------------------------------------------------------------------------------------

    public static final ConfigKey<String> HTTP_HOST = ConfigKey.define(
            "http.host", ValueTypes.host(), "127.0.0.1", "Address of `/healthz`, `/readyz` and `/metrics`.");

    public static final ConfigKey<Integer> HTTP_PORT =
            ConfigKey.define("http.port", ValueTypes.port(), 8080, "Port of the operations endpoint; 0 = any free.");

    public static final ConfigKey<Path> HTTP_TOKEN_FILE = ConfigKey.define(
            "http.tokenFile",
            ValueTypes.path(),
            null,
            "File holding the bearer token that `/readyz` and `/metrics` then require (`Authorization: Bearer"
                    + " <token>`, else 401); `/healthz` stays open. Read at start; at least 16 characters. Preferred"
                    + " to `http.token` (mount it from a Secret).");

    public static final ConfigKey<String> HTTP_TOKEN = ConfigKey.define(
            "http.token",
            bearerToken(),
            null,
            "The bearer token inline, instead of `http.tokenFile`; prefer the file or `FOGBRIDGE_HTTP_TOKEN`. Never"
                    + " logged.");

    public static final ConfigKey<Boolean> HTTP_ALLOW_UNAUTHENTICATED = ConfigKey.define(
            "http.allowUnauthenticated",
            bool(),
            false,
            "Serve `/readyz` and `/metrics` without a token on a non-loopback `http.host` (behind a NetworkPolicy,"
                    + " say). Without it, or a token, such a gateway refuses to start.");

    // ---- routes ----------------------------------------------------------------------------------------------

    public static final ConfigKey<String> ROUTE_NAME = ConfigKey.define(
                    "routes[].name", ValueTypes.identifier(), null, "Name in metrics (`route` tag) and logs.")
            .defaultDescribedAs("the `from` filter");
    public static final ConfigKey<String> ROUTE_FROM = ConfigKey.required(
            "routes[].from",
            ValueTypes.string(),
            "MQTT filter; `+name` captures a level, `+` matches one, `#` the rest: `factory/+site/lathe/+device/#`.");
    public static final ConfigKey<String> ROUTE_TO = ConfigKey.required(
            "routes[].to", ValueTypes.string(), "Kafka topic template using the captures: `fog.telemetry.{site}`.");
    public static final ConfigKey<String> ROUTE_KEY = ConfigKey.define(
                    "routes[].key", ValueTypes.string(), null, "Kafka key template: `{device}`.")
            .defaultDescribedAs("the sender's device id, else its client id");
    public static final ConfigKey<QoS> ROUTE_QOS = ConfigKey.define(
                    "routes[].qos",
                    ValueTypes.qos(),
                    null,
                    "Override the sender's QoS: 0 answers the device at once even for a QoS 1 publish, 1 waits"
                            + " for the durable append.")
            .defaultDescribedAs("as published");
    public static final ConfigKey<Lane> ROUTE_LANE = ConfigKey.define(
            "routes[].lane", ValueTypes.lane(), Lane.BULK, "Spool lane: `priority` drains before `bulk`.");

    private static final ItemSchema<Route> ROUTE = new ItemSchema<>(
            List.of(ROUTE_NAME, ROUTE_FROM, ROUTE_TO, ROUTE_KEY, ROUTE_QOS, ROUTE_LANE), GatewayConfigKeys::buildRoute);

    public static final ConfigKey<List<Route>> ROUTES = ConfigKey.define(
            "routes",
            ValueTypes.listOf("list of {name?, from, to, key?, qos?, lane?}", ROUTE, GatewayConfigKeys::checkRoutes),
            List.of(),
            "What leaves the edge besides the device topics: first match wins, what nothing matches stays local.");

    // ---- commands --------------------------------------------------------------------------------------------

    public static final ConfigKey<Boolean> COMMANDS_ENABLED = ConfigKey.define(
            "commands.enabled",
            bool(),
            false,
            "Consume downlink commands from `fog.command.<tenant>` (consumer group `fogbridge-<gateway.id>`) and"
                    + " deliver them to devices; offline devices get them when they come back, within the ttl.");

    private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public static final ConfigKey<List<String>> COMMANDS_TENANTS = ConfigKey.define(
            "commands.tenants",
            ValueTypes.scalar("comma-separated tenant ids", text -> {
                List<String> tenants = new ArrayList<>();
                for (String part : text.split(",")) {
                    String tenant = part.trim();
                    if (!TENANT_ID.matcher(tenant).matches()) {
                        throw new IllegalArgumentException(
                                "'" + tenant + "' is not a tenant id (letters, digits," + " '.', '_', '-', up to 64)");
                    }
                    tenants.add(tenant);
                }
                return List.copyOf(tenants);
            }),
            List.of(),
            "Tenants whose command topics this gateway consumes, such as `acme,globex`. Needed when"
                    + " `commands.enabled` is true.");

    public static final ConfigKey<Integer> COMMANDS_MAX_PENDING = ConfigKey.define(
            "commands.maxPending",
            ValueTypes.intRange(1, 1_000_000, "1-1000000"),
            10_000,
            "Commands kept at most (durably, under `gateway.dataDir`/commands) for devices that are offline;"
                    + " beyond, new ones are answered with status 503.");

    public static final ConfigKey<String> COMMANDS_UNKNOWN_DEVICES = ConfigKey.define(
            "commands.unknownDevices",
            ValueTypes.oneOf("reject", "ignore"),
            "reject",
            "A command for a device neither in the registry nor connected here: `reject` answers 404, `ignore`"
                    + " skips it and counts it (several gateways share the tenant).");

    // ---- adapters: each adapter's own keys live in its factory's section (adapters.http, adapters.coap …) ------

    public static final ConfigKey<Duration> ADAPTERS_MAX_TTD = ConfigKey.define(
            "adapters.maxTtd",
            ValueTypes.duration(false),
            Duration.ofSeconds(60),
            "Longest `ttd` (seconds a device holds a request open for a command) the HTTP and CoAP adapters honour.");

    /** Top-level keys (not list item keys), in reference order. */
    public static final List<ConfigKey<?>> ALL = List.of(
            GATEWAY_ID,
            GATEWAY_DATA_DIR,
            GATEWAY_LABELS,
            MQTT_LISTENERS,
            MQTT_MAX_PAYLOAD,
            MQTT_ACK_TIMEOUT,
            MQTT_REGISTRY,
            MQTT_ROLES,
            MQTT_EXTERNAL_URI,
            MQTT_EXTERNAL_CA_FILE,
            MQTT_EXTERNAL_CERT_FILE,
            MQTT_EXTERNAL_KEY_FILE,
            MQTT_EXTERNAL_VERIFY_HOSTNAME,
            MQTT_EXTERNAL_CLIENT_ID,
            MQTT_EXTERNAL_USERNAME,
            MQTT_EXTERNAL_PASSWORD,
            MQTT_EXTERNAL_PASSWORD_FILE,
            MQTT_EXTERNAL_SHARED_GROUP,
            KAFKA_BOOTSTRAP_SERVERS,
            KAFKA_PROPERTIES,
            KAFKA_MAX_IN_FLIGHT,
            SPOOL_MAX_BYTES,
            SPOOL_MAX_AGE,
            SPOOL_FSYNC,
            SPOOL_WHEN_FULL,
            SPOOL_SEGMENT_BYTES,
            HTTP_HOST,
            HTTP_PORT,
            HTTP_TOKEN_FILE,
            HTTP_TOKEN,
            HTTP_ALLOW_UNAUTHENTICATED,
            ADAPTERS_MAX_TTD,
            COMMANDS_ENABLED,
            COMMANDS_TENANTS,
            COMMANDS_MAX_PENDING,
            COMMANDS_UNKNOWN_DEVICES,
            ROUTES);

    /** The keys of list items, for the reference: each list key followed by its item keys. */
    static List<ConfigKey<?>> itemKeys(ConfigKey<?> list) {
        if (list == MQTT_LISTENERS) {
            return LISTENER.keys();
        }
        if (list == ROUTES) {
            return ROUTE.keys();
        }
        return List.of();
    }

    private static Route buildRoute(ItemSchema.Fields fields, Problems problems) {
        TopicFilter filter;
        try {
            filter = TopicFilter.parse(fields.get(ROUTE_FROM));
        } catch (IllegalArgumentException e) {
            problems.add(fields.origin(ROUTE_FROM), fields.path(ROUTE_FROM), e.getMessage());
            return null;
        }
        TopicTemplate to = template(fields, ROUTE_TO, filter, true, problems);
        TopicTemplate key = fields.get(ROUTE_KEY) == null ? null : template(fields, ROUTE_KEY, filter, false, problems);
        if (to == null || (fields.get(ROUTE_KEY) != null && key == null)) {
            return null;
        }
        return new Route(
                fields.get(ROUTE_NAME), filter, to, key, fields.get(ROUTE_QOS), fields.get(ROUTE_LANE), Map.of());
    }

    private static TopicTemplate template(
            ItemSchema.Fields fields,
            ConfigKey<String> key,
            TopicFilter filter,
            boolean kafkaTopic,
            Problems problems) {
        try {
            return kafkaTopic
                    ? TopicTemplate.parseKafkaTopic(fields.get(key), filter.captureNames())
                    : TopicTemplate.parse(fields.get(key), filter.captureNames());
        } catch (IllegalArgumentException e) {
            problems.add(fields.origin(key), fields.path(key), e.getMessage());
            return null;
        }
    }

    private static List<ValueTypes.Problem> checkRoutes(List<Route> routes, List<ConfigNode> nodes) {
        List<ValueTypes.Problem> problems = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        DeviceRoutes.ALL.forEach(r -> names.put(r.name(), "the built-in device route"));
        for (int i = 0; i < routes.size(); i++) {
            Route route = routes.get(i);
            Origin origin = nodes.get(i).origin();
            String path = "routes[" + i + "]";
            String taken = names.putIfAbsent(route.name(), path);
            if (taken != null) {
                problems.add(new ValueTypes.Problem(
                        origin, path + ".name", "route name '" + route.name() + "' is already used by " + taken));
            }
            RouteTable.shadowing(routes.subList(0, i), route)
                    .ifPresent(earlier -> problems.add(new ValueTypes.Problem(
                            origin,
                            path + ".from",
                            "never matches: '" + earlier.from().text() + "' ("
                                    + (DeviceRoutes.ALL.contains(earlier) ? "built-in route " : "route ")
                                    + earlier.name()
                                    + ") comes first and takes every topic '"
                                    + route.from().text() + "' matches")));
        }
        return problems;
    }

    private static List<ValueTypes.Problem> checkListeners(List<MqttListener> listeners, List<ConfigNode> nodes) {
        List<ValueTypes.Problem> problems = new ArrayList<>();
        for (int i = 0; i < listeners.size(); i++) {
            MqttListener listener = listeners.get(i);
            if (listener.port() != 0 && listeners.subList(0, i).contains(listener)) {
                problems.add(new ValueTypes.Problem(
                        nodes.get(i).origin(),
                        "mqtt.listeners[" + i + "]",
                        "listener " + listener + " is listed twice"));
            }
        }
        return problems;
    }
}
