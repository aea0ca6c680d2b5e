package io.fogbridge.spool;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.Lane;
import io.fogbridge.api.SpooledRecord;
import io.fogbridge.testkit.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real process crashes: a child JVM ({@link CrashWriter}) appends, reports every acknowledged
 * record on stdout, reads and commits; the test SIGKILLs it at seeded random moments and starts
 * it again, many times. Then every acknowledged record above the committed position must be in
 * the spool, intact, in order, exactly once, and the spool must have opened every time.
 *
 * <p>Seed: printed; reproduce with {@code -Dspool.crash.seed=<seed>}. Kills per policy:
 * {@code -Dspool.crash.kills} (default 30, so 60 in all).
 */
class SpoolCrashIT {
    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(strings = {"group", "interval:5"})
    void acknowledgedRecordsSurviveSigkill(String fsync) throws Exception {
        long seed = Long.getLong("spool.crash.seed", System.nanoTime());
        int kills = Integer.getInteger("spool.crash.kills", 30);
        System.out.println(
                "SpoolCrashIT fsync=" + fsync + " seed=" + seed + " (reproduce: -Dspool.crash.seed=" + seed + ")");
        Random rnd = new Random(seed);
        Path dir = root.resolve(fsync.replace(':', '-'));
        // lane -> seq -> "id:crc" of every record a child acknowledged
        Map<Lane, TreeMap<Long, String>> acked = new EnumMap<>(Lane.class);
        for (Lane l : Lane.values()) {
            acked.put(l, new TreeMap<>());
        }
        int totalAcks = 0;
        for (int k = 0; k < kills; k++) {
            List<String> lines = runAndKill(dir, fsync, "r" + k, rnd.nextLong(), 30 + rnd.nextInt(400), seed, k);
            for (String line : lines) {
                if (line.startsWith("ACK ")) {
                    String[] f = line.split(" ");
                    Lane lane = Lane.ofId(f[1]);
                    String previous = acked.get(lane).put(Long.parseLong(f[2]), f[3]);
                    assertThat(previous)
                            .as("seed %d: sequence %s/%s acknowledged twice (reused)", seed, f[1], f[2])
                            .isNull();
                    totalAcks++;
                }
            }
        }
        System.out.println(
                "SpoolCrashIT fsync=" + fsync + ": " + kills + " SIGKILLs, " + totalAcks + " acknowledged records");
        assertThat(totalAcks).as("the children made progress").isGreaterThan(kills);
        verify(dir, fsync, acked, seed);
    }

    private List<String> runAndKill(Path dir, String fsync, String run, long childSeed, int millis, long seed, int k)
            throws Exception {
        List<String> lines = new ArrayList<>();
        try (ChildJvm child = ChildJvm.start(
                CrashWriter.class,
                List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"),
                dir.toString(),
                fsync,
                run,
                Long.toString(childSeed))) {
            Thread reader = new Thread(() -> {
                try {
                    for (String l = child.readLine(); l != null; l = child.readLine()) {
                        synchronized (lines) {
                            lines.add(l);
                        }
                    }
                } catch (IOException ignored) {
                    // the pipe breaks when the child dies
                }
            });
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!opened(lines)) {
                assertThat(child.isAlive())
                        .as("seed %d kill %d: the spool failed to open (see stderr)", seed, k)
                        .isTrue();
                assertThat(System.nanoTime())
                        .as("seed %d kill %d: spool did not open within 60 s", seed, k)
                        .isLessThan(deadline);
                Thread.sleep(5);
            }
            Thread.sleep(millis);
            child.kill();
            reader.join(10_000);
        }
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    private static boolean opened(List<String> lines) {
        synchronized (lines) {
            return !lines.isEmpty() && lines.get(0).equals("OPEN");
        }
    }

    private void verify(Path dir, String fsync, Map<Lane, TreeMap<Long, String>> acked, long seed) throws Exception {
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        int code = SpoolInspector.inspect(dir, new PrintStream(report, true, StandardCharsets.UTF_8));
        assertThat(code)
                .as("seed %d: inspector after the last kill:%n%s", seed, report)
                .isEqualTo(SpoolInspector.OK);
        try (SegmentedSpool spool = SegmentedSpool.open(CrashWriter.options(dir, FsyncPolicy.parse(fsync)))) {
            Map<Lane, TreeMap<Long, String>> found = new EnumMap<>(Lane.class);
            for (Lane l : Lane.values()) {
                found.put(l, new TreeMap<>());
            }
            Set<String> ids = new HashSet<>();
            long[] last = {-1, -1};
            while (true) {
                List<SpooledRecord> got = spool.cursor().poll(10_000, 100);
                if (got.isEmpty()) {
                    break;
                }
                for (SpooledRecord r : got) {
                    int lane = r.lane().ordinal();
                    assertThat(r.sequence())
                            .as("seed %d: order in lane %s", seed, r.lane())
                            .isGreaterThan(last[lane]);
                    last[lane] = r.sequence();
                    String crc = r.envelope().key() + ":"
                            + CrashWriter.crc(r.envelope().payload());
                    assertThat(ids.add(r.envelope().key()))
                            .as("seed %d: record %s/%d stored twice", seed, r.lane(), r.sequence())
                            .isTrue();
                    found.get(r.lane()).put(r.sequence(), crc);
                }
            }
            assertThat(spool.stats().drops().get("corrupt"))
                    .as("seed %d: SIGKILL must not look like damage", seed)
                    .isZero();
            for (Lane l : Lane.values()) {
                long committed = spool.cursor().committed(l);
                Map<Long, String> expected = acked.get(l).tailMap(committed, false);
                List<Long> missing = new ArrayList<>();
                List<Long> altered = new ArrayList<>();
                expected.forEach((seq, crc) -> {
                    String f = found.get(l).get(seq);
                    if (f == null) {
                        missing.add(seq);
                    } else if (!f.equals(crc)) {
                        altered.add(seq);
                    }
                });
                assertThat(missing)
                        .as("seed %d lane %s: acknowledged records missing (committed %d)", seed, l, committed)
                        .isEmpty();
                assertThat(altered)
                        .as("seed %d lane %s: acknowledged records altered", seed, l)
                        .isEmpty();
                System.out.println("SpoolCrashIT fsync=" + fsync + " lane " + l.id() + ": " + expected.size()
                        + " acknowledged uncommitted records all present; committed position " + committed);
            }
        }
    }
}
