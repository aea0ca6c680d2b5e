package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.fail;

import io.fogbridge.testkit.TestEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * A host name of the test's own that does not resolve until {@link #resolve()} appends it to {@code /etc/hosts};
 * {@link #close()} takes the line out again. This is how a test makes DNS come back: the name is unique per run
 * (under {@code .test}, which no real DNS answers), so only this test sees the change.
 *
 * <p>Needs root. Without a writable {@code /etc/hosts} the test is skipped on a developer's box and fails on CI
 * ({@code CI=true}), where {@code .ci/run} runs as root and skipping would hide the scenario.
 */
final class HostsEntry implements AutoCloseable {

    private static final Path HOSTS = Path.of("/etc/hosts");

    private final String name = "kafka-" + UUID.randomUUID().toString().substring(0, 8) + ".fogbridge.test";
    private String line;

    private HostsEntry() {}

    /** A new, not yet resolvable name; aborts (or, on CI, fails) the test when {@code /etc/hosts} is not writable. */
    static HostsEntry unresolved() {
        if (!Files.isWritable(HOSTS)) {
            if (TestEnv.ci()) {
                fail("CI=true but " + HOSTS + " is not writable: this test must run as root on CI");
            }
            Assumptions.abort(HOSTS + " is not writable (run as root to test DNS coming back)");
        }
        return new HostsEntry();
    }

    String name() {
        return name;
    }

    /** From now on {@link #name()} resolves to 127.0.0.1. */
    void resolve() throws IOException {
        line = "127.0.0.1 " + name;
        // Appended in place, not replaced: /etc/hosts is often a bind mount that a rename cannot replace.
        String current = Files.readString(HOSTS, StandardCharsets.UTF_8);
        String prefix = current.isEmpty() || current.endsWith("\n") ? "" : "\n";
        Files.writeString(HOSTS, prefix + line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    @Override
    public void close() throws IOException {
        if (line == null) {
            return;
        }
        List<String> kept = Files.readAllLines(HOSTS, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.equals(line))
                .toList();
        Files.writeString(
                HOSTS,
                kept.stream().collect(Collectors.joining("\n", "", "\n")),
                StandardCharsets.UTF_8,
                StandardOpenOption.TRUNCATE_EXISTING);
        line = null;
    }
}
