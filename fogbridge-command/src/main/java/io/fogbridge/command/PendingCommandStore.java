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
 * and atomically renamed over {@code pending.log}; the store keeps writing through the channel it opened on
 * the compacted file, so no reopen can fail after the rename. A compaction that fails leaves the old file in
 * use and removes its temp file, so the next one can run.
 *
 * <p><b>Failed writes.</b> A write or fsync that fails (a short write and then ENOSPC, say) may leave part
 * of a record on disk. The store cuts the file back to the end of the last good record before it reports
 * the failure, and never appends after bytes it could not cut: recovery stops at the first torn record, so
 * anything written after one would be lost at restart although its offset was committed. While the cut
 * itself fails, every write fails. A failed ADD is not pending (the caller must not commit its offset); a
 * failed DONE leaves the command finished in memory and pending on disk, so a restart redelivers it
 * (at-least-once).
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

    /**
     * The store's writes to its files: a seam so tests can inject short writes, ENOSPC and failed fsyncs.
     * Implementations are called under the store's lock.
     */
    interface Writes {
        Writes DIRECT = new Writes() {};

        /** Writes some of {@code src} at {@code position}; returns how many bytes it wrote, like the channel. */
        default int write(FileChannel channel, ByteBuffer src, long position) throws IOException {
            return channel.write(src, position);
        }

        default void force(FileChannel channel) throws IOException {
            channel.force(false);
        }
    }

    private final Path dir;
    private final Writes writes;
    private final Map<String, Command> live = new LinkedHashMap<>();
    private FileChannel channel;
    /** The end of the last whole record: where the next one goes, and where a failed write is cut back to. */
    private long end;
    /** A failed write left bytes past {@link #end} that could not be cut yet. */
    private boolean torn;

    private int deadRecords;

    private PendingCommandStore(Path dir, Writes writes) {
        this.dir = dir;
        this.writes = writes;
    }

    /** Opens (creating if needed) the store in {@code dir} and recovers its pending commands. */
    static PendingCommandStore open(Path dir) throws IOException {
        return open(dir, Writes.DIRECT);
    }

    static PendingCommandStore open(Path dir, Writes writes) throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(FILE + ".compact")); // a compaction that did not finish
        PendingCommandStore store = new PendingCommandStore(dir, writes);
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
        appendDurably(ADD, CommandRecordFormat.encode(command));
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
        appendDurably(DONE, body.toByteArray());
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

    /** Appends a record at {@link #end} and fsyncs it; on any failure cuts the file back first (see the class comment). */
    private void appendDurably(byte type, byte[] body) throws IOException {
        if (torn) {
            cutBack();
        }
        try {
            long written = write(channel, end, record(type, body));
            writes.force(channel);
            end += written;
        } catch (IOException | RuntimeException e) {
            torn = true;
            try {
                cutBack();
            } catch (IOException cut) {
                e.addSuppressed(cut);
            }
            throw e;
        }
    }

    private void cutBack() throws IOException {
        channel.truncate(end);
        writes.force(channel);
        torn = false;
    }

    private static ByteBuffer record(byte type, byte[] body) {
        ByteBuffer record = ByteBuffer.allocate(HEADER + 1 + body.length);
        CRC32C crc = new CRC32C();
        crc.update(type);
        crc.update(body);
        return record.putInt(1 + body.length)
                .putInt((int) crc.getValue())
                .put(type)
                .put(body)
                .flip();
    }

    /** Writes all of {@code record} at {@code position}; returns its length. */
    private long write(FileChannel target, long position, ByteBuffer record) throws IOException {
        long length = record.remaining();
        long at = position;
        while (record.hasRemaining()) {
            at += writes.write(target, record, at);
        }
        return length;
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
        end = position;
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

    /**
     * Rewrites the file with the live ADDs only. A failure is logged, not thrown: the DONE that triggered
     * it is durable already, and the old file stays in use; the next compaction is tried after as many
     * dead records again.
     */
    private void compact() {
        Path target = dir.resolve(FILE);
        Path temp = dir.resolve(FILE + ".compact");
        FileChannel compacted = null;
        try {
            Files.deleteIfExists(temp);
            compacted = FileChannel.open(
                    temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long size = 0;
            for (Command command : live.values()) {
                size += write(compacted, size, record(ADD, CommandRecordFormat.encode(command)));
            }
            writes.force(compacted);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // the channel follows the renamed file, so nothing has to be reopened
            FileChannel previous = channel;
            channel = compacted;
            compacted = null;
            end = size;
            torn = false;
            deadRecords = 0;
            closeQuietly(previous);
        } catch (IOException | RuntimeException e) {
            log.warn("pending command store {}: compaction failed, keeping the old file: {}", target, e.toString());
            deadRecords = 0; // try again after as many dead records
            closeQuietly(compacted);
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // open() removes it at the latest; the next compaction tries again first
            }
            return;
        }
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true); // makes the rename durable
        } catch (IOException e) {
            log.debug("directory fsync not supported here: {}", e.toString());
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing a pending store channel failed: {}", e.toString());
        }
    }
}
