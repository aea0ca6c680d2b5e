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
 * A lane's committed position, kept crash-safe as an append-only log of CRC'd entries.
 *
 * <pre>
 * committed.log: entries of 16 bytes, back to back
 *   0  4  magic "FBCM" (0x4642434D)
 *   4  8  committed sequence
 *   12 4  CRC32C of bytes 0..11
 * </pre>
 *
 * The position is the highest sequence among valid entries: commits only grow, so a torn or
 * damaged entry can only make the position fall back to an older one, which re-delivers records
 * (allowed) and never skips any. When the log grows past {@link #COMPACT_AT} entries it is
 * replaced by a one-entry log: write {@code committed.log.tmp}, fsync, rename over, fsync the
 * directory. A crash at any step leaves either the old or the new log.
 *
 * <h2>When a commit is durable (and why it needs no fsync of its own)</h2>
 *
 * <ul>
 *   <li>The writer thread appends an entry when the cursor commits ({@link #append}: page cache
 *       only) and never fsyncs this file on the append path. A background fsync
 *       ({@link BackgroundSyncer}) makes it durable: under {@code group} at most every
 *       {@link SpoolWriter#COMMIT_SYNC_MILLIS} ms, under {@code interval:<ms>} with the next
 *       segment sync; and always at close and at open (recovery forces it before it deletes
 *       anything).
 *   <li>Losing a commit that was not durable yet (crash, power cut) only moves the committed
 *       position back: the records after the last durable commit are delivered again, with the
 *       same sequences, so Kafka consumers drop them by {@code fog-seq}. Nothing acknowledged is
 *       lost, because of the next rule.
 *   <li>A segment is deleted only once a commit covering all of its records is durable
 *       ({@link #durablePosition}, or the positions a finished background fsync reports). So
 *       after any crash the durable commit on disk is at least what deletion relied on, and
 *       every record above it is still in a segment.
 * </ul>
 *
 * <p>Not thread-safe: the spool's writer thread owns it (the background fsync gets the channel
 * via {@link #channel()} after {@link #markSynced}).
 */
final class CommitLog implements AutoCloseable {
    static final String FILE = "committed.log";
    static final String TMP = FILE + ".tmp";
    static final int ENTRY = 16;
    static final int MAGIC = 0x4642434D;
    private static final int COMPACT_AT = 4096;

    private final Path dir;
    private FileChannel channel;
    private long size;
    private long position;
    /** The highest position this object itself made durable (open, {@link #force}, compaction). */
    private long durablePosition;

    private boolean dirty;
    private final ByteBuffer entry = ByteBuffer.allocate(ENTRY);

    private CommitLog(Path dir, FileChannel channel, long size, long position) {
        this.dir = dir;
        this.channel = channel;
        this.size = size;
        this.position = position;
    }

    private Path file() {
        return dir.resolve(FILE);
    }

    /** Opens (or creates) the log in {@code dir}; drops a leftover temp file of an interrupted compaction. */
    static CommitLog open(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(TMP));
        Path file = dir.resolve(FILE);
        long position = read(file);
        FileChannel ch =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = ch.size() - ch.size() % ENTRY;
        // a torn last entry is cut so that new entries stay aligned
        ch.truncate(size);
        return new CommitLog(dir, ch, size, position);
    }

    /** The committed sequence recorded in {@code file}, -1 when there is none or no valid entry. Read-only. */
    static long read(Path file) throws IOException {
        return highest(file, MAGIC);
    }

    /**
     * The highest value among the valid {@code magic} entries of {@code file}, -1 when there is
     * none (also used by {@link SequenceReservation}, whose entries have the same shape).
     */
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

    /** Counts entries that fail their CRC (for the inspector). */
    static int damagedEntries(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all);
        int bad = all.length % ENTRY == 0 ? 0 : 1;
        for (int off = 0; off + ENTRY <= all.length; off += ENTRY) {
            if (!valid(b, off, MAGIC)) {
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

    /** The highest sequence written (durable only after {@link #force}). */
    long position() {
        return position;
    }

    /** Appends an entry for {@code seq} if it raises the position; not durable until {@link #force}. */
    void append(long seq) throws IOException {
        if (seq <= position) {
            return;
        }
        if (size >= (long) COMPACT_AT * ENTRY) {
            compact(seq);
            return;
        }
        ByteBuffer b = encode(entry, MAGIC, seq);
        while (b.hasRemaining()) {
            size += channel.write(b, size);
        }
        position = seq;
        dirty = true;
    }

    boolean dirty() {
        return dirty;
    }

    /** The channel to fsync from another thread; {@link #markSynced} first, since the caller takes over. */
    FileChannel channel() {
        return channel;
    }

    /** The caller will fsync {@link #channel()} itself (the writer's background sync). */
    void markSynced() {
        dirty = false;
    }

    /** The background sync that took over after {@link #markSynced} failed: the next {@link #force} must fsync. */
    void markUnsynced() {
        dirty = true;
    }

    /**
     * fsyncs the log now if it has entries not synced yet (open and close; not on the append path).
     * Only while no background sync holds the channel: afterwards the whole position is durable.
     */
    void force() throws IOException {
        if (dirty) {
            Fsync.file(channel, file());
            dirty = false;
        }
        durablePosition = Math.max(durablePosition, position);
    }

    /**
     * The highest position made durable by {@link #force} or a compaction, which the writer
     * would otherwise not hear about; background fsyncs report theirs separately.
     */
    long durablePosition() {
        return durablePosition;
    }

    private void compact(long seq) throws IOException {
        Path tmp = dir.resolve(TMP);
        try (FileChannel t = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer b = encode(entry, MAGIC, seq);
            while (b.hasRemaining()) {
                t.write(b);
            }
            t.force(true);
        }
        channel.close();
        Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Fsync.directory(dir);
        channel = FileChannel.open(file(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        Fsync.file(channel, file()); // no data to sync: tells an observer what the new file holds
        size = ENTRY;
        position = seq;
        durablePosition = seq;
        dirty = false;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing buffered in the JVM; the OS has every written byte
        }
    }
}
