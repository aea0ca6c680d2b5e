package io.fogbridge.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryFileWatcherTest {

    @TempDir
    Path dir;

    @Test
    void aChangedFileReplacesTheRegistryAndABrokenOneKeepsThePrevious() throws Exception {
        Path file = dir.resolve("devices.yaml");
        Files.writeString(file, "tenants:\n  acme:\n    devices:\n      a: {}\n");
        DeviceRegistry registry = DeviceRegistry.of(Registry.EMPTY);

        try (RegistryFileWatcher watcher = RegistryFileWatcher.start(file, registry, Duration.ofMillis(50))) {
            assertThat(registry.current().device("acme", "a")).isPresent();

            replace(file, "tenants:\n  acme:\n    devices:\n      a: {}\n      b: {}\n");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> registry.current().device("acme", "b").isPresent());

            replace(file, "tenants:\n  acme:\n    devices:\n      c: {bogus: 1}\n");
            watcher.poll(); // the broken version is read and refused
            assertThat(registry.current().device("acme", "b")).isPresent();
            assertThat(registry.current().device("acme", "c")).isEmpty();
        }
    }

    /**
     * Replaces the file in one step, as most editors save: written in place, the watcher's own
     * poll could read it half-written (a valid registry without device b) and the test would fail for that.
     */
    private static void replace(Path file, String text) throws Exception {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, text);
        Files.move(
                next,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aBrokenFileAtStartFails() throws Exception {
        Path file = dir.resolve("devices.yaml");
        Files.writeString(file, "tenants: [\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> RegistryFileWatcher.start(file, DeviceRegistry.of(Registry.EMPTY), Duration.ofSeconds(1)))
                .isInstanceOf(RegistryFileException.class);
    }
}
