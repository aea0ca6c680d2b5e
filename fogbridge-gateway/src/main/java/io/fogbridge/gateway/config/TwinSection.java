package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.ValueType;
import io.fogbridge.api.config.ValueTypes;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code twin.*}: device twins in Kubernetes. The operator renders these keys for a Gateway whose devices are Device
 * resources; by hand they are only useful with such a cluster.
 */
public final class TwinSection implements ConfigSection<TwinSettings> {

    public static final ConfigKey<Boolean> ENABLED = ConfigKey.define(
            "twin.enabled",
            ValueTypes.bool(),
            false,
            "Write each device's reported state (connected, last seen, property values from its telemetry) into"
                    + " the `status` of its Device resource, with bounded churn (`twin.reportInterval`).");

    public static final ConfigKey<String> TARGET = ConfigKey.define(
            "twin.target",
            ValueTypes.oneOf("kubernetes", "kafka"),
            "kubernetes",
            "`kubernetes`: patch `devices/status` on `twin.apiServer` (the pod may reach it); `kafka`: publish the"
                    + " twin updates to `fog.twin.<tenant>` through `kafka.*`, and the operator in the cloud writes"
                    + " them (a gateway behind NAT: nothing dials in).");

    public static final ConfigKey<Path> DEVICES_FILE = ConfigKey.define(
            "twin.devicesFile",
            ValueTypes.path(),
            null,
            "The twin map the operator renders (`twin.yaml` in the Gateway's devices Secret): per device its tenant,"
                    + " id, Device resource and property paths. Reloaded when it changes. Needed when"
                    + " `twin.enabled` is true.");

    /** A Kubernetes API server's base URL; shared with {@code devices.apiServer}. */
    static final ValueType<String> API_SERVER_URL = ValueTypes.scalar("http(s) URL", text -> {
        URI uri = URI.create(text);
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + text + "' is not an http(s) URL");
        }
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    });

    public static final ConfigKey<String> API_SERVER = ConfigKey.define(
            "twin.apiServer",
            API_SERVER_URL,
            "https://kubernetes.default.svc",
            "Kubernetes API server the status writes go to.");

    public static final ConfigKey<Path> TOKEN_FILE = ConfigKey.define(
            "twin.tokenFile",
            ValueTypes.path(),
            null,
            "Service account token sent as `Authorization: Bearer`; read again every round, since projected tokens"
                    + " rotate. In a pod: `/var/run/secrets/kubernetes.io/serviceaccount/token`.");

    public static final ConfigKey<Path> CA_FILE = ConfigKey.define(
            "twin.caFile",
            ValueTypes.path(),
            null,
            "PEM CA certificate(s) the API server's certificate must chain to; unset: the JDK's trust store. In a"
                    + " pod: `/var/run/secrets/kubernetes.io/serviceaccount/ca.crt`.");

    public static final ConfigKey<Duration> REPORT_INTERVAL = ConfigKey.define(
            "twin.reportInterval",
            ValueTypes.duration(false),
            Duration.ofSeconds(10),
            "At most one status write per device per interval, and only when something changed (a value, the"
                    + " connection; `lastSeen` alone at most once a minute). Writes of one round go together.");

    @Override
    public String name() {
        return "twin";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(ENABLED, TARGET, DEVICES_FILE, API_SERVER, TOKEN_FILE, CA_FILE, REPORT_INTERVAL);
    }

    @Override
    public TwinSettings build(SectionValues values, Problems problems) {
        if (values.get(ENABLED) && values.get(DEVICES_FILE) == null) {
            problems.add(
                    values.origin(ENABLED), ENABLED.path(), "twin.enabled is true but twin.devicesFile is not set");
            return null;
        }
        return new TwinSettings(
                values.get(ENABLED),
                "kafka".equals(values.get(TARGET)),
                values.get(DEVICES_FILE),
                values.get(API_SERVER),
                values.get(TOKEN_FILE),
                values.get(CA_FILE),
                values.get(REPORT_INTERVAL));
    }
}
