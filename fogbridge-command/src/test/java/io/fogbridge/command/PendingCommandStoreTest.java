package io.fogbridge.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.api.Command;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PendingCommandStoreTest {

    @TempDir
    Path dir;

    static Command command(int n) {
        return new Command(
                "fog.command.acme/0/" + n,
                "acme",
                "dev-" + (n % 3),
                "setValve",
                n % 2 == 0 ? "c" + n : null,
                n % 2 == 0,
                ("payload-" + n).getBytes(StandardCharsets.UTF_8),
                n % 4 == 0 ? "text/plain" : null,
                1_000L + n,
                61_000L + n);
    }

    @Test
    void pendingCommandsSurviveAReopenAndDoneOnesDoNot() throws Exception {
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            for (int i = 0; i < 5; i++) {
                store.add(command(i));
            }
            store.add(command(1)); // a duplicate is not stored twice
            store.done(command(1).id());
            store.done(command(3).id());
        }
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            assertThat(store.pending())
                    .extracting(Command::id)
                    .containsExactly(
                            command(0).id(), command(2).id(), command(4).id());
            Command recovered = store.pending().get(2);
            assertThat(recovered.payload()).isEqualTo(command(4).payload());
            assertThat(recovered)
                    .usingRecursiveComparison()
                    .ignoringFields("payload")
                    .isEqualTo(command(4));
        }
    }

    @Test
    void aTornOrCorruptTailIsCutAndTheStoreKeepsWorking() throws Exception {
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            store.add(command(0));
            store.add(command(2));
        }
        Path file = dir.resolve(PendingCommandStore.FILE);
        long size = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size - 3); // a crash in the middle of the second append
        }
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            assertThat(store.pending())
                    .extracting(Command::id)
                    .containsExactly(command(0).id());
            store.add(command(4));
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 2] ^= 0x5a; // flip a payload bit of the last record: its CRC no longer matches
        Files.write(file, bytes);
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            assertThat(store.pending())
                    .extracting(Command::id)
                    .containsExactly(command(0).id());
        }
    }

    @Test
    void compactionKeepsOnlyLiveCommandsAndShrinksTheFile() throws Exception {
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            store.add(command(10_000));
            for (int i = 0; i < 400; i++) {
                store.add(command(i));
                store.done(command(i).id());
            }
            assertThat(Files.size(dir.resolve(PendingCommandStore.FILE))).isLessThan(20_000);
        }
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            assertThat(store.pending())
                    .extracting(Command::id)
                    .containsExactly(command(10_000).id());
        }
    }

    /** Writes half of the record the {@code failAt}-th time, then fails the next write with ENOSPC. */
    static final class ShortWriteThenFull implements PendingCommandStore.Writes {
        private final int failAt;
        private int calls;

        ShortWriteThenFull(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public int write(FileChannel channel, ByteBuffer src, long position) throws IOException {
            calls++;
            if (calls == failAt) {
                ByteBuffer half = src.slice(src.position(), src.remaining() / 2);
                int written = channel.write(half, position);
                src.position(src.position() + written);
                return written;
            }
            if (calls == failAt + 1) {
                throw new IOException("No space left on device");
            }
            return channel.write(src, position);
        }
    }

    @Test
    void aShortWriteThenDiskFullIsCutBackSoLaterCommandsSurviveARestart() throws Exception {
        try (PendingCommandStore store = PendingCommandStore.open(dir, new ShortWriteThenFull(2))) {
            store.add(command(0));
            assertThatThrownBy(() -> store.add(command(1))).hasMessageContaining("No space left");
            assertThat(store.contains(command(1).id())).isFalse();
            store.add(command(2)); // space again
        }
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            assertThat(store.pending())
                    .extracting(Command::id)
                    .containsExactly(command(0).id(), command(2).id());
        }
    }

    @Test
    void aLeftoverCompactFileDoesNotBlockCompaction() throws Exception {
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            store.add(command(10_000));
            Files.write(dir.resolve(PendingCommandStore.FILE + ".compact"), new byte[] {1, 2, 3});
            for (int i = 0; i < 400; i++) {
                store.add(command(i));
                store.done(command(i).id());
            }
            assertThat(Files.size(dir.resolve(PendingCommandStore.FILE))).isLessThan(20_000);
        }
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            assertThat(store.pending())
                    .extracting(Command::id)
                    .containsExactly(command(10_000).id());
        }
    }
}
