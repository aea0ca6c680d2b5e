package io.fogbridge.spool;

import io.fogbridge.api.Lane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one {@link Lane}: its segments, its sequence counter and its committed position.
 *
 * <p><b>Threads.</b> Not thread-safe. Every field is guarded by the owning spool's state lock;
 * only the spool's writer thread changes the segment list and {@link #nextSeq}.
 */
final class LaneLog {
    private static final Logger LOG = LoggerFactory.getLogger(LaneLog.class);

    final Lane lane;
    final Path dir;
    final List<SegmentFile> segments = new ArrayList<>();
    final CommitLog commitLog;
    /** The durable high-water mark of handed-out sequences; see its class for the rules. */
    final SequenceReservation reservation;
    /** The sequence the next append gets. */
    long nextSeq;
    /** The highest sequence the cursor committed (maybe not yet durable). */
    long requestedCommit;
    /** The highest committed sequence known to be on disk; segments at or below it may go. */
    long durableCommit;
    /** Records at or below this were counted as dropped (max-age, drop-oldest, corrupt) already. */
    long droppedThrough = -1;
    /** The last delete of a committed segment failed (logged once until one works again). */
    private boolean deleteFailing;
    /** Bytes recovery cut from the newest segment's tail. */
    private long truncatedTailBytes;

    private LaneLog(Lane lane, Path dir, CommitLog commitLog, SequenceReservation reservation) {
        this.lane = lane;
        this.dir = dir;
        this.commitLog = commitLog;
        this.reservation = reservation;
        this.requestedCommit = commitLog.position();
        this.durableCommit = commitLog.position();
    }

    /**
     * Opens the lane's directory and recovers it: scans every segment, truncates a torn tail,
     * skips and counts damaged ranges, deletes segments the durable commit covers, and makes
     * sure there is an active segment. Never fails on damaged content, only on I/O errors.
     */
    static LaneLog recover(Path spoolDir, Lane lane, DropCounters drops, SpoolDisk disk) throws IOException {
        return recover(spoolDir, lane, drops, disk, true);
    }

    /**
     * Like {@link #recover(Path, Lane, DropCounters, SpoolDisk)}; with {@code writable} false (a read-only data dir)
     * it changes nothing on disk: a torn tail is only hidden, nothing is deleted, no active segment is created
     * (the lane may have no segment at all), and commits stay in memory.
     */
    static LaneLog recover(Path spoolDir, Lane lane, DropCounters drops, SpoolDisk disk, boolean writable)
            throws IOException {
        Path dir = spoolDir.resolve(lane.id());
        CommitLog commits;
        SequenceReservation reservation;
        if (writable) {
            Files.createDirectories(dir);
            commits = CommitLog.open(dir);
            // the position may only be in the page cache (interval policy, or a crash before its fsync):
            // make it durable before anything is deleted on its strength
            commits.force();
            reservation = SequenceReservation.open(dir);
            Fsync.directory(dir);
        } else {
            commits = CommitLog.readOnly(dir);
            reservation = SequenceReservation.readOnly(dir);
        }
        LaneLog log = new LaneLog(lane, dir, commits, reservation);
        List<Path> files;
        try (Stream<Path> s = writable || Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            files = s.filter(p -> SegmentFile.baseOf(p) >= 0).sorted().toList();
        }
        long committed = commits.position();
        long expected = -1;
        SegmentScanner scanner = new SegmentScanner(1 << 20);
        for (int i = 0; i < files.size(); i++) {
            SegmentFile seg = SegmentFile.open(disk, files.get(i), lane, writable);
            boolean last = i == files.size() - 1;
            long nextBase = last ? -1 : SegmentFile.baseOf(files.get(i + 1));
            if (!writable && seg.size <= SegmentFile.HEADER) {
                seg.visibleSize = seg.size; // nothing to read, and no header to repair
            } else {
                log.recoverSegment(seg, scanner, last && writable, nextBase, committed, drops);
            }
            log.segments.add(seg);
            expected = Math.max(expected, Math.max(seg.base - 1, seg.lastSeq));
        }
        log.droppedThrough = committed;
        log.nextSeq = log.firstFreeSequence(Math.max(expected, committed) + 1);
        SegmentFile active = log.segments.isEmpty() ? null : log.active();
        if (!writable) {
            for (SegmentFile s : log.segments) {
                s.sealed = s != active;
            }
            return log;
        }
        if (active == null || (active.count > 0 ? active.lastSeq + 1 : active.base) != log.nextSeq) {
            // a skipped range lies between segments, never inside one: inside, the next recovery
            // would count the missing sequences as damage
            log.segments.add(SegmentFile.create(disk, dir, lane, log.nextSeq));
            disk.forceDirectory(dir);
        }
        for (SegmentFile s : log.segments) {
            s.sealed = s != log.active();
        }
        log.deleteCommitted();
        return log;
    }

