package io.fogbridge.localkafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Apache Kafka (KRaft, combined broker and controller) running in this JVM, for
 * tests and for {@code fogbridge demo}. It has no test dependencies (no JUnit), so the demo can ship it;
 * the gateway's distribution does not.
 *
 * <p><b>Listeners.</b> Three, all on 127.0.0.1:
 *
 * <ul>
 *   <li>{@code CLIENT} on {@link #port()}: what {@link #bootstrapServers()} points at. It advertises
 *       {@code advertisedPort} when one is set, so a fault-injecting proxy (the testkit's {@code FaultProxy}) can sit between clients and
 *       the broker: clients then reconnect through the proxy after every metadata refresh. Its
 *       security protocol is PLAINTEXT unless {@link Builder#clientSecurityProtocol} says otherwise
 *       (the {@code listener.name.client.*} SSL/SASL settings go through {@link Builder#brokerProperty}).
 *   <li>{@code INTERNAL} on a private port: inter-broker traffic and this class's own admin calls,
 *       so they never go through a proxy a test has cut. {@link #directBootstrapServers()}.
 *   <li>{@code CONTROLLER}: the KRaft quorum (static voter set of this one node).
 * </ul>
 *
 * <p><b>Putting the testkit's {@code FaultProxy} in front.</b>
 *
 * <pre>{@code
 * int brokerPort = TestEnv.freePort();
 * FaultProxy proxy = FaultProxy.start("127.0.0.1", brokerPort);
 * KafkaBroker kafka = KafkaBroker.builder(dir).port(brokerPort).advertisedPort(proxy.port()).start();
 * // kafka.bootstrapServers() now names the proxy; proxy.cut() cuts every client off.
 * }</pre>
 *
 * <p><b>Lifecycle.</b> {@link #start} formats the data directory on first use and returns once the
 * broker accepts requests. {@link #stop()} shuts it down keeping the data; {@link #restart()} brings
 * it back on the same ports with the same data. {@link #close()} stops it (the data directory is the
 * caller's to delete). Methods are thread-safe. Kafka's own logging goes through slf4j: set the
 * loggers {@code kafka} and {@code org.apache.kafka} to WARN in the caller's logging config.
 *
 * <p><b>As a process.</b> {@link #main} runs a broker until the process is stopped and prints
 * {@code READY <bootstrap>} on stdout once it is ready.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final BrokerLayout layout;
    private final int advertisedPort;
    private final Properties config;
    private KafkaRaftServer server;

    private KafkaBroker(BrokerLayout layout, int advertisedPort, Properties config) {
        this.layout = layout;
        this.advertisedPort = advertisedPort;
        this.config = config;
    }

    /** Starts a broker with data in {@code dataDir} listening on {@code port} (0 = a free port, or the one saved in {@code dataDir}). */
    public static KafkaBroker start(Path dataDir, int port) {
        return builder(dataDir).port(port).start();
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** {@code host:port} clients use: the advertised client listener (a proxy, if one was configured). */
    public String bootstrapServers() {
        return "127.0.0.1:" + advertisedPort;
    }

    /** {@code host:port} of the broker itself, bypassing any proxy (PLAINTEXT, internal listener). */
    public String directBootstrapServers() {
        return "127.0.0.1:" + layout.internalPort();
    }

    /** The port the client listener binds (a proxy in front targets this one). */
    public int port() {
        return layout.clientPort();
    }

    public Path dataDir() {
        return layout.dataDir();
    }

    public synchronized boolean running() {
        return server != null;
    }

    /** Creates a topic with replication factor 1; a topic that already exists is left as it is. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        }
    }

    /** An admin client on the internal listener; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, directBootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** Shuts the broker down, keeping its data. Clients see connection refused until {@link #restart()}. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer s = server;
        server = null;
        s.shutdown();
        s.awaitShutdown();
    }

    /** Starts the stopped broker again on the same ports with the same data; returns when ready. */
    public synchronized void restart() {
        if (server != null) {
            return;
        }
        launch();
    }

    @Override
    public void close() {
        stop();
    }

    private void launch() {
        KafkaRaftServer s = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
        s.startup();
        server = s;
        try {
            awaitReady();
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    // The broker lists itself only once the controller unfenced it: then produce works.
                    if (!admin.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                sleep(50);
            }
        }
        throw new IllegalStateException(
                "Kafka broker in " + layout.dataDir() + " not ready after " + READY_TIMEOUT, last);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    private static void format(BrokerLayout layout) {
        try {
            new Formatter()
                    .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .setNodeId(BrokerProperties.NODE_ID)
                    .setClusterId(layout.clusterId())
                    .addDirectory(layout.logDir().toString())
                    .setMetadataLogDirectory(layout.logDir().toString())
                    .setControllerListenerName(BrokerProperties.CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka log dir " + layout.logDir(), e);
        }
    }

    /**
     * Runs a broker as its own process: {@code KafkaBroker <dataDir> <port> [advertisedPort]}. Prints
     * {@code READY <bootstrap>} once ready and runs until the process is terminated; SIGTERM shuts
     * the broker down cleanly. With {@code --exit-on-stdin-eof} it also stops when its stdin closes
     * (so it dies with a parent that holds the pipe).
     */
    public static void main(String[] args) throws Exception {
        List<String> positional = new java.util.ArrayList<>();
        boolean exitOnEof = false;
        for (String arg : args) {
            if (arg.equals("--exit-on-stdin-eof")) {
                exitOnEof = true;
            } else {
                positional.add(arg);
            }
        }
        if (positional.size() < 2) {
            System.err.println("usage: KafkaBroker <dataDir> <port> [advertisedPort] [--exit-on-stdin-eof]");
            System.exit(2);
        }
        Builder builder = builder(Path.of(positional.get(0))).port(Integer.parseInt(positional.get(1)));
        if (positional.size() > 2) {
            builder.advertisedPort(Integer.parseInt(positional.get(2)));
        }
        KafkaBroker broker = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-shutdown"));
        System.out.println("READY " + broker.bootstrapServers());
        System.out.flush();
        if (exitOnEof) {
            while (System.in.read() >= 0) {
                // drain until the parent closes the pipe
            }
            System.exit(0);
        }
        Thread.currentThread().join();
    }

    /** Options of a broker; {@link #start()} launches it. */
    public static final class Builder {
        private final Path dataDir;
        private int port;
        private int advertisedPort;
        private String clientSecurityProtocol = "PLAINTEXT";
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder(Path dataDir) {
            this.dataDir = dataDir.toAbsolutePath();
        }

        /** Client listener port; 0 = the port saved in the data dir, else a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Port the client listener advertises (a proxy in front); 0 = its own port. */
        public Builder advertisedPort(int advertisedPort) {
            this.advertisedPort = advertisedPort;
            return this;
        }

        /** Security protocol of the client listener ({@code PLAINTEXT}, {@code SSL}, {@code SASL_SSL} …). */
        public Builder clientSecurityProtocol(String protocol) {
            this.clientSecurityProtocol = protocol;
            return this;
        }

        /**
         * Makes the client listener SSL with this PKCS12 key store (the broker's certificate) and trust store (the
         * CAs whose client certificates it accepts); with {@code requireClientAuth} a client without a certificate
         * the trust store vouches for is refused during the handshake. TLS 1.2 and 1.3 only. Internal and controller
         * listeners stay PLAINTEXT, so this class's admin calls need no certificate.
         */
        public Builder clientSsl(Path keyStore, Path trustStore, String password, boolean requireClientAuth) {
            clientSecurityProtocol("SSL");
            String prefix = "listener.name.client.";
            brokerProperty(prefix + "ssl.keystore.type", "PKCS12");
            brokerProperty(
                    prefix + "ssl.keystore.location", keyStore.toAbsolutePath().toString());
            brokerProperty(prefix + "ssl.keystore.password", password);
            brokerProperty(prefix + "ssl.key.password", password);
            brokerProperty(prefix + "ssl.truststore.type", "PKCS12");
            brokerProperty(
                    prefix + "ssl.truststore.location",
                    trustStore.toAbsolutePath().toString());
            brokerProperty(prefix + "ssl.truststore.password", password);
            brokerProperty(prefix + "ssl.enabled.protocols", "TLSv1.3,TLSv1.2");
            return brokerProperty(prefix + "ssl.client.auth", requireClientAuth ? "required" : "none");
        }

        /** Any broker property, applied last (e.g. {@code listener.name.client.ssl.keystore.location}). */
        public Builder brokerProperty(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        public KafkaBroker start() {
            BrokerLayout layout = BrokerLayout.loadOrCreate(dataDir, port);
            if (!layout.formatted()) {
                format(layout);
            }
            int advertised = advertisedPort == 0 ? layout.clientPort() : advertisedPort;
            Properties config = BrokerProperties.of(layout, advertised, clientSecurityProtocol, overrides);
            KafkaBroker broker = new KafkaBroker(layout, advertised, config);
            synchronized (broker) {
                broker.launch();
            }
            return broker;
        }
    }
}
