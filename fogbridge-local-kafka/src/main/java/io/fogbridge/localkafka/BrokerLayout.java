package io.fogbridge.localkafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.Uuid;

/**
 * What a {@link KafkaBroker} must find again when it restarts on the same data directory: the
 * cluster id it was formatted with and its three ports.
 *
 * <p>On-disk layout of a broker data directory:
 *
 * <pre>
 *   &lt;dataDir&gt;/fogbridge-broker.properties   this record (cluster.id, client.port, internal.port, controller.port)
 *   &lt;dataDir&gt;/kafka-logs/                     Kafka's log dir, also the KRaft metadata log dir
 * </pre>
 *
 * The controller port is part of the static quorum configuration ({@code controller.quorum.voters}),
 * so it is kept stable across restarts, as is the client port clients and proxies point at.
 */
record BrokerLayout(Path dataDir, String clusterId, int clientPort, int internalPort, int controllerPort) {

    private static final String FILE = "fogbridge-broker.properties";
    /** Lowest port {@link #freePort} picks: above the well-known and most registered service ports. */
    private static final int LOWEST_PORT = 20_000;

    Path logDir() {
        return dataDir.resolve("kafka-logs");
    }

    boolean formatted() {
        return Files.isRegularFile(logDir().resolve("meta.properties"));
    }

    /**
     * Loads the layout saved in {@code dataDir}, or makes a new one. A non-zero {@code clientPort}
     * overrides the saved one; zero keeps the saved port, or picks a free one on first start.
     */
    static BrokerLayout loadOrCreate(Path dataDir, int clientPort) {
        Path file = dataDir.resolve(FILE);
        try {
            Files.createDirectories(dataDir);
            if (Files.isRegularFile(file)) {
                Properties saved = new Properties();
                try (Reader in = Files.newBufferedReader(file)) {
                    saved.load(in);
                }
                int savedClient = Integer.parseInt(saved.getProperty("client.port"));
                BrokerLayout layout = new BrokerLayout(
                        dataDir,
                        saved.getProperty("cluster.id"),
                        clientPort == 0 ? savedClient : clientPort,
                        Integer.parseInt(saved.getProperty("internal.port")),
                        Integer.parseInt(saved.getProperty("controller.port")));
                layout.save();
                return layout;
            }
            // Each free port is a socket closed again at once, so the system may hand the same number out twice
            // (and a caller's clientPort came from the same pool): the three must differ or Kafka refuses to start.
            int client = clientPort == 0 ? freePort() : clientPort;
            int internal = freePortOtherThan(client);
            int controller = freePortOtherThan(client, internal);
            BrokerLayout layout = new BrokerLayout(
                    dataDir,
                    Uuid.randomUuid().toString(), // Kafka's own id format
                    client,
                    internal,
                    controller);
            layout.save();
            return layout;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare broker data dir " + dataDir, e);
        }
    }

    private static int freePortOtherThan(int... taken) throws IOException {
        while (true) {
            int port = freePort();
            if (java.util.Arrays.stream(taken).noneMatch(t -> t == port)) {
                return port;
            }
        }
    }

    private void save() throws IOException {
        Properties p = new Properties();
        p.setProperty("cluster.id", clusterId);
        p.setProperty("client.port", Integer.toString(clientPort));
        p.setProperty("internal.port", Integer.toString(internalPort));
        p.setProperty("controller.port", Integer.toString(controllerPort));
        try (Writer out = Files.newBufferedWriter(dataDir.resolve(FILE))) {
            p.store(out, "fogbridge KafkaBroker: kept so a restart finds the same cluster and ports");
        }
    }

    /**
     * A free loopback port below the kernel's ephemeral range where there is room, else any free one. The broker binds
     * its ports again when it restarts; a port from the ephemeral range may meanwhile be the local end of some
     * outgoing connection on the box, and the restart fails with "Address already in use" (seen once in CI, the
     * broker's INTERNAL port during a 10 s outage while two test JVMs ran). No connection takes a port below it.
     */
    static int freePort() throws IOException {
        int below = ephemeralLow();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; below - LOWEST_PORT > 1_000 && attempt < 100; attempt++) {
            int port = LOWEST_PORT + random.nextInt(below - LOWEST_PORT);
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // someone listens there: another one
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** The first port of Linux's ephemeral range ({@code ip_local_port_range}); 32,768 where it cannot be read. */
    static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .strip();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
