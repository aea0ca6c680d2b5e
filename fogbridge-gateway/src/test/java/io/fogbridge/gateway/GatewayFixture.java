package io.fogbridge.gateway;

import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.registry.PasswordHasher;
import io.fogbridge.testkit.TestEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * What the gateway ITs set up alike: an in-process Kafka (the testkit's {@link KafkaBroker}) and gateways started in
 * this JVM against it, from the test's own config text. Closing the fixture closes the gateways, newest first, then
 * Kafka; a gateway a test closed itself is closed again harmlessly.
 *
 * <p>The config text may hold placeholders, filled in at each start: {@code ${kafka}} the bootstrap servers,
 * {@code ${dataDir}} the folder {@code <dir>/<gateway id>} (the same for every start of one id, so a restart finds its
 * spool), {@code ${mqttPort}} a free port (a new one per start), {@code ${dir}} the fixture's folder (registry and key
 * files the test wrote there).
 *
 * <p>JUnit 5: keep it in a static {@code @AutoClose} field assigned in {@code @BeforeAll} (or use try-with-resources in
 * one test). Not thread-safe: the test thread drives it.
 */
final class GatewayFixture implements AutoCloseable {

    private final Path dir;
    private final KafkaBroker kafka;
    private final Deque<Gateway> gateways = new ArrayDeque<>();

    private GatewayFixture(Path dir, KafkaBroker kafka) {
        this.dir = dir;
        this.kafka = kafka;
    }

    /** A fixture with a plain single-node Kafka of its own, under {@code dir/kafka}. */
    static GatewayFixture start(Path dir) {
        return new GatewayFixture(dir, KafkaBroker.start(dir.resolve("kafka"), 0));
    }

    /** A fixture on a Kafka the test built itself (TLS, SASL); the fixture closes it. */
    static GatewayFixture on(Path dir, KafkaBroker kafka) {
        return new GatewayFixture(dir, kafka);
    }

    KafkaBroker kafka() {
        return kafka;
    }

    /** The fixture's Kafka as the cloud sees it, through {@code kcat}. */
    CloudTopics cloud() {
        return new CloudTopics(kafka.bootstrapServers());
    }

    /**
     * Writes the device registry {@code <dir>/devices.yaml} (what {@code "${dir}/devices.yaml"} names in a config):
     * {@code ${hash}} in {@code registry} stands for a bcrypt hash of {@code password}, so every device it marks logs
     * in with that password.
     */
    Path writeRegistry(String password, String registry) throws IOException {
        String hash = PasswordHasher.hash(password.toCharArray(), 4);
        return Files.writeString(dir.resolve("devices.yaml"), registry.replace("${hash}", hash));
    }

    /**
     * Starts a gateway from {@code config} (placeholders filled in, see the class comment) and returns once it is
     * started: {@link Gateway#start} returns only with every stage up.
     */
    Gateway startGateway(String id, String config) throws Exception {
        String yaml = config.replace("${kafka}", kafka.bootstrapServers())
                .replace("${dataDir}", dir.resolve(id).toAbsolutePath().toString())
                .replace("${mqttPort}", Integer.toString(TestEnv.freePort()))
                .replace("${dir}", dir.toAbsolutePath().toString());
        if (yaml.contains("${")) {
            throw new IllegalArgumentException("unknown placeholder in the config of " + id + ":\n" + yaml);
        }
        Gateway gateway = Gateway.start(ConfigLoader.load(id + ".yaml", yaml, Map.of()));
        gateways.push(gateway);
        return gateway;
    }

    @Override
    public void close() {
        try {
            while (!gateways.isEmpty()) {
                gateways.pop().close();
            }
        } finally {
            kafka.close();
        }
    }
}
