package io.fogbridge.opcua;

import io.fogbridge.api.Headers;
import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigNode;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.ItemSchema;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.ValueType;
import io.fogbridge.api.config.ValueTypes;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * {@code adapters.opcua}: the OPC UA servers the gateway subscribes to and their monitored items. Checks that need
 * more than one key (a policy without a mode, a username without a password file, a name used twice) are made here,
 * naming the file line of the item. Stateless.
 */
public final class OpcUaSection implements ConfigSection<OpcUaSettings> {

    private static final String P = "adapters.opcua.";
    private static final String E = P + "endpoints[].";
    private static final String I = E + "items[].";
    private static final String M = E + "methods[].";

    public static final ConfigKey<Boolean> ENABLED = ConfigKey.define(
            P + "enabled",
            ValueTypes.bool(),
            false,
            "Subscribe to the OPC UA servers of `adapters.opcua.endpoints`; their data goes to the devices' topics like"
                    + " an MQTT device's, with a `source` header (the endpoint URL) instead of `mqtt-topic`.");
    public static final ConfigKey<Duration> RECONNECT_DELAY = ConfigKey.define(
            P + "reconnectDelay",
            ValueTypes.duration(false),
            Duration.ofMillis(250),
            "First wait before reconnecting a lost endpoint (new session, subscription and monitored items); doubles"
                    + " per failed attempt up to `reconnectMax`, each wait with ±25 % jitter.");
    public static final ConfigKey<Duration> RECONNECT_MAX = ConfigKey.define(
            P + "reconnectMax",
            ValueTypes.duration(false),
            Duration.ofSeconds(2),
            "Longest wait between reconnects: a restarted server is subscribed again at most this long after it is"
                    + " back.");
    public static final ConfigKey<Duration> REQUEST_TIMEOUT = ConfigKey.define(
            P + "requestTimeout",
            ValueTypes.duration(false),
            Duration.ofSeconds(5),
            "Longest wait for one service call (connect, create subscription, write); a connect that takes longer"
                    + " counts as failed and is retried.");
    public static final ConfigKey<Duration> RESUME_WINDOW = ConfigKey.define(
            P + "resumeWindow",
            ValueTypes.duration(true),
            Duration.ofSeconds(5),
            "How long a lost session may take to come back on its own after a network cut: the same session and"
                    + " subscription, with the notifications the server queued meanwhile and the ones lost on the"
                    + " wire republished from its retransmission queue. After that, or when the server says the"
                    + " session or subscription is gone (a restart), a new session and subscription are made; `0s`"
                    + " always makes new ones.");

    // items[]
    public static final ConfigKey<String> ITEM_NAME = ConfigKey.required(
            I + "name", ValueTypes.identifier(), "Key of the value in the record's `values` and `quality`.");
    public static final ConfigKey<String> ITEM_NODE_ID = ConfigKey.required(
            I + "nodeId", nodeId(), "The node, in OPC UA text form: `ns=2;s=Tank.Level`, `ns=3;i=1001`, `i=2258`.");
    public static final ConfigKey<Duration> ITEM_SAMPLING = ConfigKey.define(
                    I + "samplingInterval",
                    ValueTypes.duration(true),
                    null,
                    "How often the server samples the node; `0s` asks for the fastest it can. Changes between two"
                            + " publishes wait in the item's queue.")
            .defaultDescribedAs("the endpoint's `publishingInterval`");
    public static final ConfigKey<Integer> ITEM_QUEUE = ConfigKey.define(
            I + "queueSize",
            ValueTypes.intRange(1, 10000, "1-10000 values"),
            1,
            "Changes the server keeps per item between two publishes; with 1 a record carries the newest value only.");
    public static final ConfigKey<Map<String, String>> ITEM_DEADBAND = ConfigKey.define(
                    I + "deadband",
                    ValueTypes.stringMap("{type: absolute|percent, value}", OpcUaSection::checkDeadbandKey),
                    null,
                    "A DataChangeFilter: a change smaller than `value` (in the node's unit, or percent of its"
                            + " EURange) is not reported.")
            .defaultDescribedAs("none: every change");
    public static final ConfigKey<Boolean> ITEM_WRITABLE = ConfigKey.define(
            I + "writable",
            ValueTypes.bool(),
            false,
            "Whether `write` commands may set the node (the server's access rights still apply); off by default: a"
                    + " gateway writes only what it was told it may.");
    private static final ItemSchema<ItemSpec> ITEM = new ItemSchema<>(
            List.of(ITEM_NAME, ITEM_NODE_ID, ITEM_SAMPLING, ITEM_QUEUE, ITEM_DEADBAND, ITEM_WRITABLE),
            OpcUaSection::buildItem);

