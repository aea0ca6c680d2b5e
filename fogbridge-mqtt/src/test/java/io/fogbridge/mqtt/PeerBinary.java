package io.fogbridge.mqtt;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a real peer program (mosquitto, mosquitto_pub) for a test. Missing: the test fails when {@code CI=true}
 * (CI installs the peers, so a missing one is a broken setup) and is skipped otherwise.
 * Local stand-in until fogbridge-testkit offers the same.
 */
final class PeerBinary {

    private PeerBinary() {}

    static String require(String name) {
        Optional<Path> found = find(name);
        if (found.isEmpty()) {
            String message = name + " is not installed (apt: mosquitto, mosquitto-clients)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        return found.get().toString();
    }

    private static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin" + File.pathSeparator
                + "/usr/local/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
