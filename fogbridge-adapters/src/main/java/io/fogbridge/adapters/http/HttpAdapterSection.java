package io.fogbridge.adapters.http;

import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.ValueTypes;
import java.nio.file.Path;
import java.util.List;

/** {@code adapters.http}: the HTTP device endpoint ({@code http.*} is the operations endpoint). Stateless. */
public final class HttpAdapterSection implements ConfigSection<HttpAdapterSettings> {

    public static final ConfigKey<Boolean> ENABLED = ConfigKey.define(
            "adapters.http.enabled",
            ValueTypes.bool(),
            false,
            "Serve devices over HTTP: `POST /telemetry`, `/event`, `/command/res/{requestId}`, with `ttd` for"
                    + " commands. Uses `devices.registry` for credentials, `devices.maxPayload` and `devices.ackTimeout`.");
    public static final ConfigKey<String> HOST =
            ConfigKey.define("adapters.http.host", ValueTypes.host(), "0.0.0.0", "Address of the HTTP device adapter.");
    public static final ConfigKey<Integer> PORT = ConfigKey.define(
            "adapters.http.port", ValueTypes.port(), 8088, "Port of the HTTP device adapter; 0 = any free port.");
    public static final ConfigKey<Boolean> ANONYMOUS = ConfigKey.define(
                    "adapters.http.anonymous",
                    ValueTypes.bool(),
                    null,
                    "Accept requests without credentials (they must name the device: `/telemetry/{tenant}/{device}`).")
            .defaultDescribedAs("true on a loopback host, else false");
    public static final ConfigKey<Path> KEY_STORE = ConfigKey.define(
            "adapters.http.keyStore",
            ValueTypes.path(),
            null,
            "HTTPS: server key and chain as PKCS12. Without it the adapter speaks plain HTTP.");
    public static final ConfigKey<String> KEY_STORE_PASSWORD = ConfigKey.define(
            "adapters.http.keyStorePassword", ValueTypes.string(), null, "Password of adapters.http.keyStore.");
    public static final ConfigKey<Path> CLIENT_CA_FILE = ConfigKey.define(
            "adapters.http.clientCaFile",
            ValueTypes.path(),
            null,
            "HTTPS: CA certificates (PEM) that device client certificates chain to; devices without one use basic"
                    + " auth.");

    public static final ConfigKey<Integer> MAX_TTD_WAITING = ConfigKey.define(
            "adapters.http.maxTtdWaiting",
            ValueTypes.intRange(1, 100_000, "a whole number 1-100000"),
            HttpAdapterOptions.DEFAULT_MAX_TTD_WAITING,
            "How many `ttd` requests may wait for a command at once. Beyond it a `ttd` request is refused with 503"
                    + " and `Retry-After` before its body is forwarded; each waiter holds a connection and a parked"
                    + " virtual thread (a few KiB).");

    public static final ConfigKey<Integer> MAX_CONNECTIONS = ConfigKey.define(
            "adapters.http.maxConnections",
            ValueTypes.intRange(1, 1_000_000, "a whole number 1-1000000"),
            HttpAdapterOptions.DEFAULT_MAX_CONNECTIONS,
            "How many device connections may be open at once, authenticated or not (a connection is counted from"
                    + " the moment it is accepted). A connection beyond is closed at once and counted in"
                    + " fogbridge_http_connections_refused_total.");

    @Override
    public String name() {
        return "adapters.http";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(
                ENABLED,
                HOST,
                PORT,
                ANONYMOUS,
                KEY_STORE,
                KEY_STORE_PASSWORD,
                CLIENT_CA_FILE,
                MAX_TTD_WAITING,
                MAX_CONNECTIONS);
    }

    @Override
    public HttpAdapterSettings build(SectionValues values, Problems problems) {
        if (values.get(ENABLED) == null
                || values.get(HOST) == null
                || values.get(PORT) == null
                || values.get(MAX_TTD_WAITING) == null
                || values.get(MAX_CONNECTIONS) == null) {
            return null; // an invalid value, reported already
        }
        return new HttpAdapterSettings(
                values.get(ENABLED),
                values.get(HOST),
                values.get(PORT),
                values.get(ANONYMOUS),
                values.get(KEY_STORE),
                values.get(KEY_STORE_PASSWORD),
                values.get(CLIENT_CA_FILE),
                values.get(MAX_TTD_WAITING),
                values.get(MAX_CONNECTIONS));
    }
}