    // methods[]
    public static final ConfigKey<String> METHOD_OBJECT =
            ConfigKey.required(M + "objectId", nodeId(), "The object the method is called on (`ns=2;s=Pump`).");
    public static final ConfigKey<String> METHOD_ID =
            ConfigKey.required(M + "methodId", nodeId(), "The method node (`ns=2;s=Pump.Start`).");
    private static final ItemSchema<OpcUaMethod> METHOD = new ItemSchema<>(
            List.of(METHOD_OBJECT, METHOD_ID),
            (fields, problems) -> new OpcUaMethod(fields.get(METHOD_OBJECT), fields.get(METHOD_ID)));

    // endpoints[]
    public static final ConfigKey<String> ENDPOINT_ID =
            ConfigKey.required(E + "id", ValueTypes.identifier(), "Device id: its topics, Kafka key and `device_id`.");
    public static final ConfigKey<String> ENDPOINT_TENANT =
            ConfigKey.required(E + "tenant", ValueTypes.identifier(), "Tenant of the device.");
    public static final ConfigKey<String> ENDPOINT_URL = ConfigKey.required(
            E + "url", opcTcpUrl(), "`opc.tcp://host:port/path` of the server; the `source` header of its records.");
    public static final ConfigKey<String> ENDPOINT_POLICY = ConfigKey.define(
            E + "securityPolicy",
            ValueTypes.oneOf("None", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"),
            "None",
            "Security policy of the server endpoint to use. With any but `None` the gateway signs (and with"
                    + " `SignAndEncrypt` encrypts) with its own certificate, made on first start under"
                    + " `gateway.dataDir`/opcua/pki/own, and connects only to a server whose certificate is in"
                    + " opcua/pki/trusted (`fogbridge opcua trust`).");
    public static final ConfigKey<String> ENDPOINT_MODE = ConfigKey.define(
            E + "securityMode",
            ValueTypes.oneOf("None", "Sign", "SignAndEncrypt"),
            "None",
            "Message security mode; `None` exactly when `securityPolicy` is `None`.");
    public static final ConfigKey<String> ENDPOINT_AUTH = ConfigKey.define(
            E + "auth",
            ValueTypes.oneOf("anonymous", "username", "certificate"),
            "anonymous",
            "How the session logs in: `username` with `username` and `passwordFile`; `certificate` with"
                    + " `userCertificateFile` and `userKeyFile` (an X.509 user identity token).");
    public static final ConfigKey<String> ENDPOINT_USERNAME =
            ConfigKey.define(E + "username", ValueTypes.string(), null, "User name of `auth: username`.");
    public static final ConfigKey<Path> ENDPOINT_PASSWORD_FILE = ConfigKey.define(
            E + "passwordFile",
            ValueTypes.path(),
            null,
            "File holding the password of `auth: username` (trailing newline ignored); read at every connect.");
    public static final ConfigKey<Path> ENDPOINT_USER_CERTIFICATE = ConfigKey.define(
            E + "userCertificateFile",
            ValueTypes.path(),
            null,
            "PEM certificate of `auth: certificate`; read at every connect.");
    public static final ConfigKey<Path> ENDPOINT_USER_KEY = ConfigKey.define(
            E + "userKeyFile",
            ValueTypes.path(),
            null,
            "PEM private key (PKCS#8 or traditional) of `userCertificateFile`; read at every connect.");
    public static final ConfigKey<Map<String, String>> ENDPOINT_LABELS = ConfigKey.define(
            E + "labels",
            ValueTypes.stringMap("header name → value", OpcUaSection::checkLabel),
            Map.of(),
            "Extra Kafka headers on every record of the endpoint (`line: A`).");
    public static final ConfigKey<Duration> ENDPOINT_PUBLISHING = ConfigKey.define(
            E + "publishingInterval",
            ValueTypes.duration(false),
            Duration.ofSeconds(1),
            "Publishing interval of the endpoint's subscription: the changes of one publish become one record.");
    public static final ConfigKey<List<ItemSpec>> ENDPOINT_ITEMS = ConfigKey.required(
            E + "items",
            ValueTypes.listOf(
                    "list of {name, nodeId, samplingInterval?, queueSize?, deadband?, writable?}",
                    ITEM,
                    OpcUaSection::checkItems),
            "The monitored items of the endpoint's subscription.");
    public static final ConfigKey<List<OpcUaMethod>> ENDPOINT_METHODS = ConfigKey.define(
            E + "methods",
            ValueTypes.listOf("list of {objectId, methodId}", METHOD, (methods, nodes) -> List.of()),
            List.of(),
            "The methods `call` commands may call on this server (the server's access rights still apply); a"
                    + " command naming any other is refused with 400. Empty by default: a gateway calls only what it"
                    + " was told it may.");
    private static final ItemSchema<OpcUaEndpoint> ENDPOINT = new ItemSchema<>(
            List.of(
                    ENDPOINT_ID,
                    ENDPOINT_TENANT,
                    ENDPOINT_URL,
                    ENDPOINT_POLICY,
                    ENDPOINT_MODE,
                    ENDPOINT_AUTH,
                    ENDPOINT_USERNAME,
                    ENDPOINT_PASSWORD_FILE,
                    ENDPOINT_USER_CERTIFICATE,
                    ENDPOINT_USER_KEY,
                    ENDPOINT_LABELS,
                    ENDPOINT_PUBLISHING,
                    ENDPOINT_ITEMS,
                    ENDPOINT_METHODS),
            OpcUaSection::buildEndpoint);

    public static final ConfigKey<List<OpcUaEndpoint>> ENDPOINTS = ConfigKey.define(
            P + "endpoints",
            ValueTypes.listOf(
                    "list of {id, tenant, url, securityPolicy?, securityMode?, auth?, username?, passwordFile?,"
                            + " userCertificateFile?, userKeyFile?, labels?, publishingInterval?, items, methods?}",
                    ENDPOINT,
                    OpcUaSection::checkEndpoints),
            List.of(),
            "The OPC UA server endpoints to subscribe to; each is one device.");

    /** An item as read, with where it was written; its sampling interval is resolved against its endpoint's. */
    record ItemSpec(
            String name,
            String nodeId,
            Duration samplingInterval,
            int queueSize,
            OpcUaItem.Deadband deadband,
            boolean writable,
            io.fogbridge.api.config.Origin origin,
            String path) {}

    @Override
    public String name() {
        return "adapters.opcua";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(ENABLED, RECONNECT_DELAY, RECONNECT_MAX, REQUEST_TIMEOUT, RESUME_WINDOW, ENDPOINTS);
    }

    @Override
    public OpcUaSettings build(SectionValues values, Problems problems) {
        if (values.get(RECONNECT_DELAY).compareTo(values.get(RECONNECT_MAX)) > 0) {
            problems.add(
                    values.origin(RECONNECT_DELAY),
                    RECONNECT_DELAY.path(),
                    "longer than " + RECONNECT_MAX.path() + " (" + values.get(RECONNECT_MAX) + ")");
            return null;
        }
        return new OpcUaSettings(
                values.get(ENABLED),
                values.get(RECONNECT_DELAY),
                values.get(RECONNECT_MAX),
                values.get(REQUEST_TIMEOUT),
                values.get(RESUME_WINDOW),
                values.get(ENDPOINTS));
    }

    private static ItemSpec buildItem(ItemSchema.Fields fields, Problems problems) {
        OpcUaItem.Deadband deadband = null;
        Map<String, String> band = fields.get(ITEM_DEADBAND);
        if (band != null) {
            String type = band.get("type");
            String value = band.get("value");
            if (type == null || value == null) {
                problems.add(
                        fields.origin(ITEM_DEADBAND),
                        fields.path(ITEM_DEADBAND),
                        "needs both `type` (absolute or percent) and `value`");
                return null;
            }
            OpcUaItem.Deadband.Kind kind =
                    switch (type) {
                        case "absolute" -> OpcUaItem.Deadband.Kind.ABSOLUTE;
                        case "percent" -> OpcUaItem.Deadband.Kind.PERCENT;
                        default -> null;
                    };
            if (kind == null) {
                problems.add(
                        fields.origin(ITEM_DEADBAND),
                        fields.path(ITEM_DEADBAND) + ".type",
                        "expected absolute or percent, got '" + type + "'");
                return null;
            }
            double amount;
            try {
                amount = Double.parseDouble(value.strip());
            } catch (NumberFormatException e) {
                amount = Double.NaN;
            }
            if (!(amount >= 0)
                    || Double.isInfinite(amount)
                    || (kind == OpcUaItem.Deadband.Kind.PERCENT && amount > 100)) {
                problems.add(
                        fields.origin(ITEM_DEADBAND),
                        fields.path(ITEM_DEADBAND) + ".value",
                        "expected a number " + (kind == OpcUaItem.Deadband.Kind.PERCENT ? "0-100" : ">= 0") + ", got '"
                                + value + "'");
                return null;
            }
            deadband = new OpcUaItem.Deadband(kind, amount);
        }
        return new ItemSpec(
                fields.get(ITEM_NAME),
                fields.get(ITEM_NODE_ID),
                fields.get(ITEM_SAMPLING),
                fields.get(ITEM_QUEUE),
                deadband,
                fields.get(ITEM_WRITABLE),
                fields.origin(ITEM_NAME),
                fields.itemPath());
    }

    private static List<ValueTypes.Problem> checkItems(List<ItemSpec> items, List<ConfigNode> nodes) {
        List<ValueTypes.Problem> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ItemSpec item : items) {
            if (!names.add(item.name())) {
                problems.add(new ValueTypes.Problem(
                        item.origin(), item.path() + ".name", "item '" + item.name() + "' is defined twice"));
            }
        }
        return problems;
    }

