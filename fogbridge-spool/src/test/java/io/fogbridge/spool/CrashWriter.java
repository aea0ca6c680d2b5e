package io.fogbridge.spool;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.SpoolCursor;
import io.fogbridge.api.SpooledRecord;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;

/**
 * The child process of {@link SpoolCrashIT}: opens the spool, prints {@code OPEN}, then appends
 * from several threads (some waiting for each future, one keeping many in flight) and prints
 * {@code ACK <lane> <seq> <id>:<crc>} for each acknowledged record, while a forwarder thread reads
 * and commits. It runs until the parent SIGKILLs it.
 *
 * <p>Args: {@code <dir> <fsync> <run id> <seed>}.
 */
public final class CrashWriter {
    private CrashWriter() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        FsyncPolicy fsync = FsyncPolicy.parse(args[1]);
        String run = args[2];
        long seed = Long.parseLong(args[3]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        SegmentedSpool spool = SegmentedSpool.open(options(dir, fsync));
        out.println("OPEN");
        for (int t = 0; t < 3; t++) {
            int thread = t;
            start(() -> oneAtATime(spool, out, run, thread, new Random(seed * 31 + thread)));
        }
        start(() -> manyInFlight(spool, out, run, new Random(seed * 17)));
        start(() -> forward(spool.cursor(), new Random(seed * 7)));
        Thread.sleep(Long.MAX_VALUE);
    }

    static SpoolOptions options(Path dir, FsyncPolicy fsync) {
        return SpoolOptions.builder(dir)
                .fsync(fsync)
                .segmentBytes(1 << 20)
                .maxBytes(1L << 30)
                .build();
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
    }

    static String crc(byte[] payload) {
        CRC32 c = new CRC32();
        c.update(payload);
        return Long.toHexString(c.getValue());
    }

    private static CompletableFuture<Long> append(SegmentedSpool spool, PrintStream out, Random rnd, String id) {
        Lane lane = rnd.nextInt(10) == 0 ? Lane.PRIORITY : Lane.BULK;
        byte[] filler = new byte[50 + rnd.nextInt(300)];
        rnd.nextBytes(filler);
        byte[] payload = (id + ":" + java.util.HexFormat.of().formatHex(filler)).getBytes(StandardCharsets.UTF_8);
        String crc = crc(payload);
        return spool.append(new Envelope(
                        "fog.telemetry.crash",
                        id,
                        Map.of("run", id),
                        payload,
                        System.currentTimeMillis(),
                        QoS.AT_LEAST_ONCE,
                        lane))
                .whenComplete((seq, err) -> {
                    if (err == null) {
                        out.println("ACK " + lane.id() + " " + seq + " " + id + ":" + crc);
                    }
                });
    }

    /** Like an MQTT connection: the next publish only after the previous was acknowledged. */
    private static void oneAtATime(SegmentedSpool spool, PrintStream out, String run, int thread, Random rnd) {
        for (long i = 0; ; i++) {
            append(spool, out, rnd, run + "-" + thread + "-" + i).join();
        }
    }

    private static void manyInFlight(SegmentedSpool spool, PrintStream out, String run, Random rnd) {
        ArrayDeque<CompletableFuture<Long>> window = new ArrayDeque<>();
        for (long i = 0; ; i++) {
            window.add(append(spool, out, rnd, run + "-w-" + i));
            if (window.size() >= 256) {
                window.poll().join();
            }
        }
    }

    /** Reads and commits, slower than the writers append, so segments get deleted while the process may die. */
    private static void forward(SpoolCursor cursor, Random rnd) {
        try {
            while (true) {
                List<SpooledRecord> got = cursor.poll(500, 20);
                long[] max = {-1, -1};
                for (SpooledRecord r : got) {
                    max[r.lane().ordinal()] = Math.max(max[r.lane().ordinal()], r.sequence());
                }
                for (Lane l : Lane.values()) {
                    if (max[l.ordinal()] >= 0 && rnd.nextInt(3) == 0) {
                        cursor.commit(l, max[l.ordinal()]);
                    }
                }
                // lag behind the writers, so a backlog of uncommitted records builds up across kills
                Thread.sleep(5 + rnd.nextInt(20));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
