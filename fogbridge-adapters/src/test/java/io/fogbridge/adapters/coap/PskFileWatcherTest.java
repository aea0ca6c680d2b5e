package io.fogbridge.adapters.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PskFileWatcher#poll()} driven by hand against a recording target: no timing involved. */
class PskFileWatcherTest {

    @TempDir
    Path dir;

    final Map<String, String> keys = new TreeMap<>();
    final List<String> dropped = new ArrayList<>();
    final PskFileWatcher.Target target = new PskFileWatcher.Target() {
        @Override
        public void setKey(String identity, byte[] key) {
            keys.put(identity, new String(key, StandardCharsets.UTF_8));
        }

        @Override
        public void removeKey(String identity) {
            keys.remove(identity);
        }

        @Override
        public void dropSessions(String identity) {
            dropped.add(identity);
        }
    };

    @Test
    void addedChangedAndRemovedKeysReachTheTargetAndChangedOrRemovedIdentitiesLoseTheirSessions() throws Exception {
        PskFileWatcher watcher = emptyWatcher();
        write("a@t = text:one\nb@t = text:two\nc@t = text:three\n", 1);

        watcher.poll();
        assertThat(keys).isEqualTo(Map.of("a@t", "one", "b@t", "two", "c@t", "three"));
        assertThat(dropped).isEmpty();

        write("a@t = text:one\nb@t = text:rotated\nd@t = text:four\n", 2);
        watcher.poll();

        assertThat(keys).isEqualTo(Map.of("a@t", "one", "b@t", "rotated", "d@t", "four"));
        assertThat(dropped).containsExactlyInAnyOrder("b@t", "c@t");
    }

    @Test
    void aBrokenFileKeepsThePreviousKeysUntilItIsFixed() throws Exception {
        PskFileWatcher watcher = emptyWatcher();
        write("a@t = text:one\n", 1);
        watcher.poll();

        write("a@t = text:changed\nnot a key line\n", 2);
        watcher.poll();
        assertThat(keys).isEqualTo(Map.of("a@t", "one"));
        assertThat(dropped).isEmpty();

        write("a@t = text:fixed\n", 3);
        watcher.poll();
        assertThat(keys).isEqualTo(Map.of("a@t", "fixed"));
        assertThat(dropped).containsExactly("a@t");
    }

    @Test
    void anUnchangedFileIsNotReadAgain() throws Exception {
        PskFileWatcher watcher = emptyWatcher();
        write("a@t = text:one\n", 1);
        watcher.poll();
        keys.clear();
        watcher.poll();
        assertThat(keys).isEmpty();
    }

    /** A watcher started on an empty key file, as the adapter would be: the target holds what the file held. */
    PskFileWatcher emptyWatcher() throws Exception {
        return new PskFileWatcher(PskKeys.load(write("", 0)), target, Duration.ofSeconds(1));
    }

    /** Writes the key file with a distinct modification time per version (no reliance on clock resolution). */
    Path write(String text, int version) throws Exception {
        Path file = dir.resolve("psk.keys");
        Files.writeString(file, text);
        Files.setLastModifiedTime(
                file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(version)));
        return file;
    }
}
