package io.fogbridge.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileChangeTest {

    @TempDir
    Path dir;

    @Test
    void reportsEachNewVersionUntilItLoadsAndABrokenOneOnlyOnce() throws Exception {
        Path file = dir.resolve("devices.yaml");
        Files.writeString(file, "v1");
        FileChange change = new FileChange(file);
        assertThat(change.changed())
                .as("the version taken at creation counts as loaded")
                .isFalse();

        Files.writeString(file, "version 2, broken");
        assertThat(change.changed()).isTrue();
        change.failed();
        assertThat(change.changed())
                .as("the same broken version is not reported again")
                .isFalse();

        Files.writeString(file, "version 3");
        assertThat(change.changed()).isTrue();
        assertThat(change.changed()).as("not loaded yet: still new").isTrue();
        change.loaded();
        assertThat(change.changed()).isFalse();
    }

    @Test
    void aMissingFileIsOneMoreVersion() throws Exception {
        Path file = dir.resolve("psk.keys");
        Files.writeString(file, "a");
        FileChange change = new FileChange(file);

        Files.delete(file);
        assertThat(change.changed()).isTrue();
        change.failed();
        assertThat(change.changed()).isFalse();

        Files.writeString(file, "a");
        assertThat(change.changed()).isTrue();
    }
}
