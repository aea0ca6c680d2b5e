package io.fogbridge.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The test environment: peer binaries (mosquitto, mosquitto_pub, kcat, curl …) and free ports.
 *
 * <p>A test that needs a peer calls {@link #peer(String)}. When the binary is missing the test
 * fails if the environment variable {@code CI} is {@code true} (CI installs every peer, so a
 * missing one is a broken build), and is skipped through a JUnit assumption otherwise (a
 * developer machine without mosquitto still runs the rest).
 */
public final class TestEnv {

    private TestEnv() {}

    /** True when running in CI ({@code CI=true}). */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The absolute path of {@code name} on PATH; fails (CI) or skips (elsewhere) the test when missing. */
    public static Path peer(String name) {
        Optional<Path> found = findOnPath(name);
        if (found.isPresent()) {
            return found.get();
        }
        String message = "peer binary '" + name + "' not found on PATH (install it; .ci/run does)";
        if (ci()) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    /**
     * The binary on PATH, or in the sbin folders (Debian puts the mosquitto broker in /usr/sbin,
     * which a non-root PATH lacks), without failing or skipping.
     */
    public static Optional<Path> findOnPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin" + File.pathSeparator
                + "/usr/local/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /**
     * A TCP port on 127.0.0.1 that was free a moment ago. Another process may take it before the
     * caller binds it; the window is small and tests on one machine live with it.
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