    /**
     * The first sequence recovery may hand out, given {@code next}, the one after the highest the
     * segments and the commit log show. Sequences that someone may have seen must never be reused,
     * or a consumer that drops duplicates by {@code fog-seq} would drop new records: after a power
     * cut under {@code interval:<ms>} the segments may have lost acknowledged records the forwarder
     * already sent. The durable {@link SequenceReservation} is above all of them; without one (a
     * spool from before it existed) a cut tail skips as many sequences as its bytes could have held.
     */
    private long firstFreeSequence(long next) {
        if (truncatedTailBytes > 0) {
            next += truncatedTailBytes / (RecordFormat.PREFIX + RecordFormat.MIN_BODY) + 1;
        }
        if (reservation.limit() > next) {
            LOG.info(
                    "spool {}: not closed cleanly; sequences {} to {} may have been handed out, continuing at {}",
                    lane.id(),
                    next,
                    reservation.limit() - 1,
                    reservation.limit());
            next = reservation.limit();
        }
        return next;
    }

    private void recoverSegment(
            SegmentFile seg, SegmentScanner scanner, boolean last, long nextBase, long committed, DropCounters drops)
            throws IOException {
        if (seg.headerDamaged) {
            if (seg.size <= SegmentFile.HEADER && last) {
                LOG.warn(
                        "spool {}: segment {} has no complete header (crash while creating it); rewriting it",
                        lane.id(),
                        seg);
                seg.rewriteHeader();
                seg.truncate(SegmentFile.HEADER);
                return;
            }
            LOG.warn("spool {}: segment {} has a damaged header; scanning its records anyway", lane.id(), seg);
        }
        long[] expect = {seg.base};
        long[] lost = {0};
        SegmentScanner.Result r = scanner.scan(
                seg,
                SegmentFile.HEADER,
                seg.size,
                seg.base - 1,
                (buf, off, len, pos) -> {
                    long seq = RecordFormat.sequence(buf, off);
                    lost[0] += countLost(expect[0], seq, committed);
                    expect[0] = seq + 1;
                    seg.noteRecord(seq, pos, RecordFormat.arrival(buf, off));
                    return true;
                },
                (from, to) -> {
                    seg.damaged.add(new long[] {from, to});
                    LOG.warn("spool {}: segment {} damaged bytes [{}, {}) skipped", lane.id(), seg, from, to);
                });
        if (r.tailStart() >= 0) {
            long tailBytes = seg.size - r.tailStart();
            if (nextBase > expect[0]) {
                // damage at the end of a sealed segment: the next segment's base says how many records it
                // held, unless recovery skipped sequences between the two (a crash): then the bytes bound it
                long fit = expect[0] + tailBytes / (RecordFormat.PREFIX + RecordFormat.MIN_BODY) + 1;
                lost[0] += countLost(expect[0], Math.min(nextBase, fit), committed);
                seg.damaged.add(new long[] {r.tailStart(), seg.size});
            } else if (expect[0] > committed) {
                // complete-looking records with a bad CRC are damage; an incomplete last one is a
                // torn write (crash in the middle of write()), whose record was never acknowledged,
                // or damage to a length field: counted under its own reason so neither is silent
                lost[0] += r.tailDamaged();
                if (r.tailDamaged() > 0) {
                    seg.damaged.add(new long[] {r.tailStart(), seg.size});
                }
                if (r.tailTorn() && last) {
                    drops.add(DropCounters.TORN_TAIL, 1);
                }
            }
            if (last) {
                LOG.warn(
                        "spool {}: segment {} truncated {} bytes of torn or damaged tail at {}",
                        lane.id(),
                        seg,
                        tailBytes,
                        r.tailStart());
                seg.truncate(r.tailStart());
                seg.force();
                truncatedTailBytes = tailBytes;
            }
        }
        long fileSize = seg.size;
        seg.size = Math.min(seg.size, r.tailStart() >= 0 ? r.tailStart() : seg.size);
        seg.markPublished();
        if (!last) {
            seg.noteUnreadTail(fileSize); // a sealed segment is never written again: only counted
        }
        if (lost[0] > 0) {
            LOG.error("spool {}: {} records lost to damage in segment {}", lane.id(), lost[0], seg);
            drops.add(DropCounters.CORRUPT, lost[0]);
        }
    }

