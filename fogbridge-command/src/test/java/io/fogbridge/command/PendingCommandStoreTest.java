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
                    .extracting(PendingCommand::id)
                    .containsExactly(
                            command(0).id(), command(2).id(), command(4).id());
            assertThat(store.pending().get(2)).isEqualTo(PendingCommand.of(command(4)));
            Command recovered = store.load(command(4).id());
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
                    .extracting(PendingCommand::id)
                    .containsExactly(command(0).id());
            store.add(command(4));
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 2] ^= 0x5a; // flip a payload bit of the last record: its CRC no longer matches
        Files.write(file, bytes);
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            assertThat(store.pending())
                    .extracting(PendingCommand::id)
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
                    .extracting(PendingCommand::id)
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
                    .extracting(PendingCommand::id)
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
                    .extracting(PendingCommand::id)
                    .containsExactly(command(10_000).id());
        }
    }

    // ---- payloads on disk, byte accounting, on-disk format ----

    static Command large(int n, int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        new java.util.Random(n).nextBytes(payload);
        return new Command(
                "fog.command.acme/1/" + n,
                "acme",
                "dev-big",
                "upload",
                "big" + n,
                true,
                payload,
                "application/octet-stream",
                5_000L + n,
                905_000L + n);
    }

    @Test
    void bytesCountTheLiveRecordsAcrossAddDoneReopenAndCompaction() throws Exception {
        long expected;
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            assertThat(store.bytes()).isZero();
            store.add(large(1, 600_000));
            store.add(large(2, 600_000));
            store.add(command(7));
            store.add(large(1, 600_000)); // a duplicate adds nothing
            expected = PendingCommandStore.sizeOf(large(1, 600_000))
                    + PendingCommandStore.sizeOf(large(2, 600_000))
                    + PendingCommandStore.sizeOf(command(7));
            assertThat(store.bytes()).isEqualTo(expected);
            assertThat(Files.size(dir.resolve(PendingCommandStore.FILE))).isEqualTo(expected);
            store.done(large(1, 0).id());
            expected -= PendingCommandStore.sizeOf(large(1, 600_000));
            assertThat(store.bytes()).isEqualTo(expected);
        }
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            assertThat(store.bytes()).isEqualTo(expected);
            assertThat(store.size()).isEqualTo(2);
            store.done(large(2, 0).id()); // 1.2 MB dead, more than live: compacted
            assertThat(store.bytes()).isEqualTo(PendingCommandStore.sizeOf(command(7)));
            assertThat(Files.size(dir.resolve(PendingCommandStore.FILE))).isEqualTo(store.bytes());
            assertThat(store.load(command(7).id()).payload())
                    .isEqualTo(command(7).payload());
        }
    }

    @Test
    void theFileIsTheDocumentedLayoutAndAHandWrittenOneIsRead() throws Exception {
        Command big = large(3, 100_000);
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            store.add(big);
            store.done(big.id());
        }
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(PendingCommandStore.FILE)));
        int length = file.getInt();
        int crc = file.getInt();
        byte[] body = new byte[length];
        file.get(body);
        java.util.zip.CRC32C check = new java.util.zip.CRC32C();
        check.update(body);
        assertThat(crc).isEqualTo((int) check.getValue());
        assertThat(body[0]).as("type ADD").isEqualTo((byte) 1);
        java.io.DataInputStream add =
                new java.io.DataInputStream(new java.io.ByteArrayInputStream(body, 1, length - 1));
        assertThat(add.readUTF()).isEqualTo(big.id());
        assertThat(add.readUTF()).isEqualTo("acme");
        assertThat(add.readUTF()).isEqualTo("dev-big");
        assertThat(add.readUTF()).isEqualTo("upload");
        assertThat(add.readBoolean()).as("correlation id present").isTrue();
        assertThat(add.readUTF()).isEqualTo("big3");
        assertThat(add.readBoolean()).as("response required").isTrue();
        assertThat(add.readBoolean()).as("content type present").isTrue();
        assertThat(add.readUTF()).isEqualTo("application/octet-stream");
        assertThat(add.readLong()).isEqualTo(big.createdAt());
        assertThat(add.readLong()).isEqualTo(big.deadline());
        assertThat(add.readInt()).isEqualTo(100_000);
        assertThat(add.readAllBytes()).as("the payload ends the record").isEqualTo(big.payload());
        int doneLength = file.getInt();
        file.getInt();
        assertThat(file.get()).as("type DONE").isEqualTo((byte) 2);
        assertThat(doneLength).isEqualTo(1 + 2 + big.id().length());
        assertThat(file.remaining()).isEqualTo(2 + big.id().length());

        // The same layout written by hand, without the DONE: read as one pending command.
        Path other = dir.resolve("by-hand");
        Files.createDirectories(other);
        ByteBuffer add2 =
                ByteBuffer.allocate(8 + length).putInt(length).putInt(crc).put(body);
        Files.write(other.resolve(PendingCommandStore.FILE), add2.array());
        try (PendingCommandStore store = PendingCommandStore.open(other)) {
            assertThat(store.pending()).containsExactly(PendingCommand.of(big));
            assertThat(store.load(big.id()).payload()).isEqualTo(big.payload());
        }
    }

    @Test
    void aTornTailInsideALargePayloadIsCutAndTheCommandsBeforeItLoad() throws Exception {
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            store.add(large(1, 300_000));
            store.add(large(2, 300_000));
        }
        Path file = dir.resolve(PendingCommandStore.FILE);
        long first = PendingCommandStore.sizeOf(large(1, 300_000));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(first + 150_000); // the crash came halfway through the second payload
        }
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            assertThat(store.pending())
                    .extracting(PendingCommand::id)
                    .containsExactly(large(1, 0).id());
            assertThat(Files.size(file)).isEqualTo(first);
            assertThat(store.bytes()).isEqualTo(first);
            assertThat(store.load(large(1, 0).id()).payload())
                    .isEqualTo(large(1, 300_000).payload());
            store.add(large(3, 300_000));
        }
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            assertThat(store.pending())
                    .extracting(PendingCommand::id)
                    .containsExactly(large(1, 0).id(), large(3, 0).id());
            assertThat(store.load(large(3, 0).id()).payload())
                    .isEqualTo(large(3, 300_000).payload());
        }
    }

    @Test
    void aPayloadIsReadFromTheFileWhenLoadedNotKeptInMemory() throws Exception {
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            store.add(large(1, 200_000));
            store.add(large(2, 200_000));
            // Damage the first payload under the open store: only a store that reads the file notices.
            try (FileChannel channel =
                    FileChannel.open(dir.resolve(PendingCommandStore.FILE), StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 1_000);
            }
            assertThatThrownBy(() -> store.load(large(1, 0).id()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("corrupt");
            assertThat(store.load(large(2, 0).id()).payload())
                    .isEqualTo(large(2, 200_000).payload());
            assertThat(store.load("no-such-id")).isNull();
        }
    }

    @Test
    void aCommandTooLargeForARecordIsRefusedWithoutTouchingTheFile() throws Exception {
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            store.add(command(0));
            long before = Files.size(dir.resolve(PendingCommandStore.FILE));
            Command hugeHeader = new Command(
                    "fog.command.acme/0/99",
                    "acme",
                    "dev-1",
                    "set",
                    null,
                    false,
                    new byte[1],
                    "x".repeat(70_000),
                    1,
                    2);
            assertThatThrownBy(() -> store.add(hugeHeader)).isInstanceOf(RuntimeException.class);
            assertThat(store.contains(hugeHeader.id())).isFalse();
            assertThat(Files.size(dir.resolve(PendingCommandStore.FILE))).isEqualTo(before);
            store.add(command(2));
        }
        try (PendingCommandStore store = PendingCommandStore.open(dir)) {
            assertThat(store.pending())
                    .extracting(PendingCommand::id)
                    .containsExactly(command(0).id(), command(2).id());
        }
    }
}
