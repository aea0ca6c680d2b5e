package io.fogbridge.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A lane's committed position, kept crash-safe as an append-only log of CRC'd entries.
 *
 * <p>{@code committed.log} is a {@link MarkFile} (16-byte CRC'd entries, magic "FBCM" 0x4642434D,
 * value = committed sequence; compacted by replace). The position is the highest sequence among
 * valid entries: a torn or damaged entry can only make it fall back to an older one, which
 * re-delivers records (allowed) and never skips any.
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
 * <p>A read-only spool ({@link #readOnly}) has no file to write: its commits are kept in memory only, and a
 * restart delivers those records again.
 *
 * <p>Not thread-safe: the spool's writer thread owns it (the background fsync gets the channel
 * via {@link #channel()} after {@link #markSynced}).
 */
final class CommitLog implements AutoCloseable {
    static final String FILE = "committed.log";
    static final int MAGIC = 0x4642434D;

    /** Null when read-only. */
    private final MarkFile file;

    private long position;
    /** The highest position this object itself made durable (open, {@link #force}, compaction). */
    private long durablePosition;

    private boolean dirty;

    private CommitLog(MarkFile file, long position) {
        this.file = file;
        this.position = position;
    }

    /** Opens (or creates) the log in {@code dir}; drops a leftover temp file of an interrupted compaction. */
    static CommitLog open(Path dir) throws IOException {
        MarkFile file = MarkFile.open(dir, FILE, MAGIC);
        return new CommitLog(file, read(file.file()));
    }

    /** The position recorded in {@code dir}, for a spool that cannot write there: commits stay in memory. */
    static CommitLog readOnly(Path dir) throws IOException {
        return new CommitLog(null, read(dir.resolve(FILE)));
    }

    /** The committed sequence recorded in {@code file}, -1 when there is none or no valid entry. Read-only. */
    static long read(Path file) throws IOException {
        return MarkFile.highest(file, MAGIC);
    }

    /** Counts entries that fail their CRC (for the inspector). */
    static int damagedEntries(Path file) throws IOException {
        return MarkFile.damagedEntries(file, MAGIC);
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
        if (file == null) {
            position = seq;
            return;
        }
        if (file.full()) {
            file.replace(seq);
            position = seq;
            durablePosition = seq;
            dirty = false;
            return;
        }
        file.append(seq);
        position = seq;
        dirty = true;
    }

    boolean dirty() {
        return dirty;
    }

    /** The channel to fsync from another thread; {@link #markSynced} first, since the caller takes over. */
    FileChannel channel() {
        return file == null ? null : file.channel();
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
        if (dirty && file != null) {
            file.force();
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

    @Override
    public void close() {
        if (file != null) {
            file.close();
        }
    }
}
