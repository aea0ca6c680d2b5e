package io.fogbridge.spool;

import io.fogbridge.api.Lane;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Read-only report of a spool directory, for {@code fogbridge spool inspect <dir>}: segments,
 * record counts per lane, committed position, age of the oldest uncommitted record, and damaged
 * ranges. Never writes, so it is safe on a spool that a running gateway has open (it then shows
 * a moment's state) and on a damaged one.
 */
public final class SpoolInspector {
    public static final int OK = 0;
    public static final int DAMAGED = 1;
    public static final int NOT_A_SPOOL = 2;

    private SpoolInspector() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: spool inspect <dir>");
            System.exit(NOT_A_SPOOL);
        }
        System.exit(inspect(Path.of(args[0]), System.out));
    }

    /** Whether {@code dir} holds a spool (its marker file or a lane directory). */
    static boolean isSpool(Path dir) {
        return Files.isDirectory(dir)
                && (Files.exists(dir.resolve(SegmentedSpool.MARKER_FILE))
                        || Files.isDirectory(dir.resolve(Lane.PRIORITY.id()))
                        || Files.isDirectory(dir.resolve(Lane.BULK.id())));
    }

    /**
     * Prints the report to {@code out}.
     *
     * @return {@link #OK}, {@link #DAMAGED} when any damage was found, {@link #NOT_A_SPOOL}
     *     when {@code dir} holds no spool (or cannot be read)
     */
    public static int inspect(Path dir, PrintStream out) {
        if (!isSpool(dir)) {
            out.println(dir + ": not a fogbridge spool");
            return NOT_A_SPOOL;
        }
        out.println("spool " + dir.toAbsolutePath());
        boolean damaged = false;
        try {
            for (Lane lane : Lane.values()) {
                damaged |= inspectLane(dir.resolve(lane.id()), lane, out);
            }
            inspectParked(dir, out);
        } catch (IOException e) {
            out.println("cannot read spool: " + e);
            return NOT_A_SPOOL;
        }
        out.println(damaged ? "result: DAMAGE FOUND" : "result: ok");
        return damaged ? DAMAGED : OK;
    }

    /**
     * The parking area: records Kafka refused for good, by topic with the reason. Parked records are no damage (the
     * exit code stays 0); a torn tail is a crash while parking, cut at the next open.
     */
    private static void inspectParked(Path dir, PrintStream out) throws IOException {
        List<ParkedRecords.Entry> entries = ParkedRecords.read(dir);
        long torn = ParkedRecords.damagedTail(dir);
        out.printf(
                "parked: %,d records%s%n",
                entries.size(), entries.isEmpty() ? "" : " (replay with 'fogbridge spool replay-parked')");
        java.util.Map<String, List<ParkedRecords.Entry>> byTopic = new java.util.TreeMap<>();
        for (ParkedRecords.Entry e : entries) {
            byTopic.computeIfAbsent(e.record().envelope().topic(), t -> new ArrayList<>())
                    .add(e);
        }
        byTopic.forEach((topic, list) -> out.printf(
                "  %s  %,d records  last parked %s: %s%n",
                topic,
                list.size(),
                Instant.ofEpochMilli(list.getLast().parkedAt()),
                list.getLast().reason()));
        if (torn > 0) {
            out.printf("  torn tail of %d bytes (cut at next open)%n", torn);
        }
    }

    private static boolean inspectLane(Path dir, Lane lane, PrintStream out) throws IOException {
        if (!Files.isDirectory(dir)) {
            out.println("lane " + lane.id() + ": (no directory)");
            return false;
        }
        Path commitFile = dir.resolve(CommitLog.FILE);
        long committed = CommitLog.read(commitFile);
        int badCommits = CommitLog.damagedEntries(commitFile);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> SegmentFile.baseOf(p) >= 0).sorted().toList();
        }
        boolean damaged = badCommits > 0;
        long records = 0;
        long uncommitted = 0;
        long oldest = -1;
        long bytes = 0;
        List<String> lines = new ArrayList<>();
        SegmentScanner scanner = new SegmentScanner(1 << 20);
        for (Path f : files) {
            SegmentFile seg = SegmentFile.open(f, lane, false);
            try {
                List<long[]> ranges = new ArrayList<>();
                SegmentScanner.Result r = scanner.scan(
                        seg,
                        SegmentFile.HEADER,
                        seg.size,
                        seg.base - 1,
                        (buf, off, len, pos) -> {
                            seg.noteRecord(RecordFormat.sequence(buf, off), pos, RecordFormat.arrival(buf, off));
                            return true;
                        },
                        (from, to) -> ranges.add(new long[] {from, to}));
                bytes += seg.size;
                records += seg.count;
                long above = seg.countAbove(committed);
                uncommitted += above;
                if (above > 0 && oldest < 0) {
                    oldest = seg.firstSeq > committed
                            ? seg.firstArrival
                            : ArrivalProbe.of(seg, committed + 1, seg.size).read();
                }
                StringBuilder line = new StringBuilder(
                        String.format("  %s  %,d bytes  %,d records", f.getFileName(), seg.size, seg.count));
                if (seg.count > 0) {
                    line.append("  seq ").append(seg.firstSeq).append("..").append(seg.lastSeq);
                }
                boolean lastFile = f == files.get(files.size() - 1);
                if (seg.headerDamaged && lastFile && seg.size <= SegmentFile.HEADER) {
                    line.append("  incomplete header (crash while rolling; rewritten at next open)");
                } else if (seg.headerDamaged) {
                    line.append("  DAMAGED HEADER");
                    damaged = true;
                }
                for (long[] d : ranges) {
                    line.append(String.format("  DAMAGED bytes [%d, %d)", d[0], d[1]));
                    damaged = true;
                }
                if (r.tailStart() >= 0) {
                    if (r.tailDamaged() > 0 || !lastFile) {
                        line.append(String.format("  DAMAGED tail bytes [%d, %d)", r.tailStart(), seg.size));
                        damaged = true;
                    } else {
                        line.append(String.format(
                                "  torn tail at %d (%d bytes, cut at next open)",
                                r.tailStart(), seg.size - r.tailStart()));
                    }
                }
                lines.add(line.toString());
            } finally {
                seg.close();
            }
        }
        long reserved = SequenceReservation.read(dir.resolve(SequenceReservation.FILE));
        out.printf(
                "lane %s: %d segments, %,d bytes, %,d records, %,d uncommitted, committed position %d%s%s%n",
                lane.id(),
                files.size(),
                bytes,
                records,
                uncommitted,
                committed,
                badCommits > 0 ? " (" + badCommits + " DAMAGED commit entries ignored)" : "",
                reserved >= 0 ? ", sequences reserved below " + reserved : "");
        if (oldest >= 0) {
            out.println("  oldest uncommitted record: " + Instant.ofEpochMilli(oldest) + " (age "
                    + Duration.ofMillis(Math.max(0, System.currentTimeMillis() - oldest))
                            .withNanos(0) + ")");
        }
        lines.forEach(out::println);
        return damaged;
    }
}
