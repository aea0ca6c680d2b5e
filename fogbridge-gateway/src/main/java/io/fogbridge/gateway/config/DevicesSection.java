package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.Units;
import io.fogbridge.api.config.ValueTypes;
import io.fogbridge.mqtt.EmbeddedBrokerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code devices.*}: the device directory and the limits every protocol holds a device to (MQTT, HTTP, CoAP and the
 * converters alike). These keys lived under {@code mqtt.*}; the old names still work, with a warning.
 */
public final class DevicesSection implements ConfigSection<DeviceSettings> {

    /**
     * 255 MiB: a round size within what the embedded broker can carry ({@link EmbeddedBrokerOptions#MAX_PAYLOAD_BYTES},
     * its packet limit less header room), so that a value accepted here starts the broker.
     */
    static final long MAX_PAYLOAD_LIMIT = 255L << 20;

    public static final ConfigKey<Path> REGISTRY = ConfigKey.define(
                    "devices.registry",
                    ValueTypes.path(),
                    null,
                    "Device registry file (tenants, devices, hashed passwords, certificate subjects); reloaded within"
                            + " a second when it changes. Edit it with `fogbridge device`. Without it only anonymous"
                            + " clients connect, on the listeners that allow them. Formerly `mqtt.registry`.")
            .formerly("mqtt.registry");

    public static final ConfigKey<Long> MAX_PAYLOAD = ConfigKey.define(
                    "devices.maxPayload",
                    ValueTypes.size(1, MAX_PAYLOAD_LIMIT),
                    256L << 10,
                    "Largest payload accepted from a device on any protocol; larger ones are refused (MQTT 5 reason"
                            + " 0x95, disconnect for 3.1.1; HTTP 413; CoAP 4.13). Formerly `mqtt.maxPayload`.")
            .formerly("mqtt.maxPayload");

    public static final ConfigKey<Duration> ACK_TIMEOUT = ConfigKey.define(
                    "devices.ackTimeout",
                    ValueTypes.duration(false),
                    EmbeddedBrokerOptions.DEFAULT_ACK_TIMEOUT,
                    "How long an at-least-once message may wait for the spool before the device gets an error"
                            + " instead of an acknowledgement; at least 1s (the embedded broker counts whole seconds)."
                            + " Formerly `mqtt.ackTimeout`.")
            .formerly("mqtt.ackTimeout");

    public static final ConfigKey<Boolean> PIPELINED_ACKS = ConfigKey.define(
            "devices.pipelinedAcks",
            ValueTypes.bool(),
            true,
            "MQTT devices connect through a relay in front of the embedded broker that holds each QoS 1 PUBACK until"
                    + " its record is as durable as `spool.fsync` says, many per connection at once, so one connection"
                    + " is no longer limited to one append per group commit (decision 0001). The relay hands device"
                    + " publishes to the spool itself and passes them to the broker only for local subscribers: 20–30 %"
                    + " less CPU per message than without it (BENCHMARKS.md). Same port, credentials, ACLs,"
                    + " reason codes, wills and retained messages. Linux only (each relayed connection uses its own"
                    + " 127.x.y.z address; elsewhere devices connect to the broker directly, and a start-up warning"
                    + " says so). Embedded broker only. `false`: devices connect to the broker directly, one"
                    + " acknowledgement per connection at a time.");

    public static final ConfigKey<Boolean> REPORT_NEWCOMERS = ConfigKey.define(
            "devices.reportNewcomers",
            ValueTypes.bool(),
            false,
            "Publish the certificate devices that plug-and-play onboarding holds pending (or a tenant's `auto` policy"
                    + " admitted) to `fog.twin.<tenant>`, where the operator turns each into a Device resource awaiting"
                    + " approval. They are listed in `<gateway.dataDir>/newcomers.yaml` either way (read by `fogbridge"
                    + " device approve`). The operator sets it for Gateways whose tenants onboard.");

