package io.fogbridge.command;

import io.fogbridge.api.Command;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable set of commands the gateway accepted but has not finished: once a command is here, the Kafka
 * offset of its record may be committed, because the store owns it until it is delivered, failed or expired.
 *
 * <p><b>On-disk layout.</b> One append-only file, {@code pending.log}, in the store directory. It is a
 * sequence of records:
 * <pre>
 *   int32 length   bytes of type + body
 *   int32 crc      CRC32C of type + body
 *   byte  type     1 = ADD, 2 = DONE
 *   body           ADD: the command ({@link CommandRecordFormat}); DONE: the command id (writeUTF)
 * </pre>
 * A command is pending when its ADD has no later DONE. Both are forced to disk ({@code fsync}) before the
 * call returns: an ADD so the offset commit that follows never loses a command, a DONE so a restart does
 * not redeliver a command that was delivered (a crash between the delivery and the DONE still does:
 * at-least-once). Recovery reads from the start and stops at the end or at the first torn or corrupt
 * record (a crash mid-append), and truncates the file there. When DONE records and finished ADDs make up
 * most of the file, it is compacted: the live ADDs are written to {@code pending.log.compact}, forced,
 * and atomically renamed over {@code pending.log}.
 *
 * <p><b>Threads.</b> Thread-safe (every method is synchronized); methods block on disk I/O, so callers
 * run them off latency-sensitive threads.
 */
final class PendingCommandStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PendingCommandStore.class);
    static final String FILE = "pending.log";
    private static final byte ADD = 1;
    private static final byte DONE = 2;
    private static final int HEADER = 8;
    private static final int MAX_RECORD = 64 * 1024 * 1024;
    private static final int COMPACT_MIN_DEAD = 256;

    private final Path dir;
    private final Map<String, Command> live = new LinkedHashMap<>();
    private FileChannel channel;
    private int deadRecords;

    private PendingCommandStore(Path dir) {
        this.dir = dir;
    }

    /** Opens (creating if needed) the store in {@code dir} and recovers its pending commands. */
    static PendingCommandStore open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(FILE + ".compact")); // a compaction that did not finish
        PendingCommandStore store = new PendingCommandStore(dir);
        store.recover();
        return store;
    }

    /** The pending commands in the order they were added. */
    synchronized List<Command> pending() {
        return List.copyOf(live.values());
    }

    synchronized int size() {
        return live.size();
    }

    synchronized boolean contains(String id) {
        return live.containsKey(id);
    }

    /** Adds a command durably; a command already pending is not added twice. */
    synchronized void add(Command command) throws IOException {
        if (live.containsKey(command.id())) {
            return;
        }
        append(ADD, CommandRecordFormat.encode(command));
        channel.force(false);
        live.put(command.id(), command);
    }

    /** Marks a command finished, durably. Unknown ids (already done) are ignored. */
    synchronized void done(String id) throws IOException {
        if (live.remove(id) == null) {
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(id.length() + 2);
        try (DataOutputStream out = new DataOutputStream(body)) {
            out.writeUTF(id);
        }
        append(DONE, body.toByteArray());
        channel.force(false);
        deadRecords += 2;
        if (deadRecords >= COMPACT_MIN_DEAD && deadRecords > 4 * live.size()) {
            compact();
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            log.warn("closing the pending command store failed: {}", e.toString());
        }
    }

    private void append(byte type, byte[] body) throws IOException {
        ByteBuffer record = ByteBuffer.allocate(HEADER + 1 + body.length);
        CRC32C crc = new CRC32C();
        crc.update(type);
        crc.update(body);
        record.putInt(1 + body.length)
                .putInt((int) crc.getValue())
                .put(type)
                .put(body)
                .flip();
        while (record.hasRemaining()) {
            channel.write(record);
        }
    }

    private void recover() throws IOException {
        Path file = dir.resolve(FILE);
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = channel.size();
        long position = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (position + HEADER <= size) {
            header.clear();
            channel.read(header, position);
            header.flip();
            int length = header.getInt();
            int expectedCrc = header.getInt();
            if (length < 1 || length > MAX_RECORD || position + HEADER + length > size) {
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            channel.read(body, position + HEADER);
            CRC32C crc = new CRC32C();
            crc.update(body.array());
            if ((int) crc.getValue() != expectedCrc || !apply(body.array())) {
                break;
            }
            position += HEADER + length;
        }
        if (position < size) {
            log.warn(
                    "pending command store {}: dropping a torn or corrupt tail at byte {} of {}", file, position, size);
            channel.truncate(position);
            channel.force(true);
        }
        channel.position(position);
        log.info("pending command store {}: {} commands pending", file, live.size());
    }

    private boolean apply(byte[] record) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(record, 1, record.length - 1));
        switch (record[0]) {
            case ADD -> {
                Command command = CommandRecordFormat.decode(in);
                live.put(command.id(), command);
            }
            case DONE -> {
                live.remove(in.readUTF());
                deadRecords += 2;
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void compact() throws IOException {
        Path target = dir.resolve(FILE);
        Path temp = dir.resolve(FILE + ".compact");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            FileChannel previous = channel;
            channel = out;
            try {
                for (Command command : live.values()) {
                    append(ADD, CommandRecordFormat.encode(command));
                }
            } finally {
                channel = previous;
            }
            out.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true); // makes the rename durable
        } catch (IOException e) {
            log.debug("directory fsync not supported here: {}", e.toString());
        }
        channel.close();
        channel = FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE);
        channel.position(channel.size());
        deadRecords = 0;
    }
}
