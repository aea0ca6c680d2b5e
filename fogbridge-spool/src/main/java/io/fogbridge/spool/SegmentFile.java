package io.fogbridge.spool;

import io.fogbridge.api.Lane;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One segment of a lane's log: a file named after the sequence of its first record.
 *
 * <h2>On-disk layout (all integers big-endian)</h2>
 *
 * <pre>
 * &lt;spool dir&gt;/
 *   fogbridge-spool          marker file, "fogbridge-spool 1"
 *   priority/ bulk/          one log per {@link Lane}, each with its own sequence numbers
 *     00000000000000000000.seg   segments, named by base sequence, 20 digits, zero-padded
 *     committed.log              the lane's commit log, see {@link CommitLog}
 *     reserved.log               the lane's sequence high-water mark, see {@link SequenceReservation}
 *
 * segment file
 *   offset size  field
 *   0      4     magic "FBSG" (0x46425347)
 *   4      1     format version (1)
 *   5      1     lane ordinal (0 priority, 1 bulk)
 *   6      2     reserved (0)
 *   8      8     base sequence (the same as the file name)
 *   16    ...    records, back to back, sequences strictly increasing from the base
 *
 * record (a record never spans segments)
 *   0      2     marker 0xFB5A (lets recovery find the next record after damage)
 *   2      4     body length B (bytes from offset 10 to the end of the record)
 *   6      4     CRC32C of the B body bytes
 *   10     8     sequence
 *   18     8     arrival time, ms since epoch (set by the spool's clock)
 *   26     8     creation time, ms since epoch (Envelope.creationTime)
 *   34     1     QoS (MQTT level 0/1)
 *   35     1     lane ordinal
 *   36     2     topic length T, then T bytes UTF-8
 *   .      4     key length K (-1 = no key), then K bytes UTF-8
 *   .      2     header count H, then H times: 2 name length N, N bytes UTF-8, 4 value length V, V bytes UTF-8
 *   .      4     payload length P, then the P payload bytes unchanged
 * </pre>
 *
 * A record is valid when its marker, length and CRC agree and its sequence is above the one
 * before it. Bytes after the last valid record of the newest segment are a torn write and are
 * truncated at recovery; an invalid stretch with valid records after it is damage, skipped.
 *
 * <p><b>Threads.</b> Not thread-safe by itself. The spool's writer thread alone writes, rolls and
 * deletes; {@link #visibleSize}, {@link #sealed} and {@link #deleted} publish its progress to the
 * cursor, which reads with positional reads (safe alongside writes). Record metadata (counts,
 * first/last sequence, index) is guarded by the spool's state lock.
 */
final class SegmentFile {
    static final int HEADER = 16;
    static final int MAGIC = 0x46425347;
    static final byte VERSION = 1;
    static final String SUFFIX = ".seg";
    /** One sparse-index entry per this many records: enough to seek and to tell the oldest age. */
    private static final int INDEX_EVERY = 64;

    final Path path;
    final Lane lane;
    final long base;
    private final FileChannel channel;
    private final SpoolDisk disk;

    /** Bytes written so far (writer thread only); the next record goes here. */
    long size;
    /**
     * Bytes of a failed turn still in the file past {@link #size}, because cutting them failed:
     * cut before the next write, so that no record lands behind them and recovery never reads them.
     */
    private long staleBytes;
    /** Bytes the cursor may read: records up to here are as durable as the policy promises. */
    volatile long visibleSize;
    /** No more records will be added and {@link #visibleSize} is final. */
    volatile boolean sealed;

    volatile boolean deleted;
    /** The header did not validate at recovery (records are still scanned and used). */
    boolean headerDamaged;

    long firstSeq = -1;
    long lastSeq = -1;
    long count;
    long firstArrival = -1;
    long lastArrival = -1;
    /** Byte ranges [from, to) recovery found damaged. */
    final List<long[]> damaged = new ArrayList<>();

    /** {@link #count} and the rest as of the last publish, restored when a failed turn's records are taken back. */
    private long pubCount;

    private long pubFirstSeq = -1;
    private long pubLastSeq = -1;
    private long pubFirstArrival = -1;
    private long pubLastArrival = -1;
    private int pubIdxLen;

    private long[] idxSeq = new long[16];
    private long[] idxPos = new long[16];
    private long[] idxArrival = new long[16];
    private int idxLen;

    private SegmentFile(Path path, Lane lane, long base, FileChannel channel, SpoolDisk disk) {
        this.path = path;
        this.lane = lane;
        this.base = base;
        this.channel = channel;
        this.disk = disk;
    }

    static String fileName(long base) {
        return String.format("%020d%s", base, SUFFIX);
    }

    /** The base sequence a file name stands for, or -1 when it is not a segment name. */
    static long baseOf(Path file) {
        String n = file.getFileName().toString();
        if (!n.endsWith(SUFFIX) || n.length() != 20 + SUFFIX.length()) {
            return -1;
        }
        try {
            return Long.parseLong(n.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Creates a new, empty segment (header written, not yet fsynced). */
    static SegmentFile create(Path dir, Lane lane, long base) throws IOException {
        return create(SpoolDisk.PLAIN, dir, lane, base);
    }

    /** Creates a new, empty segment (header written through {@code disk}, not yet fsynced). */
    static SegmentFile create(SpoolDisk disk, Path dir, Lane lane, long base) throws IOException {
        Path p = dir.resolve(fileName(base));
        FileChannel ch = FileChannel.open(
                p,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        SegmentFile s = new SegmentFile(p, lane, base, ch, disk);
        try {
            ByteBuffer h = header(lane, base);
            while (h.hasRemaining()) {
                disk.write(ch, p, h, h.position());
            }
        } catch (IOException | RuntimeException e) {
            // a full disk fails here on every retry: leave neither an open channel nor an empty file behind
            try {
                disk.delete(p);
            } catch (IOException again) {
                e.addSuppressed(again);
                try {
                    disk.truncate(ch, p, 0); // at least hold no bytes: recovery treats it as a crash while creating
                } catch (IOException third) {
                    e.addSuppressed(third);
                }
            } finally {
                s.close();
            }
            throw e;
        }
        s.size = HEADER;
        s.visibleSize = HEADER;
        return s;
    }

    /** Opens an existing segment; {@code writable} false for the read-only inspector. */
    static SegmentFile open(Path file, Lane lane, boolean writable) throws IOException {
        return open(SpoolDisk.PLAIN, file, lane, writable);
    }

    /** Opens an existing segment whose later writes go through {@code disk}. */
    static SegmentFile open(SpoolDisk disk, Path file, Lane lane, boolean writable) throws IOException {
        FileChannel ch = writable
                ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.READ);
        long base = baseOf(file);
        SegmentFile s = new SegmentFile(file, lane, base, ch, disk);
        s.size = ch.size();
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        while (h.hasRemaining() && ch.read(h, h.position()) > 0) {}
        s.headerDamaged = h.hasRemaining() || !h.flip().equals(header(lane, base));
        return s;
    }

    static ByteBuffer header(Lane lane, long base) {
        return ByteBuffer.allocate(HEADER)
                .putInt(MAGIC)
                .put(VERSION)
                .put((byte) lane.ordinal())
                .putShort((short) 0)
                .putLong(base)
                .flip();
    }

    /** Rewrites the header in place (recovery of a file whose header never reached the disk). */
    void rewriteHeader() throws IOException {
        ByteBuffer h = header(lane, base);
        while (h.hasRemaining()) {
            disk.write(channel, path, h, h.position());
        }
        headerDamaged = false;
    }

    FileChannel channel() {
        return channel;
    }

    /** Appends the buffer's remaining bytes at {@link #size}. */
    void write(ByteBuffer src) throws IOException {
        if (staleBytes > 0) {
            cutStaleTail();
        }
        while (src.hasRemaining()) {
            size += disk.write(channel, path, src, size);
        }
    }

    void force() throws IOException {
        disk.force(channel, path);
    }

    int read(ByteBuffer dst, long position) throws IOException {
        return disk.read(channel, path, dst, position);
    }

    void truncate(long newSize) throws IOException {
        disk.truncate(channel, path, newSize);
        size = newSize;
        visibleSize = newSize;
    }

    /** Records one more record's metadata; called in sequence order. */
    void noteRecord(long seq, long position, long arrival) {
        if (count % INDEX_EVERY == 0) {
            if (idxLen == idxSeq.length) {
                idxSeq = Arrays.copyOf(idxSeq, idxLen * 2);
                idxPos = Arrays.copyOf(idxPos, idxLen * 2);
                idxArrival = Arrays.copyOf(idxArrival, idxLen * 2);
            }
            idxSeq[idxLen] = seq;
            idxPos[idxLen] = position;
            idxArrival[idxLen] = arrival;
            idxLen++;
        }
        if (firstSeq < 0) {
            firstSeq = seq;
            firstArrival = arrival;
        }
        lastSeq = seq;
        lastArrival = arrival;
        count++;
    }

    /** What was written so far is published: the cursor may read it, and a failure never takes it back. */
    void markPublished() {
        visibleSize = size;
        pubCount = count;
        pubFirstSeq = firstSeq;
        pubLastSeq = lastSeq;
        pubFirstArrival = firstArrival;
        pubLastArrival = lastArrival;
        pubIdxLen = idxLen;
    }

    /**
     * Forgets the records written since the last publish (a failed turn) and cuts their bytes from
     * the file, so that a restart does not deliver them; the next write goes where they began. If
     * the cut fails too, it is tried again before the next write (which fails while it does).
     */
    void rollback() {
        long written = size;
        try {
            written = Math.max(size, channel.size()); // a short write may have left more than we counted
        } catch (IOException e) {
            // keep what we counted; the cut below decides
        }
        staleBytes = Math.max(0, written - visibleSize);
        size = visibleSize;
        count = pubCount;
        firstSeq = pubFirstSeq;
        lastSeq = pubLastSeq;
        firstArrival = pubFirstArrival;
        lastArrival = pubLastArrival;
        idxLen = pubIdxLen;
    }

    private void cutStaleTail() throws IOException {
        disk.truncate(channel, path, size);
        staleBytes = 0;
    }

    /** Tries to cut a failed turn's bytes now; false if they stay until the next write tries again. */
    boolean tryCutStaleTail() {
        if (staleBytes == 0) {
            return true;
        }
        try {
            cutStaleTail();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Recovery left bytes after the last valid record of a sealed segment in the file (damage): count them. */
    void noteUnreadTail(long fileSize) {
        staleBytes = Math.max(0, fileSize - size);
    }

    /** Bytes this segment occupies in its file, the stale tail of a failed turn included. */
    long fileBytes() {
        return size + staleBytes;
    }

    /** The sequence the next record of this segment gets: after its last, or its base when empty. */
    long nextSequence() {
        return count > 0 ? lastSeq + 1 : base;
    }

    /** The index entry at or before {@code seq}: {position, sequence, arrival}; the header end if none. */
    long[] floor(long seq) {
        int i = Arrays.binarySearch(idxSeq, 0, idxLen, seq);
        if (i < 0) {
            i = -i - 2;
        }
        return i < 0 ? new long[] {HEADER, base, firstArrival} : new long[] {idxPos[i], idxSeq[i], idxArrival[i]};
    }

    /** Records in this segment above {@code floorSeq}; sequences are contiguous except for counted damage. */
    long countAbove(long floorSeq) {
        if (count == 0 || lastSeq <= floorSeq) {
            return 0;
        }
        if (firstSeq > floorSeq) {
            return count;
        }
        return lastSeq - floorSeq;
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a read/write channel after a successful force cannot lose data
        }
    }

    /**
     * Removes the file, then closes it. The caller made sure nothing it holds is still needed. When
     * the removal fails nothing changed: the segment stays usable and the caller may try again.
     */
    void delete() throws IOException {
        disk.delete(path);
        deleted = true;
        close();
    }

    @Override
    public String toString() {
        return lane.id() + "/" + path.getFileName();
    }
}
