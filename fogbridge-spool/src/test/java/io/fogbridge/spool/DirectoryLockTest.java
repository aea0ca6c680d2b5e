package io.fogbridge.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLockTest {
    @TempDir
    Path tmp;

    @Test
    void marksLocksAndReleasesTheDirectory() throws Exception {
        Path dir = tmp.resolve("spool");
        DirectoryLock first = DirectoryLock.acquire(dir);
        assertThat(dir.resolve(SegmentedSpool.MARKER_FILE)).exists();
        assertThatThrownBy(() -> DirectoryLock.acquire(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("in use");
        first.close();
        // released: the directory can be taken again
        DirectoryLock again = DirectoryLock.acquire(dir);
        again.close();
        assertThat(Files.readString(dir.resolve(SegmentedSpool.MARKER_FILE))).startsWith("fogbridge-spool 1");
    }
}
