package io.fogbridge.spool;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Walks the records of a segment with large positional reads (one read per buffer, not per
 * record), and finds the next valid record after damage. Used by recovery, the cursor and the
 * inspector. Not thread-safe: one scanner per reader.
 *
 * <p><b>Buffer size.</b> Recovery and the inspector read whole segments: their buffer has one size.
 * The cursor's buffer adapts (see {@link #SegmentScanner(int, int)}): it lives as long as the
 * gateway, and a forwarder that keeps up reads a few kilobytes at a time, so a megabyte per lane
 * held for a backlog that is not there was heap the edge JVM paid for nothing.
 */
final class SegmentScanner {

    /** Receives each valid record; {@code buf} holds it at {@code off}. Return false to stop after it. */
    interface Visitor {
        boolean record(ByteBuffer buf, int off, int length, long position);
    }

    /**
     * How a scan ended.
     *
     * @param end         position after the last record consumed (or after skipped damage)
     * @param tailStart   start of invalid bytes that run to the limit with no valid record after them, or -1
     * @param tailDamaged complete-looking (so damaged, not torn) records in the tail, estimated by
     *     walking record lengths and markers
     * @param tailTorn    the tail ends in an incomplete record or in bytes without a record marker:
     *     what a crash in the middle of {@code write()} leaves
     */
    record Result(long end, long tailStart, int tailDamaged, boolean tailTorn) {
        static Result clean(long end) {
            return new Result(end, -1, 0, false);
        }
    }

    /** Receives damaged ranges [from, to) that have valid records after them. */
    interface DamageListener {
        void damaged(long from, long to);
    }

    /**
     * Refills in a row that would have fit the initial buffer before a grown one goes back to it:
     * at the forwarder's pace (a read every few milliseconds) well under a second of keeping up.
     */
    static final int SHRINK_AFTER_SMALL_READS = 64;

    private ByteBuffer buf;
    private long bufPos;
    private int bufLen;
    private SegmentFile file;
    private long limit;
    private final int initialCapacity;
    private final int maxCapacity;
    private int smallReads;

    /** A buffer of one size (it still grows for a record longer than it). */
    SegmentScanner(int capacity) {
        this(capacity, capacity);
    }

    /**
     * A buffer that starts at {@code initialCapacity} and doubles, up to {@code maxCapacity}, on
     * each refill that has more bytes to read than fit (a backlog: a drain reads in the largest
     * reads at once after a few doublings); after {@value #SHRINK_AFTER_SMALL_READS} refills in a
     * row that the initial size would have held, it goes back to that size.
     */
    SegmentScanner(int initialCapacity, int maxCapacity) {
        if (initialCapacity <= 0 || maxCapacity < initialCapacity) {
            throw new IllegalArgumentException(
                    "capacities " + initialCapacity + ".." + maxCapacity + " are not a range");
        }
        this.initialCapacity = initialCapacity;
        this.maxCapacity = maxCapacity;
        this.buf = ByteBuffer.allocate(initialCapacity);
    }

    /** The buffer's size now. */
    int capacity() {
        return buf.capacity();
    }

    /**
     * Scans {@code file} from {@code from} up to {@code limit}, visiting records with a sequence
     * above {@code lastSeq}.
     */
    Result scan(SegmentFile file, long from, long limit, long lastSeq, Visitor visitor, DamageListener damage)
            throws IOException {
        if (this.file != file) {
            bufLen = 0;
        }
        this.file = file;
        this.limit = limit;
        long p = from;
        while (p < limit) {
            int avail = ensure(p, RecordFormat.PREFIX);
            int off = (int) (p - bufPos);
            int r = RecordFormat.check(buf, off, avail);
            if (r == RecordFormat.INCOMPLETE) {
                if (p + avail >= limit) {
                    // a torn write, unless a damaged length only claims to run past the end
                    long next = resync(p + 1, lastSeq);
                    if (next < 0) {
                        return new Result(p, p, 0, true);
                    }
                    damage.damaged(p, next);
                    p = next;
                    continue;
                }
                int need = avail >= RecordFormat.PREFIX
                        ? RecordFormat.PREFIX + buf.getInt(off + RecordFormat.LENGTH_OFFSET)
                        : RecordFormat.PREFIX;
                ensure(p, need);
                continue;
            }
            if (r > 0) {
                long seq = RecordFormat.sequence(buf, off);
                if (seq > lastSeq) {
                    lastSeq = seq;
                    boolean more = visitor.record(buf, off, r, p);
                    p += r;
                    if (!more) {
                        return Result.clean(p);
                    }
                    continue;
                }
            }
            long next = resync(p + 1, lastSeq);
            if (next < 0) {
                return walkTail(p);
            }
            damage.damaged(p, next);
            p = next;
        }
        return Result.clean(p);
    }

