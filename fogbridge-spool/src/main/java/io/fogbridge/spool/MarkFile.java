package io.fogbridge.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A small crash-safe file holding one value that only grows: the lane's committed position
 * ({@link CommitLog}) and its sequence reservation ({@link SequenceReservation}) are both one.
 *
 * <pre>
 * &lt;name&gt;: entries of 16 bytes, back to back
 *   0  4  magic (one per file kind)
 *   4  8  value
 *   12 4  CRC32C of bytes 0..11
 * </pre>
 *
 * The value is the highest among valid entries. Values only grow, so a torn or damaged entry can
 * only make it fall back to an older one; each owner says why that is safe for it. A torn last
 * entry is cut at open so that new entries stay aligned. {@link #replace} rewrites the file as one
 * entry: write {@code <name>.tmp}, fsync, rename over, fsync the directory; a crash at any step
 * leaves the old or the new file, and {@link #open} drops a leftover temp file.
 *
 * <p>Writes reach the page cache only; durability is the owner's call ({@link #force}, or an fsync
 * of {@link #channel()} on another thread). Not thread-safe: the spool's writer thread owns it.
 */
final class MarkFile implements AutoCloseable {
    static final int ENTRY = 16;
    /** Past this many entries the owner replaces the file by one entry. */
    private static final int COMPACT_AT = 4096;

    private final Path dir;
    private final String name;
    private final int magic;
    private final ByteBuffer entry = ByteBuffer.allocate(ENTRY);
    private FileChannel channel;
    private long size;

    private MarkFile(Path dir, String name, int magic, FileChannel channel, long size) {
        this.dir = dir;
        this.name = name;
        this.magic = magic;
        this.channel = channel;
        this.size = size;
    }

    /** Opens (or creates) {@code dir/name}; drops a leftover temp file of an interrupted replace. */
    static MarkFile open(Path dir, String name, int magic) throws IOException {
        Files.deleteIfExists(dir.resolve(name + ".tmp"));
        FileChannel ch = FileChannel.open(
                dir.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = ch.size() - ch.size() % ENTRY;
        ch.truncate(size);
        return new MarkFile(dir, name, magic, ch, size);
    }

    /** The highest value among the valid {@code magic} entries of {@code file}, -1 when there is none. Read-only. */
    static long highest(Path file, int magic) throws IOException {
        if (!Files.exists(file)) {
            return -1;
        }
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all);
        long best = -1;
        for (int off = 0; off + ENTRY <= all.length; off += ENTRY) {
            if (valid(b, off, magic)) {
                best = Math.max(best, b.getLong(off + 4));
            }
        }
        return best;
    }

    /** Counts entries that fail their magic or CRC, a torn tail included (for the inspector). */
    static int damagedEntries(Path file, int magic) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all);
        int bad = all.length % ENTRY == 0 ? 0 : 1;
        for (int off = 0; off + ENTRY <= all.length; off += ENTRY) {
            if (!valid(b, off, magic)) {
                bad++;
            }
        }
        return bad;
    }

    private static boolean valid(ByteBuffer b, int off, int magic) {
        if (b.getInt(off) != magic) {
            return false;
        }
        CRC32C crc = new CRC32C();
        crc.update(b.slice(off, 12));
        return (int) crc.getValue() == b.getInt(off + 12);
    }

    /** Fills {@code b} (16 bytes) with a {@code magic} entry for {@code value}, ready to write. */
    static ByteBuffer encode(ByteBuffer b, int magic, long value) {
        b.clear().putInt(magic).putLong(value);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 12);
        return b.putInt((int) crc.getValue()).flip();
    }

    Path file() {
        return dir.resolve(name);
    }

    /** Whether the owner should {@link #replace} instead of appending. */
    boolean full() {
        return size >= (long) COMPACT_AT * ENTRY;
    }

    /** Appends an entry (page cache only). */
    void append(long value) throws IOException {
        ByteBuffer b = encode(entry, magic, value);
        while (b.hasRemaining()) {
            size += channel.write(b, size);
        }
    }

    /**
     * Replaces the file by one entry for {@code value}; durable when this returns. The new file is written
     * through the channel that then stays in use: a channel follows its file across the rename, so nothing
     * is reopened, and a failed write or rename leaves the old file and its channel as they were (the
     * temp file is removed) instead of a closed channel that would fail every later append.
     */
    void replace(long value) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        FileChannel next = FileChannel.open(
                tmp,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            ByteBuffer b = encode(entry, magic, value);
            long at = 0;
            while (b.hasRemaining()) {
                at += next.write(b, at);
            }
            next.force(true);
            Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            closeQuietly(next);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup); // open() drops it at the latest
            }
            throw e;
        }
        FileChannel previous = channel;
        channel = next;
        size = ENTRY;
        closeQuietly(previous);
        Fsync.directory(dir);
        Fsync.file(channel, file()); // no data to sync: tells an observer what the new file holds
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing buffered in the JVM; the OS has every written byte
        }
    }

    /** fsyncs what was appended. */
    void force() throws IOException {
        Fsync.file(channel, file());
    }

    /** The channel, for an fsync on another thread. */
    FileChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }
}
