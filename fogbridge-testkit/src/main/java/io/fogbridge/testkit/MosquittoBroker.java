package io.fogbridge.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * A real mosquitto broker on a free loopback port, as a child process that tests can kill and
 * restart on the same port: the external broker of {@code mqtt.external.uri} in tests. Fails the
 * test on CI, skips it elsewhere, when mosquitto is not installed ({@link TestEnv#peer}).
 * With {@link #startTls} the listener speaks TLS only (the {@code ssl://} URI of an external broker),
 * optionally requiring client certificates. Not thread-safe.
 */
public final class MosquittoBroker implements AutoCloseable {

    private final Path binary;
    private final Path config;
    private final Path log;
    private final int port;
    private Tls tls;
    private Process process;

    /**
     * A TLS listener's files (PEM), as mosquitto's {@code cafile}, {@code certfile}, {@code keyfile}.
     *
     * @param caFile             CA certificates client certificates must chain to
     * @param requireCertificate {@code require_certificate}: refuse clients without a certificate the CA issued
     */
    public record Tls(Path caFile, Path certFile, Path keyFile, boolean requireCertificate) {}

    private MosquittoBroker(Path binary, Path dir, int port, Tls tls) throws IOException {
        this.binary = binary;
        this.port = port;
        this.config = dir.resolve("mosquitto.conf");
        this.log = dir.resolve("mosquitto.log");
        Files.createDirectories(dir);
        useTls(tls);
    }

    /** Starts mosquitto with its config and log in {@code dir}. */
    public static MosquittoBroker start(Path dir) throws Exception {
        return startTls(dir, null);
    }

    /** Starts mosquitto with a TLS-only listener ({@code tls} null: plain, as {@link #start(Path)}). */
    public static MosquittoBroker startTls(Path dir, Tls tls) throws Exception {
        MosquittoBroker mosquitto = new MosquittoBroker(TestEnv.peer("mosquitto"), dir, TestEnv.freePort(), tls);
        mosquitto.start();
        return mosquitto;
    }

    /**
     * Starts mosquitto with a whole config of the test's own (a deployment's example config, say): {@code config}
     * gets the broker's port and returns the file's text; {@link #uri()} is plain {@code tcp://}.
     */
    public static MosquittoBroker startWithConfig(Path dir, IntFunction<String> config) throws Exception {
        MosquittoBroker mosquitto = new MosquittoBroker(TestEnv.peer("mosquitto"), dir, TestEnv.freePort(), null);
        Files.writeString(mosquitto.config, config.apply(mosquitto.port));
        mosquitto.start();
        return mosquitto;
    }

    /**
     * Rewrites the config with these TLS files ({@code null}: plain); takes effect at the next {@link #start()}, as
     * when an operator edits mosquitto.conf and restarts the broker.
     */
    public void useTls(Tls tls) throws IOException {
        this.tls = tls;
        StringBuilder text = new StringBuilder()
                .append("listener ")
                .append(port)
                .append(" 127.0.0.1\nallow_anonymous true\npersistence false\n")
                .append("log_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\n");
        if (tls != null) {
            if ("root".equals(System.getProperty("user.name"))) {
                // Started as root, mosquitto drops to the 'mosquitto' user before it reads the TLS files, which then
                // cannot read them in a test's private temp folder; 'user root' keeps it as it was started.
                text.append("user root\n");
            }
            text.append("cafile ")
                    .append(tls.caFile().toAbsolutePath())
                    .append("\ncertfile ")
                    .append(tls.certFile().toAbsolutePath())
                    .append("\nkeyfile ")
                    .append(tls.keyFile().toAbsolutePath())
                    .append("\nrequire_certificate ")
                    .append(tls.requireCertificate())
                    .append('\n');
        }
        Files.writeString(config, text);
    }

    public int port() {
        return port;
    }

    /** {@code tcp://127.0.0.1:<port>}, or {@code ssl://…} with TLS. */
    public String uri() {
        return (tls == null ? "tcp" : "ssl") + "://127.0.0.1:" + port;
    }

    /** What mosquitto wrote (errors and warnings), for assertions and failure messages. */
    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** (Re)starts the process on the same port and returns once it accepts connections. */
    public void start() throws Exception {
        process = new ProcessBuilder(binary.toString(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!accepts()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("mosquitto did not start on " + port + ": " + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    /** SIGTERM: the broker shuts down cleanly, writing its persistence file if it has one. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            throw new IllegalStateException("mosquitto did not stop on SIGTERM within 15 s");
        }
    }

    /** SIGKILL: the broker vanishes without a goodbye, as in a crash or power cut. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
