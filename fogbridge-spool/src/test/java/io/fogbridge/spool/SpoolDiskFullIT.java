package io.fogbridge.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.SpoolException;
import io.fogbridge.api.SpooledRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real full disk: the spool lives on a 24 MiB tmpfs and appenders keep writing until the
 * filesystem is full. Then space comes back twice, once because an operator deletes a file and once
 * because the uplink (here a loop that reads and commits, as the forwarder does) takes the data,
 * and the spool must take appends again by itself each time, without a restart. Meanwhile every
 * refusal is a retriable {@link SpoolException}, and at the end every acknowledged record has been
 * read exactly once, in order, with the sequence it was acknowledged with, and nothing else.
 *
 * <p>Needs root to mount the tmpfs ({@code .ci/run} runs as root): skipped with a message when not
 * root and {@code CI} is not set; fails when {@code CI=true} and the mount fails.
 */
class SpoolDiskFullIT {
    private static final int PAYLOAD = 1000;
    private static Path mountPoint;
    private static boolean mounted;

    @BeforeAll
    static void mountSmallFilesystem() throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        boolean root = "0".equals(run("id", "-u").trim());
        if (!root && !ci) {
            Assumptions.abort("SpoolDiskFullIT needs root to mount a 24 MiB tmpfs (not root, CI not set): skipped");
        }
        mountPoint = Files.createTempDirectory("fogbridge-diskfull");
        Process p = new ProcessBuilder(
                        "mount", "-t", "tmpfs", "-o", "size=24m", "fogbridge-diskfull", mountPoint.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(
                    "cannot mount a tmpfs on " + mountPoint + " (root=" + root + ", CI=" + ci + "): " + out);
        }
        mounted = true;
    }

    @AfterAll
    static void unmount() throws Exception {
        if (mounted) {
            run("umount", mountPoint.toString());
        }
        if (mountPoint != null) {
            Files.deleteIfExists(mountPoint);
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** Appenders writing as fast as the spool takes them, each with up to 64 appends in flight. */
    private static final class Load implements AutoCloseable {
        final SegmentedSpool spool;
        final AtomicBoolean stop = new AtomicBoolean();
        final Map<String, Long> acked = new ConcurrentHashMap<>();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong ackedAt = new AtomicLong();
        final AtomicLong refusedAt = new AtomicLong();
        final List<Throwable> wrongFailures = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();

        Load(SegmentedSpool spool, int appenders) {
            this.spool = spool;
            for (int t = 0; t < appenders; t++) {
                int id = t;
                Thread th = new Thread(() -> appendLoop(id), "appender-" + t);
                th.start();
                threads.add(th);
            }
        }

        private void appendLoop(int id) {
            Semaphore inFlight = new Semaphore(64);
            String pad = "x".repeat(PAYLOAD);
            for (long n = 0; !stop.get(); n++) {
                inFlight.acquireUninterruptibly();
                String key = id + "-" + n;
                Lane lane = n % 10 == 0 ? Lane.PRIORITY : Lane.BULK;
                Envelope e = new Envelope(
                        "fog.telemetry.t1",
                        "dev-" + id,
                        Map.of("k", key),
                        (key + ":" + pad).getBytes(StandardCharsets.UTF_8),
                        System.currentTimeMillis(),
                        QoS.AT_LEAST_ONCE,
                        lane);
                spool.append(e).whenComplete((seq, failure) -> {
                    inFlight.release();
                    if (failure == null) {
                        acked.put(lane.id() + "/" + key, seq);
                        ackedAt.set(System.nanoTime());
                    } else {
                        Throwable c = failure instanceof CompletionException ? failure.getCause() : failure;
                        if (!(c instanceof SpoolException se) || !se.retriable()) {
                            synchronized (wrongFailures) {
                                wrongFailures.add(c);
                            }
                        }
                        refused.incrementAndGet();
                        refusedAt.set(System.nanoTime());
                    }
                });
                if (refusedAt.get() != 0 && System.nanoTime() - refusedAt.get() < TimeUnit.MILLISECONDS.toNanos(5)) {
                    sleep(2); // a device backs off a little after a refusal
                }
            }
            inFlight.acquireUninterruptibly(64);
        }

        /** Appends are being refused and none was acknowledged for a while: the disk is full. */
        boolean full() {
            long now = System.nanoTime();
            return refusedAt.get() != 0
                    && now - refusedAt.get() < TimeUnit.MILLISECONDS.toNanos(200)
                    && now - ackedAt.get() > TimeUnit.MILLISECONDS.toNanos(500);
        }

        /** An append was acknowledged after {@code since}. */
        boolean acceptingSince(long since) {
            return ackedAt.get() > since;
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aFullDiskRefusesRetriablyLosesNothingAndAcceptsAgainByItself() throws Exception {
        Path dir = mountPoint.resolve("spool");
        Path ballast = mountPoint.resolve("ballast");
        Files.write(ballast, new byte[4 << 20]); // what the operator deletes later
        SpoolOptions options = SpoolOptions.builder(dir)
                .maxBytes(256L << 20) // far above the filesystem: the disk, not the policy, runs out
                .segmentBytes(1 << 20)
                .build();
        Map<Lane, List<SpooledRecord>> read = new EnumMap<>(Lane.class);
        for (Lane l : Lane.values()) {
            read.put(l, new ArrayList<>());
        }
        long refusedWhileFull;
        try (SegmentedSpool spool = SegmentedSpool.open(options);
                Load load = new Load(spool, 4)) {
            // 1. the disk fills; appends are refused, retriably; the spool says why
            await().atMost(Duration.ofSeconds(120)).until(load::full);
            assertThat(spool.writeFailure())
                    .hasValueSatisfying(s -> assertThat(s).startsWith("disk full since"));
            System.out.println("SpoolDiskFullIT: disk full after " + load.acked.size() + " acknowledged; "
                    + spool.writeFailure().orElseThrow());

            // 2. the operator deletes a file: appends are taken again, without a restart
            long freed = System.nanoTime();
            Files.delete(ballast);
            await().atMost(Duration.ofSeconds(30)).until(() -> load.acceptingSince(freed));
            await().atMost(Duration.ofSeconds(120)).until(load::full);
            refusedWhileFull = load.refused.get();

            // 3. the uplink takes the data: read and commit as the forwarder does; appends are taken again
            long draining = System.nanoTime();
            AtomicBoolean accepting = new AtomicBoolean();
            // The load keeps appending, so the disk may fill again right after: what counts is that the episode
            // ended once, seen in the same round as the acknowledged appends.
            boolean writingAgain = false;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < until && !(accepting.get() && writingAgain)) {
                forward(spool, read, 2000);
                accepting.set(load.acceptingSince(draining));
                writingAgain = spool.writeFailure().isEmpty();
            }
            assertThat(accepting)
                    .as("appends acknowledged again after the uplink took the data")
                    .isTrue();
            System.out.println("SpoolDiskFullIT: writing again; " + refusedWhileFull + " appends refused while full");
            assertThat(writingAgain).as("the disk-full episode ended by itself").isTrue();
            load.close();
            assertThat(load.wrongFailures)
                    .as("refusals that are not a retriable SpoolException")
                    .isEmpty();
            // 4. the rest
            while (forward(spool, read, 10_000) > 0) {}

            // every acknowledged record was read once, with its sequence, in order; nothing else was
            Map<String, Long> delivered = new java.util.HashMap<>();
            for (Lane l : Lane.values()) {
                long last = -1;
                for (SpooledRecord r : read.get(l)) {
                    assertThat(r.sequence()).as("order in %s", l).isGreaterThan(last);
                    last = r.sequence();
                    String key = l.id() + "/" + r.envelope().headers().get("k");
                    assertThat(delivered.put(key, r.sequence()))
                            .as("read twice: %s", key)
                            .isNull();
                }
            }
            assertThat(delivered).as("read = acknowledged").isEqualTo(load.acked);
            System.out.println("SpoolDiskFullIT: " + load.acked.size() + " acknowledged, " + load.refused.get()
                    + " refused, all acknowledged read back once");
            assertThat(load.refused.get()).isPositive();
        }
    }

    /** One forwarder round: reads what is there and commits it; returns how many. */
    private static int forward(SegmentedSpool spool, Map<Lane, List<SpooledRecord>> read, int max)
            throws InterruptedException {
        List<SpooledRecord> got = spool.cursor().poll(max, 50);
        Map<Lane, Long> high = new EnumMap<>(Lane.class);
        for (SpooledRecord r : got) {
            read.get(r.lane()).add(r);
            high.merge(r.lane(), r.sequence(), Math::max);
        }
        high.forEach((lane, seq) -> spool.cursor().commit(lane, seq));
        return got.size();
    }
}
