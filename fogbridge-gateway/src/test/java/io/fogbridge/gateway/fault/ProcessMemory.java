package io.fogbridge.gateway.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory of another process as the kernel and its JVM see it: resident set size from {@code /proc/<pid>/status},
 * and the Java heap that is still live after a full collection (through {@code jcmd}, the JDK's own tool). Linux only.
 * Stateless.
 */
public final class ProcessMemory {

    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    /** {@code GC.heap_info} of SerialGC: "DefNew total …K, used …K" and "Tenured total …K, used …K". */
    private static final Pattern USED = Pattern.compile("total \\d+K, used (\\d+)K");

    private ProcessMemory() {}

    /** Resident set size in bytes. */
    public static long rss(long pid) throws IOException {
        String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII);
        Matcher m = RSS.matcher(status);
        if (!m.find()) {
            throw new IOException("no VmRSS in /proc/" + pid + "/status");
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** Runs a full GC in the process, then returns the heap still in use, in bytes (young + old generation). */
    public static long liveHeapAfterFullGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = USED.matcher(info);
        long used = 0;
        int found = 0;
        while (m.find()) {
            used += Long.parseLong(m.group(1)) * 1024;
            found++;
        }
        if (found == 0) {
            throw new IOException("cannot read the heap from jcmd GC.heap_info:\n" + info);
        }
        return used;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed:\n" + out);
        }
        return out;
    }

    /** {@code 123.4 MB}. */
    public static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