    /** Records missing between {@code expected} and {@code seq} that were not committed yet. */
    private static long countLost(long expected, long seq, long committed) {
        long from = Math.max(expected, committed + 1);
        return Math.max(0, seq - from);
    }

    SegmentFile active() {
        return segments.get(segments.size() - 1);
    }

    /**
     * Deletes leading segments whose every sequence is at or below the durable commit; returns bytes
     * freed. Never fails: a segment that cannot be deleted stays and is tried again next time (said
     * once until a delete works again), since nothing about the records or their appends depends on it.
     */
    long deleteCommitted() {
        return deleteCommitted(durableCommit);
    }

    /** Deletes leading segments whose every sequence is at or below {@code through}; see {@link #deleteCommitted()}. */
    long deleteCommitted(long through) {
        long freed = 0;
        while (segments.size() > 1 && segments.get(1).base - 1 <= through) {
            SegmentFile s = segments.get(0);
            try {
                s.delete();
            } catch (IOException e) {
                if (!deleteFailing) {
                    LOG.warn(
                            "spool {}: cannot delete committed segment {} ({}); trying again later",
                            lane.id(),
                            s,
                            e.toString());
                }
                deleteFailing = true;
                break;
            }
            deleteFailing = false;
            segments.remove(0);
            freed += s.fileBytes();
        }
        return freed;
    }

    /** The segment that holds (or would hold) {@code seq}: the last with base at or below it, else the first. */
    SegmentFile segmentFor(long seq) {
        SegmentFile found = segments.get(0);
        for (SegmentFile s : segments) {
            if (s.base <= seq) {
                found = s;
            } else {
                break;
            }
        }
        return found;
    }

    SegmentFile after(SegmentFile s) {
        int i = segments.indexOf(s);
        return i >= 0 && i + 1 < segments.size() ? segments.get(i + 1) : null;
    }

    long bytes() {
        long b = 0;
        for (SegmentFile s : segments) {
            b += s.fileBytes();
        }
        return b;
    }

    /** Floor under which records are committed or already counted as dropped. */
    long settledThrough() {
        return Math.max(requestedCommit, droppedThrough);
    }

    long uncommitted() {
        long n = 0;
        long floor = settledThrough();
        for (SegmentFile s : segments) {
            n += s.countAbove(floor);
        }
        return n;
    }

    void close() {
        for (SegmentFile s : segments) {
            s.close();
        }
        commitLog.close();
        try {
            reservation.closeAt(nextSeq);
        } catch (IOException e) {
            // the old, higher limit stays: the next open skips some sequences, nothing is reused
            LOG.warn("spool {}: could not record the sequence reservation at close", lane.id(), e);
            reservation.close();
        }
    }
}
