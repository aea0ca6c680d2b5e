package io.fogbridge.gateway.doctor;

import io.fogbridge.spool.FsyncPolicy;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The checks of {@code fogbridge doctor} that look at this box (the Kafka one is {@link KafkaReach}): each returns
 * one {@link Finding} with advice for an edge gateway. Stateless; each check runs at most a few seconds.
 */
public final class BoxChecks {

    /**
     * What the launcher's {@code -Xmx128m} gateway needs in all (heap, code, threads, buffers) once it has run a while:
     * the serial collector lets the heap fill to {@code -Xmx} before a full collection, and 1,000 devices then held
     * 253 MB (BENCHMARKS.md, "RSS with 1,000 devices"), against about 175 MB in the first 30 s.
     */
    static final long GATEWAY_RSS = 256L << 20;

    private static final Set<String> VOLATILE = Set.of("tmpfs", "ramfs", "overlay");
    private static final Set<String> WEAK_FSYNC =
            Set.of("vfat", "exfat", "msdos", "fuseblk", "ntfs", "nfs", "nfs4", "cifs");

    private BoxChecks() {}

    static Finding jdk() {
        Runtime.Version version = Runtime.version();
        String arch = System.getProperty("os.arch");
        String detail = version + " (" + System.getProperty("java.vendor") + "), " + System.getProperty("os.name") + " "
                + arch + ", " + Runtime.getRuntime().availableProcessors() + " CPUs";
        if (version.feature() < 21) {
            return Finding.fail("jdk", detail, "the gateway needs Java 21 or newer");
        }
        if (version.feature() != 21 && version.feature() != 25) {
            return Finding.warn(
                    "jdk",
                    detail,
                    "not a long-term-support release: prefer Java 21 or 25 on a box that" + " is updated rarely");
        }
        return Finding.ok("jdk", detail);
    }

    /** From {@code /proc/meminfo} (Linux); unknown elsewhere. */
    static Finding memory(Path meminfo) {
        long total = meminfoKiB(meminfo, "MemTotal") << 10;
        long available = meminfoKiB(meminfo, "MemAvailable") << 10;
        if (total <= 0 || available < 0) {
            return Finding.warn("memory", "unknown (no " + meminfo + ")");
        }
        String detail = size(available) + " available of " + size(total);
        if (available < GATEWAY_RSS) {
            return Finding.fail(
                    "memory",
                    detail,
                    "a gateway with the launcher's -Xmx128m needs about " + size(GATEWAY_RSS)
                            + " in all; stop something else or add memory");
        }
        if (total < (1L << 30) + (1L << 29)) {
            return Finding.warn(
                    "memory",
                    detail,
                    "a small board: use config/examples/raspberry-pi.yaml's JVM"
                            + " options (Serial GC, -Xmx96m, fewer threads) and keep spool.maxBytes within the card");
        }
        return Finding.ok("memory", detail);
    }

    static Finding dataDir(Path dir, long spoolMaxBytes) {
        FileStore store;
        try {
            Files.createDirectories(dir);
            store = Files.getFileStore(dir);
        } catch (IOException e) {
            return Finding.fail("data dir", dir + ": " + e, "the gateway cannot start without a writable data dir");
        }
        String type = store.type().toLowerCase(Locale.ROOT);
        long free;
        try {
            free = store.getUsableSpace();
        } catch (IOException e) {
            free = -1;
        }
        String detail = dir.toAbsolutePath() + " on " + type + " (" + store.name() + "), "
                + (free < 0 ? "free space unknown" : size(free) + " free");
        if (!Files.isWritable(dir)) {
            return Finding.fail(
                    "data dir",
                    detail,
                    "not writable by this user: the spool would open read-only and" + " refuse new data");
        }
        if (VOLATILE.contains(type)) {
            return Finding.warn(
                    "data dir",
                    detail,
                    type + " does not survive a reboot: the spool's promise (nothing"
                            + " acknowledged is lost) then holds only until the box restarts; use a disk or SD card file system");
        }
        if (WEAK_FSYNC.contains(type)) {
            return Finding.warn(
                    "data dir",
                    detail,
                    type + " may acknowledge fsync before the data is safe or lose"
                            + " a file's last writes on power loss; prefer ext4 or f2fs for the data dir");
        }
        if (free >= 0 && free < spoolMaxBytes) {
            return Finding.warn(
                    "data dir",
                    detail,
                    "less free space than spool.maxBytes ("
                            + size(spoolMaxBytes)
                            + "): the spool fills the disk before its own bound; lower"
                            + " spool.maxBytes or free space");
        }
        return Finding.ok("data dir", detail);
    }

