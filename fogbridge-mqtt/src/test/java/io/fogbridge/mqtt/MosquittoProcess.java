package io.fogbridge.mqtt;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real mosquitto broker on a free loopback port, as a child process that tests can kill and restart. */
final class MosquittoProcess implements AutoCloseable {

    private final String binary;
    private final Path config;
    private final Path log;
    private final int port;
    private Process process;

    private MosquittoProcess(String binary, Path dir, int port) throws IOException {
        this.binary = binary;
        this.port = port;
        this.config = dir.resolve("mosquitto.conf");
        this.log = dir.resolve("mosquitto.log");
        Files.writeString(
                config,
                "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                        + "log_dest stderr\nlog_type error\nlog_type warning\n");
    }

    /** Starts mosquitto in {@code dir}; skips (or fails on CI) when it is not installed. */
    static MosquittoProcess start(Path dir) throws Exception {
        MosquittoProcess mosquitto = new MosquittoProcess(PeerBinary.require("mosquitto"), dir, freePort());
        mosquitto.start();
        return mosquitto;
    }

    int port() {
        return port;
    }

    String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    void start() throws Exception {
        process = new ProcessBuilder(binary, "-c", config.toString())
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
    void kill() throws InterruptedException {
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
