package io.fogbridge.command;

import io.fogbridge.api.Command;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UTFDataFormatException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
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
 *   body           ADD: the command's head, then its payload ({@link CommandRecordFormat});
 *                  DONE: the command id (writeUTF)
 * </pre>
 * A command is pending when its ADD has no later DONE. Both are forced to disk ({@code fsync}) before the
 * call returns: an ADD so the offset commit that follows never loses a command, a DONE so a restart does
 * not redeliver a command that was delivered (a crash between the delivery and the DONE still does:
 * at-least-once). Recovery reads from the start and stops at the end or at the first torn or corrupt
 * record (a crash mid-append), and truncates the file there. When DONE records and finished ADDs make up
 * most of the file, it is compacted: the live ADDs are copied byte for byte to {@code pending.log.compact},
 * forced, and atomically renamed over {@code pending.log}; the store keeps writing through the channel it
 * opened on the compacted file, so no reopen can fail after the rename. A compaction that fails leaves the old
 * file in use and removes its temp file, so the next one can run.
 *
 * <p><b>Memory.</b> Payloads stay in the file. In memory the store keeps one {@link PendingCommand} (the
 * command without its payload) and the position and length of its ADD record per pending command; {@link
 * #load} reads the payload back, checking the record's CRC again, when the command is handed to a device.
 * Recovery streams the file through a 64 KiB buffer and keeps only the heads, so a store holding gigabytes
 * opens in constant heap. {@link #bytes()} is the length of the live ADD records (payload plus about 100
 * bytes each), what {@code commands.maxPendingBytes} bounds; the file is at most about twice that before it
 * is compacted.
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
    static final int HEADER = 8;
    /** Largest type + body; a longer length field is read as corruption. */
    static final int MAX_RECORD = 64 * 1024 * 1024;
    /** Records up to this size are written with one call; larger payloads are written from their own array. */
    private static final int ONE_PIECE = 64 * 1024;

    private static final int COMPACT_MIN_DEAD = 256;
    private static final long COMPACT_MIN_DEAD_BYTES = 1024 * 1024;

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

    /** A pending command and where its ADD record is. */
    private record Slot(PendingCommand command, long position, int length) {}

    private final Path dir;
    private final Writes writes;
    private final Map<String, Slot> live = new LinkedHashMap<>();
    private FileChannel channel;
    /** The end of the last whole record: where the next one goes, and where a failed write is cut back to. */
    private long end;
    /** A failed write left bytes past {@link #end} that could not be cut yet. */
    private boolean torn;

    private long liveBytes;
    private int deadRecords;
    private long deadBytes;

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

    /** Bytes a command takes in the store: what {@link #bytes()} grows by when it is added. */
    static long sizeOf(Command command) {
        return HEADER + 1L + CommandRecordFormat.head(command).length + command.payload().length;
    }

    /** The pending commands, without payloads, in the order they were added. */
    synchronized List<PendingCommand> pending() {
        return live.values().stream().map(Slot::command).toList();
    }

    synchronized int size() {
        return live.size();
    }

    /** Bytes of the pending commands' records (see the class comment). */
    synchronized long bytes() {
        return liveBytes;
    }

    synchronized boolean contains(String id) {
        return live.containsKey(id);
    }

    /**
     * Adds a command durably; a command already pending is not added twice.
     *
     * @throws IOException              the file could not be written or forced; the command is not pending
     * @throws IllegalArgumentException the command is larger than a record may be ({@link #MAX_RECORD})
     */
    synchronized void add(Command command) throws IOException {
        if (live.containsKey(command.id())) {
            return;
        }
        byte[] head = CommandRecordFormat.head(command);
        byte[] payload = command.payload();
        long bodyLength = 1L + head.length + payload.length;
        if (bodyLength > MAX_RECORD) {
            throw new IllegalArgumentException(
                    "command " + command.id() + " takes " + bodyLength + " bytes, more than a store record may");
        }
        CRC32C crc = new CRC32C();
        crc.update(ADD);
        crc.update(head);
        crc.update(payload);
        boolean onePiece = bodyLength <= ONE_PIECE;
        ByteBuffer first = ByteBuffer.allocate(HEADER + 1 + head.length + (onePiece ? payload.length : 0))
                .putInt((int) bodyLength)
                .putInt((int) crc.getValue())
                .put(ADD)
                .put(head);
        if (onePiece) {
            first.put(payload);
        }
        long position = end;
        if (onePiece) {
            appendDurably(first.flip());
        } else {
            appendDurably(first.flip(), ByteBuffer.wrap(payload));
        }
        Slot slot = new Slot(PendingCommand.of(command), position, (int) (HEADER + bodyLength));
        live.put(command.id(), slot);
        liveBytes += slot.length();
    }

    /**
     * Reads a pending command with its payload back from the file.
     *
     * @return null if the command is not pending
     * @throws IOException the record cannot be read or no longer matches its CRC
     */
    synchronized Command load(String id) throws IOException {
        Slot slot = live.get(id);
        if (slot == null) {
            return null;
        }
        PendingCommand pending = slot.command();
        int prefixLength = slot.length() - pending.payloadLength();
        ByteBuffer prefix = ByteBuffer.allocate(prefixLength);
        byte[] payload = new byte[pending.payloadLength()];
        readFully(prefix, slot.position());
        readFully(ByteBuffer.wrap(payload), slot.position() + prefixLength);
        prefix.flip();
        int length = prefix.getInt();
        int expectedCrc = prefix.getInt();
        CRC32C crc = new CRC32C();
        crc.update(prefix.array(), HEADER, prefixLength - HEADER);
        crc.update(payload);
        if (length != slot.length() - HEADER || (int) crc.getValue() != expectedCrc || prefix.get() != ADD) {
            throw new IOException(
                    "pending command " + id + " is corrupt in " + dir.resolve(FILE) + " at byte " + slot.position());
        }
        return pending.withPayload(payload);
    }

    /** Marks a command finished, durably. Unknown ids (already done) are ignored. */
    synchronized void done(String id) throws IOException {
        Slot slot = live.remove(id);
        if (slot == null) {
            return;
        }
        liveBytes -= slot.length();
        byte[] body = doneBody(id);
        appendDurably(record(DONE, body));
        deadRecords += 2;
        deadBytes += slot.length() + HEADER + 1 + body.length;
        if ((deadRecords >= COMPACT_MIN_DEAD && deadRecords > 4 * live.size())
                || (deadBytes >= COMPACT_MIN_DEAD_BYTES && deadBytes > liveBytes)) {
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

    private static byte[] doneBody(String id) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(id.length() + 2);
        try (DataOutputStream out = new DataOutputStream(body)) {
            out.writeUTF(id);
        }
        return body.toByteArray();
    }

    /**
     * Appends a record (given in pieces) at {@link #end} and fsyncs it; on any failure cuts the file back first
     * (see the class comment).
     */
    private void appendDurably(ByteBuffer... pieces) throws IOException {
        if (torn) {
            cutBack();
        }
        try {
            long written = 0;
            for (ByteBuffer piece : pieces) {
                written += write(channel, end + written, piece);
            }
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

    private void readFully(ByteBuffer target, long position) throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int n = channel.read(target, at);
            if (n < 0) {
                throw new EOFException("pending command store " + dir.resolve(FILE) + " ends at byte " + at);
            }
            at += n;
        }
    }

    private void recover() throws IOException {
        Path file = dir.resolve(FILE);
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = channel.size();
        long position = 0;
        try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
            DataInputStream in =
                    new DataInputStream(new BufferedInputStream(Channels.newInputStream(reader), 64 * 1024));
            while (position + HEADER <= size) {
                int length = in.readInt();
                int expectedCrc = in.readInt();
                if (length < 1 || length > MAX_RECORD || position + HEADER + length > size) {
                    break;
                }
                if (!recoverRecord(new RecordBody(in, length), expectedCrc, position)) {
                    break;
                }
                position += HEADER + length;
            }
        }
        if (position < size) {
            log.warn(
                    "pending command store {}: dropping a torn or corrupt tail at byte {} of {}", file, position, size);
            channel.truncate(position);
            channel.force(true);
        }
        end = position;
        log.info("pending command store {}: {} commands pending, {} bytes", file, live.size(), liveBytes);
    }

    /** Applies one record read from {@code body}; false if it is corrupt (recovery stops there). */
    private boolean recoverRecord(RecordBody body, int expectedCrc, long position) throws IOException {
        DataInputStream in = new DataInputStream(body);
        try {
            byte type = in.readByte();
            if (type == ADD) {
                PendingCommand command = CommandRecordFormat.readHead(in);
                if (command.payloadLength() != body.remaining()) {
                    return false;
                }
                body.skipRest(); // through the CRC, never into the heap
                if (body.crc() != expectedCrc) {
                    return false;
                }
                Slot slot = new Slot(command, position, (int) (HEADER + body.length()));
                live.put(command.id(), slot);
                liveBytes += slot.length();
                return true;
            }
            if (type == DONE) {
                String id = in.readUTF();
                if (body.remaining() != 0 || body.crc() != expectedCrc) {
                    return false;
                }
                Slot slot = live.remove(id);
                if (slot != null) {
                    liveBytes -= slot.length();
                    deadBytes += slot.length();
                }
                deadRecords += 2;
                deadBytes += HEADER + body.length();
                return true;
            }
            return false;
        } catch (EOFException | UTFDataFormatException e) {
            return false; // a field runs past its record, or garbage where a string was
        }
    }

    /** One record's type and body in a stream: never reads past them, and checksums what it reads. */
    private static final class RecordBody extends InputStream {
        private final InputStream in;
        private final long length;
        private long remaining;
        private final CRC32C crc = new CRC32C();
        private final byte[] one = new byte[1];

        RecordBody(InputStream in, long length) {
            this.in = in;
            this.length = length;
            this.remaining = length;
        }

        long length() {
            return length;
        }

        long remaining() {
            return remaining;
        }

        int crc() {
            return (int) crc.getValue();
        }

        @Override
        public int read() throws IOException {
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int count) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(target, offset, (int) Math.min(count, remaining));
            if (n < 0) {
                throw new EOFException("the file ended inside a record");
            }
            crc.update(target, offset, n);
            remaining -= n;
            return n;
        }

        void skipRest() throws IOException {
            byte[] chunk = new byte[8192];
            while (remaining > 0) {
                read(chunk, 0, chunk.length);
            }
        }
    }

    /**
     * Copies the live ADD records byte for byte into a new file (no payload passes through the heap beyond the
     * copy buffer). A failure is logged, not thrown: the DONE that triggered it is durable already, and the old
     * file stays in use; the next compaction is tried after as many dead records again.
     */
    private void compact() {
        Path target = dir.resolve(FILE);
        Path temp = dir.resolve(FILE + ".compact");
        FileChannel compacted = null;
        try {
            Files.deleteIfExists(temp);
            compacted = FileChannel.open(
                    temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Map<String, Slot> moved = new LinkedHashMap<>();
            long size = 0;
            for (Slot slot : live.values()) {
                copy(slot, compacted, size);
                moved.put(slot.command().id(), new Slot(slot.command(), size, slot.length()));
                size += slot.length();
            }
            writes.force(compacted);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // the channel follows the renamed file, so nothing has to be reopened
            FileChannel previous = channel;
            channel = compacted;
            compacted = null;
            live.clear();
            live.putAll(moved);
            end = size;
            torn = false;
            deadRecords = 0;
            deadBytes = 0;
            closeQuietly(previous);
        } catch (IOException | RuntimeException e) {
            log.warn("pending command store {}: compaction failed, keeping the old file: {}", target, e.toString());
            deadRecords = 0; // try again after as many dead records
            deadBytes = 0;
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

    private void copy(Slot slot, FileChannel target, long at) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(slot.length(), 64 * 1024));
        long done = 0;
        while (done < slot.length()) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), slot.length() - done));
            readFully(chunk, slot.position() + done);
            chunk.flip();
            done += write(target, at + done, chunk);
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
