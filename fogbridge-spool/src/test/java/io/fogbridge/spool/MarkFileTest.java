package io.fogbridge.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkFileTest {
    private static final int MAGIC = 0x46425458;

    @TempDir
    Path dir;

    @Test
    void aReplaceWhoseRenameFailsLeavesTheFileUsableAndTheNextReplaceWorks() throws Exception {
        try (MarkFile file = MarkFile.open(dir, "mark.log", MAGIC)) {
            file.append(1);
            // the rename over mark.log cannot succeed while a non-empty directory stands in its place
            Path path = file.file();
            Files.delete(path);
            Files.createDirectory(path);
            Files.writeString(path.resolve("blocker"), "x");

            assertThatThrownBy(() -> file.replace(2)).isInstanceOf(java.io.IOException.class);
            file.append(3); // still writable: the failed replace did not take the channel with it
            file.force();
            assertThat(dir.resolve("mark.log.tmp")).doesNotExist();

            Files.delete(path.resolve("blocker"));
            Files.delete(path);
            file.replace(4);
            file.append(5);
            file.force();
            assertThat(MarkFile.highest(path, MAGIC)).isEqualTo(5);
        }
    }
}
