package io.fogbridge.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real mosquitto broker on a free loopback port, as a child process that tests can kill and
 * restart on the same port: the external broker of {@code mqtt.external.uri} in tests. Fails the
 * test on CI, skips it elsewhere, when mosquitto is not installed ({@link TestEnv#peer}).
 * Not thread-safe.
 */
public final class MosquittoBroker implements AutoCloseable {

    private final Path binary;
    private final Path config;
    private final Path log;
    private final int port;
    private Process process;

    private MosquittoBroker(Path binary, Path dir, int port) throws IOException {
        this.binary = binary;
        this.port = port;
        this.config = dir.resolve("mosquitto.conf");
        this.log = dir.resolve("mosquitto.log");
        Files.createDirectories(dir);
        Files.writeString(
                config,
                "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                        + "log_dest stderr\nlog_type error\nlog_type warning\n");
    }

    /** Starts mosquitto with its config and log in {@code dir}. */
    public static MosquittoBroker start(Path dir) throws Exception {
        MosquittoBroker mosquitto = new MosquittoBroker(TestEnv.peer("mosquitto"), dir, TestEnv.freePort());
        mosquitto.start();
        return mosquitto;
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
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
