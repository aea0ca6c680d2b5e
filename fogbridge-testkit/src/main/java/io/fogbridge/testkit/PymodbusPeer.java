package io.fogbridge.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The independent Modbus TCP server of the tests: Debian's {@code python3-pymodbus} running {@code modbus_peer.py}
 * (in the testkit's resources; its comment lists the values it holds). Missing pymodbus fails the test in CI and skips it
 * elsewhere, like every peer binary ({@link TestEnv}).
 */
public final class PymodbusPeer implements AutoCloseable {

    /** Debian's interpreter: pymodbus is installed for it, not for a pyenv or venv python earlier on PATH. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private final int port;
    private final Path script;
    private Process process;

    private PymodbusPeer(int port, Path script) {
        this.port = port;
        this.script = script;
    }

    public static PymodbusPeer start(int port) throws Exception {
        requirePymodbus();
        Path script = Files.createTempFile("modbus_peer", ".py");
        try (InputStream in = PymodbusPeer.class.getResourceAsStream("/modbus_peer.py")) {
            Files.write(script, in.readAllBytes());
        }
        script.toFile().deleteOnExit();
        PymodbusPeer peer = new PymodbusPeer(port, script);
        peer.restart();
        return peer;
    }

    public int port() {
        return port;
    }

    /** (Re)starts the server on the same port and waits until it takes connections. */
    public void restart() throws Exception {
        process = new ProcessBuilder(PYTHON.toString(), script.toString(), Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("modbus_peer.py exited with " + process.exitValue());
            }
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("modbus_peer.py did not listen on " + port + " within 15 s");
    }

    /** SIGKILL: the connection ends without a goodbye, as when a PLC loses power. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void requirePymodbus() throws Exception {
        boolean present = Files.isExecutable(PYTHON)
                && new ProcessBuilder(List.of(PYTHON.toString(), "-c", "import pymodbus"))
                                .redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                .start()
                                .waitFor()
                        == 0;
        if (present) {
            return;
        }
        String message = "Debian python3-pymodbus not installed for /usr/bin/python3 (.ci/run installs it)";
        if (TestEnv.ci()) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
    }
}
