package io.fogbridge.spool;

import io.fogbridge.api.SpooledRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The parking area: records Kafka refused for a reason that retrying does not heal (the topic does not exist,
 * the record is too large, the gateway may not write the topic). They leave their lane so that it keeps flowing,
 * and wait here until an operator fixed the cause and runs {@code fogbridge spool replay-parked}, which appends
 * them to the spool again ({@link ParkedReplay}).
 *
 * <p><b>On disk.</b> One append-only file, {@code <spool>/parked/parked.log}:
 *
 * <pre>
 * file   := MAGIC ("FBPARK01", 8 bytes) entry*
 * entry  := marker (u16 0xFB7A) | bodyLength (i32) | crc32c(body) (i32) | body
 * body   := parkedAt (i64 ms since epoch) | lane (u8 ordinal) | sequence (i64, the record's sequence in its lane)
 *           | reasonLength (u16) | reason (UTF-8) | record (one spool record as {@link SegmentFile} documents it,
 *           sealed with its original sequence)
 * </pre>
 *
 * All integers big-endian. An entry is fsynced before {@link #park} returns, and the forwarder commits the lane past
 * the record only after that, so a crash at any point leaves the record in the lane (sent or parked again) or here,
 * maybe both (a crash after the park and before the commit parks it again when the lane is read again, and replay
 * then delivers it twice: at least once, as everywhere). Opening
 * reads every entry and cuts a torn or damaged tail (a crash in the middle of an append; the record is still in
 * its lane then), counting the bytes cut.
 *
 * <p><b>Bound.</b> At most {@code maxBytes} on disk; beyond it a record is not parked and {@link #park} reports
 * how many were refused (the caller counts them as dropped, reason {@code parked-full}).
 *
 * <p><b>Threads.</b> Thread-safe: changes are synchronized (the forwarder parks, the CLI replays); the summary
 * ({@link #records}, {@link #bytes}, {@link #byTopic}) is published after each change and read without the monitor,
 * so that scrapes and probes answer while a park waits on a stalled disk.
 */
public final class ParkedRecords implements AutoCloseable {
    static final String DIR = "parked";
    static final String FILE = "parked.log";
    static final byte[] MAGIC = "FBPARK01".getBytes(StandardCharsets.US_ASCII);
    static final short MARKER = (short) 0xFB7A;
    static final int PREFIX = 10;
    /** Topics remembered for the summary; more are counted under the last. */
    private static final int MAX_TOPICS = 64;

    /** One parked record as read back. */
    public record Entry(long parkedAt, String reason, SpooledRecord record) {}

    /** Per topic: how many records are parked and the latest reason. */
    public record TopicSummary(String topic, long records, String reason) {}

    private record Summary(long records, long bytes, List<TopicSummary> byTopic) {}

    private final Path file;
    private final SpoolDisk disk;
    private final long maxBytes;
    private FileChannel channel;
    private long size;
    private long records;
    /** What the readers see, published whole after each change. */
    private volatile Summary summary;

    private final long tornBytes;
    private final Map<String, long[]> countByTopic = new LinkedHashMap<>();
    private final Map<String, String> reasonByTopic = new LinkedHashMap<>();

    private ParkedRecords(
            Path file, SpoolDisk disk, long maxBytes, FileChannel channel, List<Entry> entries, long size, long torn) {
        this.file = file;
        this.disk = disk;
        this.maxBytes = maxBytes;
        this.channel = channel;
        this.size = size;
        this.tornBytes = torn;
        for (Entry e : entries) {
            note(e.record().envelope().topic(), e.reason());
        }
        summarize();
    }

    /**
     * Opens (creating if needed) the parking area of the spool in {@code spoolDir}, cutting a torn tail.
     *
     * @param maxBytes bound of the file
     */
    static ParkedRecords open(Path spoolDir, SpoolDisk disk, long maxBytes) throws IOException {
        Path dir = spoolDir.resolve(DIR);
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        boolean created = !Files.exists(file);
        FileChannel ch =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (created || ch.size() < MAGIC.length) {
                disk.truncate(ch, file, 0);
                ByteBuffer m = ByteBuffer.wrap(MAGIC);
                while (m.hasRemaining()) {
                    disk.write(ch, file, m, m.position());
                }
                disk.force(ch, file);
                disk.forceDirectory(dir);
            }
            Scan scan = scan(ch);
            long torn = ch.size() - scan.validEnd;
            if (torn > 0) {
                disk.truncate(ch, file, scan.validEnd);
                disk.force(ch, file);
            }
            return new ParkedRecords(file, disk, maxBytes, ch, scan.entries, scan.validEnd, torn);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Reads the entries of a parking area without changing it (inspect, replay); empty when there is none. */
    public static List<Entry> read(Path spoolDir) throws IOException {
        Path file = spoolDir.resolve(DIR).resolve(FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return scan(ch).entries;
        }
    }

    /** Bytes after the last valid entry of a parking area (a torn or damaged tail), without changing it. */
    public static long damagedTail(Path spoolDir) throws IOException {
        Path file = spoolDir.resolve(DIR).resolve(FILE);
        if (!Files.exists(file)) {
            return 0;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.size() - scan(ch).validEnd;
        }
    }

    private record Scan(List<Entry> entries, long validEnd) {}

    private static Scan scan(FileChannel ch) throws IOException {
        long length = ch.size();
        if (length < MAGIC.length || length > Integer.MAX_VALUE) {
            return new Scan(List.of(), Math.min(length, MAGIC.length));
        }
        ByteBuffer all = ByteBuffer.allocate((int) length);
        while (all.hasRemaining() && ch.read(all, all.position()) >= 0) {}
        all.flip();
        byte[] magic = new byte[MAGIC.length];
        all.get(0, magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            return new Scan(List.of(), 0);
        }
        List<Entry> entries = new ArrayList<>();
        RecordFormat.Decoder decoder = new RecordFormat.Decoder();
        int off = MAGIC.length;
        while (off + PREFIX <= length) {
            int body = all.getInt(off + 2);
            if (all.getShort(off) != MARKER || body < 19 || off + PREFIX + (long) body > length) {
                break;
            }
            CRC32C crc = new CRC32C();
            crc.update(all.slice(off + PREFIX, body));
            if ((int) crc.getValue() != all.getInt(off + 6)) {
                break;
            }
            int p = off + PREFIX;
            long parkedAt = all.getLong(p);
            int reasonLength = all.getShort(p + 17) & 0xFFFF;
            String reason = new String(all.array(), p + 19, reasonLength, StandardCharsets.UTF_8);
            int recordAt = p + 19 + reasonLength;
            if (RecordFormat.check(all, recordAt, off + PREFIX + body - recordAt) <= 0) {
                break;
            }
            SpooledRecord r = decoder.decode(all, recordAt);
            entries.add(new Entry(parkedAt, reason, r));
            off += PREFIX + body;
        }
        return new Scan(entries, off);
    }

    static byte[] encode(SpooledRecord r, String reason, long parkedAt) {
        byte[] record = RecordFormat.encode(r.envelope(), r.arrivalTime());
        RecordFormat.seal(record, r.sequence());
        byte[] why = reason.getBytes(StandardCharsets.UTF_8);
        if (why.length > 1024) {
            why = java.util.Arrays.copyOf(why, 1024);
        }
        int body = 8 + 1 + 8 + 2 + why.length + record.length;
        ByteBuffer b = ByteBuffer.allocate(PREFIX + body);
        b.putShort(MARKER).putInt(body).putInt(0);
        b.putLong(parkedAt).put((byte) r.lane().ordinal()).putLong(r.sequence());
        b.putShort((short) why.length).put(why).put(record);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), PREFIX, body);
        b.putInt(6, (int) crc.getValue());
        return b.array();
    }

    /**
     * Parks {@code records} for {@code reason}: written and fsynced before it returns, so the caller may then commit
     * the lane past them.
     *
     * @return how many were refused because the parking area is at its bound (none were written then)
     * @throws IOException writing or syncing failed; the caller must not commit past the records
     */
    public synchronized int park(List<SpooledRecord> batch, String reason, long now) throws IOException {
        List<byte[]> encoded = new ArrayList<>(batch.size());
        long add = 0;
        int refused = 0;
        for (SpooledRecord r : batch) {
            byte[] e = encode(r, reason, now);
            if (size + add + e.length > maxBytes) {
                refused++;
                encoded.add(null);
                continue;
            }
            encoded.add(e);
            add += e.length;
        }
        long at = size;
        try {
            for (byte[] e : encoded) {
                if (e == null) {
                    continue;
                }
                writeFully(channel, file, e, at);
                at += e.length;
            }
            disk.force(channel, file);
        } catch (IOException e) {
            try {
                disk.truncate(channel, file, size); // keep nothing half-parked; the records stay in their lane
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        size = at;
        for (int i = 0; i < batch.size(); i++) {
            if (encoded.get(i) != null) {
                note(batch.get(i).envelope().topic(), reason);
            }
        }
        summarize();
        return refused;
    }

    /**
     * Replaces the parking area's content with {@code rest} (after a replay: what could not be appended again). The
     * new file is written and fsynced beside the old one and renamed over it, so a crash leaves the old or the new
     * content, never a mix.
     */
    public synchronized void keepOnly(List<Entry> rest) throws IOException {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        long at = MAGIC.length;
        try (FileChannel next = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writeFully(next, tmp, MAGIC, 0);
            for (Entry e : rest) {
                byte[] b = encode(e.record(), e.reason(), e.parkedAt());
                writeFully(next, tmp, b, at);
                at += b.length;
            }
            disk.force(next, tmp);
        }
        channel.close();
        disk.move(tmp, file);
        disk.forceDirectory(file.getParent());
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        size = at;
        records = 0;
        countByTopic.clear();
        reasonByTopic.clear();
        for (Entry e : rest) {
            note(e.record().envelope().topic(), e.reason());
        }
        summarize();
    }

    private void writeFully(FileChannel ch, Path path, byte[] bytes, long position) throws IOException {
        ByteBuffer src = ByteBuffer.wrap(bytes);
        while (src.hasRemaining()) {
            disk.write(ch, path, src, position + src.position());
        }
    }

    private void note(String topic, String reason) {
        String key = countByTopic.containsKey(topic) || countByTopic.size() < MAX_TOPICS ? topic : "(other topics)";
        countByTopic.computeIfAbsent(key, t -> new long[1])[0]++;
        reasonByTopic.put(key, reason);
        records++;
    }

    /** Records parked now (since the last replay). */
    public long records() {
        return summary.records();
    }

    public long bytes() {
        return summary.bytes();
    }

    /** Bytes cut from a torn or damaged tail when this was opened. */
    public long tornBytes() {
        return tornBytes;
    }

    /** Parked records by topic, with the latest reason, in the order topics were first parked. */
    public List<TopicSummary> byTopic() {
        return summary.byTopic();
    }

    /** Monitor held (or in the constructor). */
    private void summarize() {
        List<TopicSummary> out = new ArrayList<>();
        countByTopic.forEach((t, n) -> out.add(new TopicSummary(t, n[0], reasonByTopic.get(t))));
        summary = new Summary(records, size, List.copyOf(out));
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was pending: every park fsynced before it returned
        }
    }
}
