package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigNode;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.ItemSchema;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.ServerTls;
import io.fogbridge.api.config.ServerTlsKeys;
import io.fogbridge.api.config.ValueType;
import io.fogbridge.api.config.ValueTypes;
import io.fogbridge.mqtt.EmbeddedBrokerOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mqtt.*}: the embedded broker's listeners and roles, or the external broker it bridges ({@link
 * ExternalBrokerKeys}).
 */
public final class MqttSection implements ConfigSection<MqttSettings> {

    public static final ConfigKey<String> LISTENER_HOST =
            ConfigKey.required("mqtt.listeners[].host", ValueTypes.host(), "Address to listen on.");
    public static final ConfigKey<Integer> LISTENER_PORT =
            ConfigKey.required("mqtt.listeners[].port", ValueTypes.port(), "Port; 0 = any free port.");
    public static final ConfigKey<Boolean> LISTENER_ANONYMOUS = ConfigKey.define(
                    "mqtt.listeners[].anonymous",
                    ValueTypes.bool(),
                    null,
                    "Accept clients without credentials here. Anything but a loopback listener should require them.")
            .defaultDescribedAs("true on a loopback host, else false");
    public static final ServerTlsKeys LISTENER_TLS = ServerTlsKeys.under("mqtt.listeners[]", "TLS");

    private static final ItemSchema<MqttListener> LISTENER = new ItemSchema<>(listenerKeys(), (f, problems) -> {
        int before = problems.size();
        ServerTls tls = LISTENER_TLS.build(f, f.itemPath(), f.itemOrigin(), problems);
        if (problems.size() != before) {
            return null;
        }
        return new MqttListener(f.get(LISTENER_HOST), f.get(LISTENER_PORT), tls, f.get(LISTENER_ANONYMOUS));
    });

    private static List<ConfigKey<?>> listenerKeys() {
        List<ConfigKey<?>> keys = new ArrayList<>(List.of(LISTENER_HOST, LISTENER_PORT, LISTENER_ANONYMOUS));
        keys.addAll(LISTENER_TLS.keys());
        return keys;
    }

    public static final ConfigKey<List<MqttListener>> LISTENERS = ConfigKey.define(
                    "mqtt.listeners",
                    ValueTypes.listOf("list of {host, port}", LISTENER, MqttSection::checkListeners),
                    List.of(new MqttListener("0.0.0.0", 1883)),
                    "Listeners of the embedded MQTT broker (ignored with `mqtt.external.uri`).")
            .defaultDescribedAs("`[{host: 0.0.0.0, port: 1883}]`");

    public static final ConfigKey<String> ROLE_NAME = ConfigKey.required(
            "mqtt.roles[].name", ValueTypes.identifier(), "Role name, as devices list it in `roles`.");
    public static final ConfigKey<List<String>> ROLE_PUBLISH =
            ConfigKey.define("mqtt.roles[].publish", filterList(), List.of(), "Topic filters the role may publish to.");
    public static final ConfigKey<List<String>> ROLE_SUBSCRIBE = ConfigKey.define(
            "mqtt.roles[].subscribe", filterList(), List.of(), "Topic filters the role may subscribe within.");

    private static final ItemSchema<MqttRole> ROLE = new ItemSchema<>(
            List.of(ROLE_NAME, ROLE_PUBLISH, ROLE_SUBSCRIBE),
            (f, problems) -> new MqttRole(f.get(ROLE_NAME), f.get(ROLE_PUBLISH), f.get(ROLE_SUBSCRIBE)));

    public static final ConfigKey<List<MqttRole>> ROLES = ConfigKey.define(
            "mqtt.roles",
            ValueTypes.listOf("list of {name, publish, subscribe}", ROLE, (roles, nodes) -> List.of()),
            List.of(),
            "Topics granted beyond a device's own, by role. A role named `anonymous` limits anonymous clients"
                    + " (without it they may use every topic).");

    public static final ConfigKey<Integer> MAX_CONNECTIONS = ConfigKey.define(
            "mqtt.maxConnections",
            ValueTypes.intRange(1, 1_000_000, "a whole number 1-1000000"),
            EmbeddedBrokerOptions.DEFAULT_MAX_CONNECTIONS,
            "Connections the embedded broker holds at most (anonymous, authenticated and those still"
                    + " authenticating). Beyond it a CONNECT is refused with 0x97 (quota exceeded; MQTT 3.1.1: 3,"
                    + " server unavailable) and counted in `fogbridge_mqtt_connections_refused_total{reason=\"quota\"}`;"
                    + " connections already in are not touched.");

    public static final ConfigKey<Integer> MAX_CONNECTIONS_PER_ADDRESS = ConfigKey.define(
            "mqtt.maxConnectionsPerAddress",
            ValueTypes.intRange(0, 1_000_000, "a whole number 0-1000000"),
            0,
            "Connections from one source address the embedded broker holds at most; 0 = no such bound (devices"
                    + " behind one NAT share an address). Refused and counted like `mqtt.maxConnections`.");

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        List<ConfigKey<?>> keys =
                new ArrayList<>(List.of(LISTENERS, ROLES, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS));
        keys.addAll(ExternalBrokerKeys.ALL);
        return keys;
    }

    @Override
    public MqttSettings build(SectionValues values, Problems problems) {
        int before = problems.size();
        ExternalBroker external = ExternalBrokerKeys.build(values, problems, values.get(GatewaySection.ID));
        if (problems.size() != before) {
            return null;
        }
        return new MqttSettings(
                values.get(LISTENERS),
                external,
                values.get(ROLES),
                values.get(MAX_CONNECTIONS),
                values.get(MAX_CONNECTIONS_PER_ADDRESS));
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
