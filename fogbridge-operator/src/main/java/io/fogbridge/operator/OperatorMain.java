package io.fogbridge.operator;

import io.fogbridge.operator.model.OperatorDefaults;
import io.fogbridge.operator.reconcile.DesiredRefusalWriter;
import io.fogbridge.operator.reconcile.DeviceReconciler;
import io.fogbridge.operator.reconcile.GatewayReconciler;
import io.fogbridge.operator.twin.DeviceProposals;
import io.fogbridge.operator.twin.DiscoveryProposals;
import io.fogbridge.operator.twin.KafkaDesiredCommands;
import io.fogbridge.operator.twin.KafkaTwinConsumer;
import io.fogbridge.operator.twin.KubernetesTwinSink;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Runs the operator in its pod: reconciles Gateways in every namespace its RBAC allows, until SIGTERM, while it holds
 * the leader Lease ({@link OperatorLeadership}). Defaults for Gateways come from the environment
 * ({@link OperatorDefaults#fromEnvironment}); Devices' {@code desired} values go out as commands through each
 * Gateway's Kafka, with the client properties of {@code FOGBRIDGE_KAFKA_PROPERTIES}; with {@code FOGBRIDGE_TWIN_KAFKA}
 * (a bootstrap list) it also writes the twin updates that gateways behind NAT publish to {@code fog.twin.<tenant>}.
 */
public final class OperatorMain {

    /** The twin consumer's Kafka bootstrap; unset or blank: no consumer (the chart's {@code twin.kafkaBootstrap}). */
    public static final String TWIN_KAFKA_ENV = "FOGBRIDGE_TWIN_KAFKA";
    /** The operator's Kafka client properties file (the chart's {@code kafkaClient}). */
    public static final String KAFKA_PROPERTIES_ENV = "FOGBRIDGE_KAFKA_PROPERTIES";

    /**
     * Reconciles that run at once, the Gateway and Device reconcilers together (JOSDK's default is 50). Each thread
     * costs its stack, and the JSON buffers fabric8's client keeps per thread; ten keep a cold start of 10,000 Devices
     * as quick (BENCHMARKS.md, "Devices at 10,000: the operator in 256 MiB").
     */
    public static final int RECONCILE_THREADS = 10;

    private OperatorMain() {}

    /**
     * The operator's own Kafka client properties for the {@code desired} commands it produces (TLS, SASL), from the
     * properties file {@code FOGBRIDGE_KAFKA_PROPERTIES} names; none when unset.
     */
    static Map<String, Object> kafkaProperties(Map<String, String> env) {
        String file = env.get(KAFKA_PROPERTIES_ENV);
        if (file == null || file.isBlank()) {
            return Map.of();
        }
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Path.of(file))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("FOGBRIDGE_KAFKA_PROPERTIES: " + file + ": " + e.getMessage(), e);
        }
        Map<String, Object> map = new HashMap<>();
        properties.forEach((k, v) -> map.put((String) k, v));
        return map;
    }

    public static void main(String[] args) {
        OperatorLeadership leadership;
        try (var client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().build()) {
            leadership = OperatorLeadership.fromEnvironment(System.getenv(), client.getNamespace());
        }
        Operator operator = new Operator(o -> o.withLeaderElectionConfiguration(leadership.configuration())
                .withConcurrentReconciliationThreads(RECONCILE_THREADS));
        operator.register(new GatewayReconciler(OperatorDefaults.fromEnvironment(System.getenv()), Clock.systemUTC()));
        KafkaDesiredCommands commands = new KafkaDesiredCommands(
                kafkaProperties(System.getenv()),
                new DesiredRefusalWriter(new io.fabric8.kubernetes.client.KubernetesClientBuilder().build()));
        DeviceReconciler devices = new DeviceReconciler(Clock.systemUTC(), commands, DeviceReconciler.COMMAND_TTL);
        operator.register(devices);
        String twinKafka = System.getenv(TWIN_KAFKA_ENV);
        if (twinKafka != null && !twinKafka.isBlank()) {
            // Gateways with twin.report: kafka publish to fog.twin.<tenant> of this cluster; their updates are written
            // here with the operator's client.
            // Their newcomer reports (plug-and-play onboarding) come the same way, from every gateway that onboards.
            var twinClient = new io.fabric8.kubernetes.client.KubernetesClientBuilder().build();
            new KafkaTwinConsumer(
                            twinKafka,
                            kafkaProperties(System.getenv()),
                            new KubernetesTwinSink(twinClient, Metrics.globalRegistry, devices.deviceNames()),
                            new DeviceProposals(twinClient))
                    .discovered(new DiscoveryProposals(twinClient))
                    .start();
        }
        operator.installShutdownHook(Duration.ofSeconds(10));
        operator.start();
    }
}