    private static OpcUaEndpoint buildEndpoint(ItemSchema.Fields fields, Problems problems) {
        int before = problems.size();
        String policy = fields.get(ENDPOINT_POLICY);
        String mode = fields.get(ENDPOINT_MODE);
        if (policy.equals("None") != mode.equals("None")) {
            ConfigKey<String> written = fields.isSet(ENDPOINT_MODE) ? ENDPOINT_MODE : ENDPOINT_POLICY;
            problems.add(
                    fields.origin(written),
                    fields.path(written),
                    "securityPolicy " + policy + " with securityMode " + mode
                            + ": both are None, or neither (Sign or SignAndEncrypt with a policy)");
        }
        OpcUaEndpoint.Auth auth =
                OpcUaEndpoint.Auth.valueOf(fields.get(ENDPOINT_AUTH).toUpperCase(Locale.ROOT));
        if (auth == OpcUaEndpoint.Auth.USERNAME) {
            if (fields.get(ENDPOINT_USERNAME) == null || fields.get(ENDPOINT_PASSWORD_FILE) == null) {
                problems.add(
                        fields.origin(ENDPOINT_AUTH),
                        fields.path(fields.get(ENDPOINT_USERNAME) == null ? ENDPOINT_USERNAME : ENDPOINT_PASSWORD_FILE),
                        "auth: username needs both `username` and `passwordFile`");
            }
        } else if (fields.isSet(ENDPOINT_USERNAME) || fields.isSet(ENDPOINT_PASSWORD_FILE)) {
            ConfigKey<?> key = fields.isSet(ENDPOINT_USERNAME) ? ENDPOINT_USERNAME : ENDPOINT_PASSWORD_FILE;
            problems.add(fields.origin(key), fields.path(key), "only used with auth: username");
        }
        if (auth == OpcUaEndpoint.Auth.CERTIFICATE) {
            if (fields.get(ENDPOINT_USER_CERTIFICATE) == null || fields.get(ENDPOINT_USER_KEY) == null) {
                problems.add(
                        fields.origin(ENDPOINT_AUTH),
                        fields.path(
                                fields.get(ENDPOINT_USER_CERTIFICATE) == null
                                        ? ENDPOINT_USER_CERTIFICATE
                                        : ENDPOINT_USER_KEY),
                        "auth: certificate needs both `userCertificateFile` and `userKeyFile`");
            }
        } else if (fields.isSet(ENDPOINT_USER_CERTIFICATE) || fields.isSet(ENDPOINT_USER_KEY)) {
            ConfigKey<?> key = fields.isSet(ENDPOINT_USER_CERTIFICATE) ? ENDPOINT_USER_CERTIFICATE : ENDPOINT_USER_KEY;
            problems.add(fields.origin(key), fields.path(key), "only used with auth: certificate");
        }
        if (problems.size() != before) {
            return null;
        }
        Duration publishing = fields.get(ENDPOINT_PUBLISHING);
        List<OpcUaItem> items = new ArrayList<>();
        for (ItemSpec spec : fields.get(ENDPOINT_ITEMS)) {
            Duration sampling = spec.samplingInterval() == null ? publishing : spec.samplingInterval();
            items.add(new OpcUaItem(
                    spec.name(),
                    spec.nodeId(),
                    sampling.toMillis(),
                    spec.queueSize(),
                    spec.deadband(),
                    spec.writable()));
        }
        return new OpcUaEndpoint(
                fields.get(ENDPOINT_ID),
                fields.get(ENDPOINT_TENANT),
                fields.get(ENDPOINT_URL),
                policy,
                mode,
                auth,
                fields.get(ENDPOINT_USERNAME),
                fields.get(ENDPOINT_PASSWORD_FILE),
                fields.get(ENDPOINT_USER_CERTIFICATE),
                fields.get(ENDPOINT_USER_KEY),
                fields.get(ENDPOINT_LABELS),
                publishing,
                items,
                fields.get(ENDPOINT_METHODS));
    }