    /** Measures fsync in {@code dir} and says what it means for {@code spool.fsync}. */
    static Finding fsync(Path dir, int count, FsyncPolicy configured) {
        FsyncProbe.Result r;
        try {
            r = FsyncProbe.measure(dir, count);
        } catch (IOException e) {
            return Finding.fail("fsync", "cannot write a probe file in " + dir + ": " + e);
        }
        String detail = String.format(
                Locale.ROOT,
                "%d × 512 B write + fdatasync: p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                r.count(),
                r.p50Micros() / 1000.0,
                r.p99Micros() / 1000.0,
                r.maxMicros() / 1000.0);
        double p50 = r.p50Micros() / 1000.0;
        double p99 = r.p99Micros() / 1000.0;
        String meaning = String.format(
                Locale.ROOT,
                "with spool.fsync: group (now %s) a QoS 1 PUBACK waits about %.1f-%.1f ms; a device publishing one"
                        + " message at a time gets at most ~%d/s (group commit batches across devices, so many"
                        + " devices share each fsync)",
                configured,
                p50,
                p99,
                Math.round(1000 / Math.max(p50, 0.01)));
        if (p99 > 20) {
            return Finding.warn(
                    "fsync",
                    detail,
                    meaning,
                    "slow storage (an SD card or a busy disk): consider"
                            + " spool.fsync: interval:100 for few fast publishers; it acknowledges before the fsync, so a"
                            + " power cut (not a crash) may lose the last 100 ms of acknowledged records");
        }
        return Finding.ok("fsync", detail, meaning);
    }

    /**
     * Asks {@code timedatectl}, then {@code chronyc}; unknown when neither answers. The gateway stamps
     * {@code creation-time} and applies {@code spool.maxAge} by this clock.
     */
    static Finding clock() {
        String ntp = run("timedatectl", "show", "-p", "NTPSynchronized", "--value");
        if ("yes".equals(ntp)) {
            return Finding.ok("clock", "synchronized (timedatectl)");
        }
        if ("no".equals(ntp)) {
            return Finding.warn("clock", "not synchronized (timedatectl)", CLOCK_ADVICE);
        }
        String chrony = run("chronyc", "-n", "tracking");
        if (chrony != null && chrony.contains("Leap status")) {
            return chrony.contains("Leap status     : Normal")
                    ? Finding.ok("clock", "synchronized (chronyc)")
                    : Finding.warn("clock", "not synchronized (chronyc)", CLOCK_ADVICE);
        }
        return Finding.warn("clock", "unknown (neither timedatectl nor chronyc answered)", CLOCK_ADVICE);
    }

    private static final String CLOCK_ADVICE = "records carry the gateway's clock (creation-time) and spool.maxAge"
            + " drops by it; a board without a real-time clock starts in the past after a power cut: run an NTP"
            + " client (systemd-timesyncd or chrony)";

    /** The command's trimmed output, or null when it is missing, fails or takes over 3 s. */
    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** 1.5 GiB, 812 MiB: sizes as an operator reads them. */
    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return (bytes >> 20) + " MiB";
    }

    private static long meminfoKiB(Path meminfo, String key) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(
                            line.substring(key.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Every check in order, for the box, the data dir and the Kafka servers given. */
    public static List<Finding> all(
            Path dataDir, long spoolMaxBytes, FsyncPolicy fsync, int fsyncCount, String kafka, Duration timeout) {
        return List.of(
                jdk(),
                memory(Path.of("/proc/meminfo")),
                dataDir(dataDir, spoolMaxBytes),
                fsync(dataDir, fsyncCount, fsync),
                clock(),
                KafkaReach.check(kafka, timeout));
    }
}
