package io.fogbridge.spool;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A lane's durable sequence high-water mark, so that no sequence is ever handed out twice, also
 * after a power cut under {@code interval:<ms>} that lost acknowledged records the forwarder may
 * already have sent to Kafka with their {@code fog-seq}.
 *
 * <p>{@code reserved.log} is a {@link MarkFile} (16-byte CRC'd entries, magic "FBRS" 0x46425253),
 * value = the limit: sequences below it may have been handed out, none at or above it.
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
 *       no gap; so does compaction when the file is {@link MarkFile#full}. A crash at any step leaves
 *       the old or the new file, both at or above every sequence handed out.
 *   <li>A spool written before this file existed has none: the limit is -1 and recovery falls
 *       back to the segments (and skips past a torn tail).
 * </ul>
 *
 * <p>A read-only spool ({@link #readOnly}) hands out no sequences: the limit is only read, and never written.
 *
 * <p>Not thread-safe: the spool's writer thread owns it (recovery and close run before and after
 * that thread).
 */
final class SequenceReservation implements AutoCloseable {
    static final String FILE = "reserved.log";
    static final int MAGIC = 0x46425253;
    /** Sequences reserved per entry: at 1 M appends/s on a lane, about 15 small fsyncs a second. */
    static final long BLOCK = 1 << 16;

    /** Null when read-only. */
    private final MarkFile file;

    private long limit;
    private boolean dirty;

    private SequenceReservation(MarkFile file, long limit) {
        this.file = file;
        this.limit = limit;
    }

    /** Opens (or creates) the file in {@code dir}; drops a leftover temp file of an interrupted replace. */
    static SequenceReservation open(Path dir) throws IOException {
        MarkFile file = MarkFile.open(dir, FILE, MAGIC);
        return new SequenceReservation(file, read(file.file()));
    }

    /** The limit recorded in {@code dir}, for a spool that cannot write there (and appends nothing). */
    static SequenceReservation readOnly(Path dir) throws IOException {
        return new SequenceReservation(null, read(dir.resolve(FILE)));
    }

    /** The limit recorded in {@code file}, -1 when there is none. Read-only. */
    static long read(Path file) throws IOException {
        return MarkFile.highest(file, MAGIC);
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
        if (file == null) {
            throw new IOException("spool: data dir is read-only");
        }
        long next = seq + BLOCK;
        if (file.full()) {
            replace(next);
            return;
        }
        file.append(next);
        limit = next;
        dirty = true;
    }

    /** fsyncs a raised limit; a no-op on all but one turn in {@link #BLOCK} sequences. */
    void force() throws IOException {
        if (dirty) {
            file.force();
            dirty = false;
        }
    }

    /**
     * Clean close: records {@code nextSeq} (the next sequence the lane would hand out) as the
     * limit, so that the next open continues without a gap. The file is replaced, not appended to,
     * because the limit may go down (unused reserved sequences are given back).
     */
    void closeAt(long nextSeq) throws IOException {
        if (file == null) {
            return;
        }
        replace(nextSeq);
        close();
    }

    private void replace(long newLimit) throws IOException {
        file.replace(newLimit);
        limit = newLimit;
        dirty = false;
    }

    @Override
    public void close() {
        if (file != null) {
            file.close();
        }
    }
}