    private static List<ValueTypes.Problem> checkEndpoints(List<OpcUaEndpoint> endpoints, List<ConfigNode> nodes) {
        List<ValueTypes.Problem> problems = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < endpoints.size(); i++) {
            String key = endpoints.get(i).id() + "@" + endpoints.get(i).tenant();
            Integer first = seen.putIfAbsent(key, i);
            if (first != null) {
                problems.add(new ValueTypes.Problem(
                        nodes.get(i).origin(),
                        ENDPOINTS.path() + "[" + i + "].id",
                        "device " + key + " is already defined at endpoints[" + first + "]"));
            }
        }
        return problems;
    }

    private static String checkDeadbandKey(String key) {
        return key.equals("type") || key.equals("value") ? null : "a deadband has only `type` and `value`";
    }

    private static String checkLabel(String name) {
        Set<String> reserved = Set.of(
                Headers.DEVICE_ID,
                Headers.TENANT_ID,
                Headers.GATEWAY_ID,
                Headers.CONTENT_TYPE,
                Headers.CREATION_TIME,
                Headers.QOS,
                Headers.MQTT_TOPIC,
                Headers.SOURCE,
                Headers.FOG_SEQ);
        return reserved.contains(name.toLowerCase(Locale.ROOT)) ? "'" + name + "' is a contract header name" : null;
    }

    private static ValueType<String> nodeId() {
        return ValueTypes.scalar("OPC UA node id (ns=2;s=Name, ns=3;i=1001, i=2258)", text -> {
            String t = text.strip();
            if (NodeId.parseOrNull(t) == null) {
                throw new IllegalArgumentException(
                        "expected an OPC UA node id such as 'ns=2;s=Tank.Level' or 'i=2258', got '" + text + "'");
            }
            return t;
        });
    }

    private static ValueType<String> opcTcpUrl() {
        return ValueTypes.scalar("opc.tcp://host:port/path", text -> {
            String t = text.strip();
            try {
                URI uri = new URI(t);
                if ("opc.tcp".equals(uri.getScheme()) && uri.getHost() != null) {
                    return t;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            throw new IllegalArgumentException("expected opc.tcp://host:port/path, got '" + text + "'");
        });
    }
}