    public static final ConfigKey<String> DIRECTORY = ConfigKey.define(
            "devices.directory",
            ValueTypes.oneOf("file", "kubernetes"),
            "file",
            "Where the gateway learns who its devices are. `file`: `devices.registry` (in Kubernetes the operator's"
                    + " Secret mounted as a file, which the kubelet refreshes only every minute or so). `kubernetes`:"
                    + " the gateway watches that Secret (`devices.secret`) on the API server and applies a change"
                    + " within a second; the last version is saved under `gateway.dataDir`, so a restart without"
                    + " the API server still authenticates devices. Needs a route to the API server and a token"
                    + " that may get, list and watch the Secret.");

    public static final ConfigKey<SecretName> SECRET = ConfigKey.define(
            "devices.secret",
            ValueTypes.scalar("namespace/name", SecretName::parse, SecretName::toString),
            null,
            "With `devices.directory: kubernetes`: the registry Secret the operator renders, as `namespace/name`;"
                    + " its `registry.yaml` (and the CA files it names, keys of the same Secret) is read as the"
                    + " registry file would be.");

    public static final ConfigKey<String> API_SERVER = ConfigKey.define(
            "devices.apiServer",
            TwinSection.API_SERVER_URL,
            "https://kubernetes.default.svc",
            "With `devices.directory: kubernetes`: the Kubernetes API server.");

    public static final ConfigKey<Path> TOKEN_FILE = ConfigKey.define(
            "devices.tokenFile",
            ValueTypes.path(),
            null,
            "With `devices.directory: kubernetes`: service account token sent as `Authorization: Bearer`, read"
                    + " again for every request. In a pod: `/var/run/secrets/kubernetes.io/serviceaccount/token`.");

    public static final ConfigKey<Path> CA_FILE = ConfigKey.define(
                    "devices.caFile",
                    ValueTypes.path(),
                    null,
                    "With `devices.directory: kubernetes`: PEM CA certificate(s) the API server's certificate must"
                            + " chain to. In a pod: `/var/run/secrets/kubernetes.io/serviceaccount/ca.crt`.")
            .defaultDescribedAs("the JVM's trust store");

    @Override
    public String name() {
        return "devices";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(
                REGISTRY,
                MAX_PAYLOAD,
                ACK_TIMEOUT,
                PIPELINED_ACKS,
                REPORT_NEWCOMERS,
                DIRECTORY,
                SECRET,
                API_SERVER,
                TOKEN_FILE,
                CA_FILE);
    }

    @Override
    public DeviceSettings build(SectionValues values, Problems problems) {
        Duration ackTimeout = values.get(ACK_TIMEOUT);
        if (ackTimeout.compareTo(EmbeddedBrokerOptions.MIN_ACK_TIMEOUT) < 0) {
            problems.add(
                    values.origin(ACK_TIMEOUT),
                    ACK_TIMEOUT.path(),
                    Units.formatDuration(ackTimeout) + " is shorter than "
                            + Units.formatDuration(EmbeddedBrokerOptions.MIN_ACK_TIMEOUT)
                            + " (the embedded broker counts whole seconds)");
            return null;
        }
        KubernetesDirectory kubernetes = null;
        if ("kubernetes".equals(values.get(DIRECTORY))) {
            if (values.get(SECRET) == null) {
                problems.add(
                        values.origin(DIRECTORY),
                        DIRECTORY.path(),
                        "devices.directory is kubernetes but devices.secret (namespace/name) is not set");
                return null;
            }
            if (values.get(REGISTRY) != null) {
                problems.add(
                        values.origin(REGISTRY),
                        REGISTRY.path(),
                        "devices.registry is set but devices.directory is kubernetes: the devices come from"
                                + " devices.secret; remove one of them");
                return null;
            }
            kubernetes = new KubernetesDirectory(
                    values.get(SECRET), values.get(API_SERVER), values.get(TOKEN_FILE), values.get(CA_FILE));
        }
        return new DeviceSettings(
                values.get(REGISTRY),
                values.get(MAX_PAYLOAD),
                values.get(ACK_TIMEOUT),
                values.get(PIPELINED_ACKS),
                values.get(REPORT_NEWCOMERS),
                kubernetes);
    }
}
