package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ServerTls;
import io.fogbridge.gateway.kubernetes.ApiConnection;
import io.fogbridge.gateway.kubernetes.RegistrySecretWatch;
import io.fogbridge.gateway.ops.ReadinessCheck;
import io.fogbridge.mqtt.ListenerAddress;
import io.fogbridge.mqtt.ListenerTls;
import io.fogbridge.mqtt.MqttSecurity;
import io.fogbridge.mqtt.TopicPermissions;
import io.fogbridge.registry.DeviceRegistry;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.RegistryFileException;
import io.fogbridge.registry.RegistryFileWatcher;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the security parts of the config into what the stages take: the broker's listeners (TLS, anonymous access),
 * the device registry (watched file, or the registry Secret watched on the Kubernetes API) and roles, and checks on the Kafka client's security properties.
 */
public final class EdgeSecurity {

    private static final Logger log = LoggerFactory.getLogger(EdgeSecurity.class);

    private EdgeSecurity() {}

    public static List<ListenerAddress> listeners(MqttSettings mqtt) {
        return mqtt.listeners().stream()
                .map(l -> new ListenerAddress(l.host(), l.port(), tls(l.tls()), l.anonymous()))
                .toList();
    }

    /**
     * The registry (loaded now, then watched) and roles.
     *
     * @param dataDir {@code gateway.dataDir}: the Kubernetes directory keeps its saved copy there
     * @param started receives the registry watcher, to close with the gateway
     * @param checks receives the Kubernetes directory's {@code /readyz} line (the file registry has none: a broken
     *     file is logged with its line, and the previous version stays)
     * @throws RegistryFileException the registry file cannot be read: the gateway must not start
     * @throws IOException the API server's CA file cannot be read
     */
    public static MqttSecurity mqttSecurity(
            MqttSettings mqtt,
            DeviceSettings devices,
            Path dataDir,
            MeterRegistry meters,
            Consumer<AutoCloseable> started,
            Consumer<ReadinessCheck> checks)
            throws RegistryFileException, IOException {
        DeviceRegistry registry = DeviceRegistry.of(Registry.EMPTY);
        KubernetesDirectory kubernetes = devices.kubernetes();
        if (kubernetes != null) {
            ApiConnection api = new ApiConnection(
                    kubernetes.apiServer(), kubernetes.tokenFile(), kubernetes.caFile(), Duration.ofSeconds(5));
            RegistrySecretWatch watch = RegistrySecretWatch.start(
                            api,
                            kubernetes.secret().namespace(),
                            kubernetes.secret().name(),
                            dataDir.resolve(RegistrySecretWatch.DIR),
                            registry)
                    .bindTo(meters);
            started.accept(watch);
            checks.accept(watch::readiness);
        } else if (devices.registry() != null) {
            started.accept(
                    RegistryFileWatcher.start(devices.registry(), registry, RegistryFileWatcher.DEFAULT_INTERVAL));
        } else {
            log.info("devices.registry is not set: no devices; only anonymous clients connect, on listeners that allow"
                    + " them");
        }
        Map<String, TopicPermissions> roles = new LinkedHashMap<>();
        for (MqttRole role : mqtt.roles()) {
            roles.put(role.name(), new TopicPermissions(role.publish(), role.subscribe()));
        }
        return new MqttSecurity(registry, roles);
    }

    /** Warns where {@code kafka.properties} weakens TLS; the user asked for it, so it is not refused. */
    public static void checkKafkaProperties(Map<String, String> properties) {
        String protocol =
                properties.getOrDefault("security.protocol", "PLAINTEXT").toUpperCase(Locale.ROOT);
        String identification = properties.get("ssl.endpoint.identification.algorithm");
        if (protocol.contains("SSL") && identification != null && identification.isBlank()) {
            log.warn("kafka.properties disables TLS hostname verification (ssl.endpoint.identification.algorithm is"
                    + " empty): anyone holding a certificate of the same CA can impersonate the Kafka cluster");
        }
        if (!protocol.contains("SSL")) {
            log.warn(
                    "Kafka connection uses {}: records and credentials cross the network in clear text;"
                            + " set kafka.properties security.protocol: SSL (or SASL_SSL)",
                    protocol);
        }
    }

    private static ListenerTls tls(ServerTls tls) {
        if (tls == null) {
            return null;
        }
        ListenerTls.ClientAuth clientAuth = tls.clientAuth() == null
                ? null
                : ListenerTls.ClientAuth.valueOf(tls.clientAuth().name());
        return new ListenerTls(
                tls.certFile(), tls.keyFile(), tls.keyStore(), tls.keyStorePassword(), tls.clientCaFile(), clientAuth);
    }
}
