package io.fogbridge.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A lane's durable sequence high-water mark, so that no sequence is ever handed out twice, also
 * after a power cut under {@code interval:<ms>} that lost acknowledged records the forwarder may
 * already have sent to Kafka with their {@code fog-seq}.
 *
 * <pre>
 * reserved.log: entries of 16 bytes, back to back
 *   0  4  magic "FBRS" (0x46425253)
 *   4  8  limit: sequences below it may have been handed out, none at or above it
 *   12 4  CRC32C of bytes 0..11
 * </pre>
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li>Before the writer assigns a sequence at or above the limit it appends an entry raising the
 *       limit by {@link #BLOCK} ({@link #cover}), and it fsyncs the file ({@link #force}) before it
 *       publishes or acknowledges any record of that turn. So every sequence anyone saw is below a
 *       durable limit; the cost is one small write and fsync per {@link #BLOCK} sequences.
 *   <li>The limit is the highest valid entry. Limits only grow, so a torn entry (a crash while
 *       writing it) falls back to the one before, which was durable before any sequence above it
 *       was published. A torn last entry is cut at open, like the commit log's.
 *   <li>Recovery ({@link LaneLog#recover}) starts the lane at the larger of the limit and what
 *       the segments and commit log say, in a fresh segment, so after a crash up to {@link #BLOCK}
 *       sequences are skipped: a gap between segments (sequences increase, they are not dense).
 *   <li>A clean close replaces the file by one entry holding the next sequence (write {@code
 *       reserved.log.tmp}, fsync, rename over, fsync the directory), so a clean restart leaves
 *       no gap; so does compaction past {@link #COMPACT_AT} entries. A crash at any step leaves
 *       the old or the new file, both at or above every sequence handed out.
 *   <li>A spool written before this file existed has none: the limit is -1 and recovery falls
 *       back to the segments (and skips past a torn tail).
 * </ul>
 *
 * <p>Not thread-safe: the spool's writer thread owns it (recovery and close run before and after
 * that thread).
 */
final class SequenceReservation implements AutoCloseable {
    static final String FILE = "reserved.log";
    static final String TMP = FILE + ".tmp";
    static final int MAGIC = 0x46425253;
    /** Sequences reserved per entry: at 1 M appends/s on a lane, about 15 small fsyncs a second. */
    static final long BLOCK = 1 << 16;

    private static final int COMPACT_AT = 4096;

    private final Path dir;
    private final ByteBuffer entry = ByteBuffer.allocate(CommitLog.ENTRY);
    private FileChannel channel;
    private long size;
    private long limit;
    private boolean dirty;

    private SequenceReservation(Path dir, FileChannel channel, long size, long limit) {
        this.dir = dir;
        this.channel = channel;
        this.size = size;
        this.limit = limit;
    }

    /** Opens (or creates) the file in {@code dir}; drops a leftover temp file of an interrupted replace. */
    static SequenceReservation open(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(TMP));
        Path file = dir.resolve(FILE);
        long limit = read(file);
        FileChannel ch =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = ch.size() - ch.size() % CommitLog.ENTRY;
        ch.truncate(size); // a torn last entry is cut so that new entries stay aligned
        return new SequenceReservation(dir, ch, size, limit);
    }

    /** The limit recorded in {@code file}, -1 when there is none. Read-only. */
    static long read(Path file) throws IOException {
        return CommitLog.highest(file, MAGIC);
    }

    /** No sequence at or above this was handed out before (durable only after {@link #force}). */
    long limit() {
        return limit;
    }

    /** Makes sure {@code seq} lies below the limit, raising it by a block if not; durable after {@link #force}. */
    void cover(long seq) throws IOException {
        if (seq < limit) {
            return;
        }
        long next = seq + BLOCK;
        if (size >= (long) COMPACT_AT * CommitLog.ENTRY) {
            replace(next);
            return;
        }
        ByteBuffer b = CommitLog.encode(entry, MAGIC, next);
        while (b.hasRemaining()) {
            size += channel.write(b, size);
        }
        limit = next;
        dirty = true;
    }

    /** fsyncs a raised limit; a no-op on all but one turn in {@link #BLOCK} sequences. */
    void force() throws IOException {
        if (dirty) {
            Fsync.file(channel, dir.resolve(FILE));
            dirty = false;
        }
    }

    /**
     * Clean close: records {@code nextSeq} (the next sequence the lane would hand out) as the
     * limit, so that the next open continues without a gap. The file is replaced, not appended to,
     * because the limit may go down (unused reserved sequences are given back).
     */
    void closeAt(long nextSeq) throws IOException {
        replace(nextSeq);
        close();
    }

    private void replace(long newLimit) throws IOException {
        Path tmp = dir.resolve(TMP);
        try (FileChannel t = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer b = CommitLog.encode(entry, MAGIC, newLimit);
            while (b.hasRemaining()) {
                t.write(b);
            }
            t.force(true);
        }
        channel.close();
        Path file = dir.resolve(FILE);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Fsync.directory(dir);
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Fsync.file(channel, file); // no data to sync: tells an observer what the new file holds
        size = CommitLog.ENTRY;
        limit = newLimit;
        dirty = false;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing buffered in the JVM
        }
    }
}