    /**
     * Estimates what an invalid tail held: follows record lengths from {@code from}; a stretch
     * without a plausible header up to the next marker counts as one damaged record.
     */
    private Result walkTail(long from) throws IOException {
        int damaged = 0;
        long q = from;
        while (q < limit) {
            if (plausibleHeaderAt(q)) {
                int off = (int) (q - bufPos);
                long end = q + RecordFormat.PREFIX + buf.getInt(off + RecordFormat.LENGTH_OFFSET);
                if (end > limit) {
                    return new Result(from, from, damaged, true);
                }
                damaged++;
                q = end;
                continue;
            }
            long next = q + 1;
            while (next < limit && !plausibleHeaderAt(next)) {
                next++;
            }
            if (next >= limit) {
                return new Result(from, from, damaged, true);
            }
            damaged++;
            q = next;
        }
        return new Result(from, from, damaged, false);
    }

    private boolean plausibleHeaderAt(long q) throws IOException {
        int avail = ensure(q, RecordFormat.PREFIX);
        if (avail < RecordFormat.PREFIX) {
            return false;
        }
        int off = (int) (q - bufPos);
        int body = buf.getInt(off + RecordFormat.LENGTH_OFFSET);
        return buf.getShort(off) == RecordFormat.MARKER
                && body >= RecordFormat.MIN_BODY
                && body <= RecordFormat.MAX_BODY;
    }

    /** The position of the next valid record after {@code from} with a sequence above {@code lastSeq}, or -1. */
    private long resync(long from, long lastSeq) throws IOException {
        for (long q = from; q + RecordFormat.PREFIX <= limit; q++) {
            int avail = ensure(q, RecordFormat.PREFIX);
            int off = (int) (q - bufPos);
            if (buf.getShort(off) != RecordFormat.MARKER) {
                continue;
            }
            int body = buf.getInt(off + RecordFormat.LENGTH_OFFSET);
            if (body < RecordFormat.MIN_BODY
                    || body > RecordFormat.MAX_BODY
                    || q + RecordFormat.PREFIX + body > limit) {
                continue;
            }
            avail = ensure(q, RecordFormat.PREFIX + body);
            off = (int) (q - bufPos);
            if (RecordFormat.check(buf, off, avail) > 0 && RecordFormat.sequence(buf, off) > lastSeq) {
                return q;
            }
        }
        return -1;
    }

    /**
     * Makes at least {@code n} bytes at {@code p} available in the buffer (fewer at the limit).
     *
     * @return the bytes available at {@code p}, never past the limit
     */
    private int ensure(long p, int n) throws IOException {
        long want = Math.min(n, limit - p);
        if (p < bufPos || p + want > bufPos + bufLen) {
            // Nothing buffered until the read succeeds: a read that throws (EIO) leaves a buffer that was
            // replaced or partly overwritten, and the next scan of this file must not take it for the old bytes.
            bufLen = 0;
            resize(n, limit - p);
            buf.clear();
            int max = (int) Math.min(buf.capacity(), limit - p);
            buf.limit(max);
            while (buf.hasRemaining()) {
                int r = file.read(buf, p + buf.position());
                if (r < 0) {
                    break;
                }
            }
            bufPos = p;
            bufLen = buf.position();
            buf.clear();
            if (bufLen < max) {
                // the file is shorter than the limit said (truncated under us): the scan ends there
                limit = p + bufLen;
            }
        }
        return (int) Math.min(bufPos + bufLen - p, limit - p);
    }

    /**
     * Sizes the buffer for a refill at a position with {@code waiting} bytes up to the limit, of
     * which at least {@code n} are needed. The old contents are not kept: the refill replaces them.
     */
    private void resize(int n, long waiting) {
        int capacity = buf.capacity();
        int size = capacity;
        if (capacity < n) {
            size = Math.max(n, capacity * 2); // one record longer than the buffer
        } else if (waiting > capacity && capacity < maxCapacity) {
            size = (int) Math.min(maxCapacity, capacity * 2L);
        }
        if (waiting <= initialCapacity && n <= initialCapacity && capacity > initialCapacity) {
            if (++smallReads >= SHRINK_AFTER_SMALL_READS) {
                size = initialCapacity;
            }
        } else {
            smallReads = 0;
        }
        if (size != capacity) {
            buf = ByteBuffer.allocate(size);
            smallReads = 0;
        }
    }
}
